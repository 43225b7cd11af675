#include "fwprov/provision/station.hpp"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace fwprov::provision {
namespace {

// The devices still to start in the run, shared by the workers.
class Countdown {
 public:
  explicit Countdown(int remaining) : remaining_(remaining) {}
  bool claim() {
    int left = remaining_.load();
    while (left > 0 && !remaining_.compare_exchange_weak(left, left - 1)) {}
    return left > 0;
  }
  bool empty() const { return remaining_.load() <= 0; }

 private:
  std::atomic<int> remaining_;
};

// What the workers share: the countdown and the first failure of the run.
struct Shared {
  Countdown countdown;
  std::mutex mutex;
  std::optional<Error> first_failure;
  void failed(const Error& error) {
    std::lock_guard lock(mutex);
    if (!first_failure) first_failure = error;
  }
};

class Worker {
 public:
  Worker(std::size_t index, const RunPlan& plan, Clock& clock, const PipelineOptions& options, const StationSetup& setup,
         const StationEvents& events, Shared& shared, std::unique_ptr<Ledger> ledger, PortResult& result)
      : index_(index), plan_(plan), clock_(clock), options_(options), setup_(setup), events_(events), shared_(shared),
        ledger_(std::move(ledger)), result_(result), warnings_(events.warnings) {
    hooks_.warnings = &warnings_;
    if (events_.on_step) hooks_.on_step = [this](const std::string& step, const std::string& detail) { events_.on_step(index_, step, detail); };
    if (events_.on_step_done) hooks_.on_step_done = [this](const std::string& step, double ms) { events_.on_step_done(index_, step, ms); };
    if (events_.on_serial) hooks_.on_serial = [this](const std::string& serial) { events_.on_serial(index_, serial); };
    if (events_.on_progress)
      hooks_.progress = [this](const Region& region) -> ProgressFn {
        return [this, &region](std::uint64_t done, std::uint64_t total) { events_.on_progress(index_, region, done, total); };
      };
  }

  // The first device's slot was reserved for this port by run_station.
  void run() {
    try {
      bool first = true;
      while (!stopping()) {
        std::unique_ptr<DeviceLink> link = first ? setup_.open_link(port()) : next_device();
        if (!link) break;  // stopped, or the run's devices are all started
        first = false;
        provision_with_retries(std::move(link));
      }
    } catch (const Error& error) {
      port_error(error);
    } catch (const std::exception& error) {
      port_error(Error(ErrorKind::Internal, std::string("port worker: ") + error.what()));
    }
  }

 private:
  const std::string& port() const { return setup_.ports[index_]; }

  bool stopping() {
    if (setup_.stop_requested && setup_.stop_requested()) result_.stopped = true;
    return result_.stopped;
  }

  void pause() {
    if (setup_.wait) setup_.wait(index_, setup_.poll_period);
    else std::this_thread::sleep_for(setup_.poll_period);
  }

  // A board with a MAC this port has not finished, connected, with a slot claimed for it;
  // nullptr when the run's slots are used up or a stop was asked for.
  std::unique_ptr<DeviceLink> next_device() {
    std::string waiting_for;
    for (;;) {
      if (stopping() || shared_.countdown.empty()) return nullptr;
      auto candidate = setup_.open_link(port());
      try {
        const auto& identity = candidate->connect();
        if (!done_.count(identity.mac)) {
          if (!shared_.countdown.claim()) return nullptr;  // another port took the last slot
          return candidate;
        }
        if (waiting_for != identity.mac && events_.on_waiting) events_.on_waiting(index_, identity.mac);
        waiting_for = identity.mac;
      } catch (const Error& error) {
        if (error.kind() != ErrorKind::Device) throw;  // nothing on the fixture yet: keep waiting
      }
      candidate.reset();  // close the port before waiting
      pause();
    }
  }

  // The device on `link`, then its retries (each on a fresh link to the same port).
  void provision_with_retries(std::unique_ptr<DeviceLink> link) {
    DeviceReport report = provision_device(plan_, *link, *ledger_, clock_, options_, hooks_);
    link.reset();
    for (int attempt = 1;; ++attempt) {
      std::unique_ptr<DeviceLink> again;
      bool retry = !report.ok && attempt <= setup_.retries && worth_retrying(*report.error) && !stopping();
      if (retry) {
        again = same_board(report.identity.mac);
        retry = again != nullptr;
      }
      if (events_.on_result) events_.on_result(index_, report, attempt, !retry);
      bool ok = report.ok;
      std::string mac = report.identity.mac;
      std::optional<Error> error = report.error;
      result_.attempts.push_back(std::move(report));
      if (!retry) {
        if (!mac.empty()) done_.insert(mac);
        if (ok) {
          ++result_.ok;
        } else {
          ++result_.failed;
          shared_.failed(*error);
        }
        return;
      }
      report = provision_device(plan_, *again, *ledger_, clock_, options_, hooks_);
    }
  }

  // A fresh link for a retry of the board with `mac`; nullptr when another board answers
  // now (the failed one was taken away; it becomes this port's next device). A link that
  // does not answer is still retried: the pipeline's connect step reports it.
  std::unique_ptr<DeviceLink> same_board(const std::string& mac) {
    auto link = setup_.open_link(port());
    if (mac.empty()) return link;  // it never answered: nothing to hold it to
    try {
      if (link->connect().mac != mac) return nullptr;
      return link;  // connected: the pipeline's connect step reuses it
    } catch (const Error& error) {
      if (error.kind() != ErrorKind::Device) throw;
    }
    return setup_.open_link(port());  // a link whose connect failed is not reused
  }

  void port_error(const Error& error) {
    result_.error = error;
    shared_.failed(error);
    if (events_.on_port_error) events_.on_port_error(index_, error);
  }

  std::size_t index_;
  const RunPlan& plan_;
  Clock& clock_;
  const PipelineOptions& options_;
  const StationSetup& setup_;
  const StationEvents& events_;
  Shared& shared_;
  std::unique_ptr<Ledger> ledger_;
  PortResult& result_;
  Warnings warnings_;
  PipelineHooks hooks_;
  std::set<std::string> done_;  // MACs finished on this port in this run
};

}  // namespace

bool worth_retrying(const Error& error) {
  switch (error.kind()) {
    case ErrorKind::Device:    // link, timeout, refused command
    case ErrorKind::Io:        // e.g. the ledger was busy
    case ErrorKind::Mismatch:  // read-back differed
      return true;
    default:  // usage, input (already provisioned, bad values), crypto, internal: the same again
      return false;
  }
}

int StationResult::ok() const {
  int n = 0;
  for (const auto& p : ports) n += p.ok;
  return n;
}
int StationResult::failed() const {
  int n = 0;
  for (const auto& p : ports) n += p.failed;
  return n;
}
int StationResult::attempts() const {
  int n = 0;
  for (const auto& p : ports) n += static_cast<int>(p.attempts.size());
  return n;
}

StationResult run_station(const RunPlan& plan, Clock& clock, const PipelineOptions& options, const StationSetup& setup,
                          const StationEvents& events) {
  if (setup.ports.empty()) throw Error(ErrorKind::Usage, "no port to provision on");
  if (setup.count < 0 || setup.retries < 0) throw Error(ErrorKind::Usage, "--count and --retries must not be negative");
  std::size_t count = setup.count == 0 ? setup.ports.size() : static_cast<std::size_t>(setup.count);
  std::size_t active = std::min(count, setup.ports.size());  // each of these has its first slot reserved
  Shared shared{Countdown(static_cast<int>(count - active)), {}, {}};

  StationResult result;
  result.ports.resize(setup.ports.size());
  for (std::size_t i = 0; i < setup.ports.size(); ++i) result.ports[i].port = setup.ports[i];
  // Every ledger connection before any device: an error here ends the run with nothing touched.
  std::vector<std::unique_ptr<Worker>> workers;
  for (std::size_t i = 0; i < active; ++i)
    workers.push_back(std::make_unique<Worker>(i, plan, clock, options, setup, events, shared, setup.open_ledger(), result.ports[i]));

  if (workers.size() == 1) {
    workers[0]->run();  // one port: no thread needed
  } else {
    // jthreads join when they go out of scope, also when starting a later one throws.
    std::vector<std::jthread> threads;
    for (auto& worker : workers) threads.emplace_back([&worker] { worker->run(); });
  }
  for (const auto& port : result.ports) result.stopped = result.stopped || port.stopped;
  result.first_failure = shared.first_failure;
  return result;
}

}  // namespace fwprov::provision
