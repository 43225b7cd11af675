#include "provision_view.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace fwprov::cli {
namespace {

using namespace std::chrono;
using namespace fwprov::provision;

constexpr auto kRedrawEvery = milliseconds(100);          // live lines: at most 10 redraws a second
constexpr auto kProgressEventEvery = milliseconds(250);   // JSON progress events per port

nlohmann::json text_or_null_json(const std::string& text) { return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text); }

std::string bar_text(std::uint64_t done, std::uint64_t total) {
  constexpr int kWidth = 20;
  double fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
  std::string bar(static_cast<std::size_t>(fraction * kWidth), '=');
  bar.resize(kWidth, ' ');
  return fmt::format("[{}] {:3.0f}%", bar, fraction * 100.0);
}

}  // namespace

StationView::StationView(Context& context, std::vector<std::string> ports, bool event_stream)
    : context_(context), ports_(std::move(ports)), stream_(event_stream), state_(ports_.size()) {
  live_ = ports_.size() > 1 && !context_.out.json() && !context_.options.quiet && ::isatty(STDERR_FILENO);
}

StationEvents StationView::events() {
  StationEvents events;
  events.on_step = [this](std::size_t port, const std::string& step, const std::string& detail) { on_step(port, step, detail); };
  events.on_step_done = [this](std::size_t port, const std::string& step, double ms) { on_step_done(port, step, ms); };
  events.on_progress = [this](std::size_t port, const Region& region, std::uint64_t done, std::uint64_t total) {
    on_progress(port, region, done, total);
  };
  events.on_serial = [this](std::size_t port, const std::string& serial) { on_serial(port, serial); };
  events.on_waiting = [this](std::size_t port, const std::string& mac) { on_waiting(port, mac); };
  events.on_result = [this](std::size_t port, const DeviceReport& report, int attempt, bool final) { on_result(port, report, attempt, final); };
  events.on_port_error = [this](std::size_t port, const Error& error) { on_port_error(port, error); };
  events.warnings = [this](const Warning& warning) { on_warning(warning); };
  return events;
}

void StationView::started(int count, int retries, const std::string& recipe) {
  std::lock_guard lock(mutex_);
  if (stream_) {
    emit({{"event", "start"}, {"ports", ports_}, {"count", count}, {"retries", retries}, {"recipe", recipe}});
    return;
  }
  std::string where = ports_.size() == 1 ? ports_[0] : fmt::format("{} ports", ports_.size());
  context_.out.note(fmt::format("Provisioning {} device{} on {} from {}", count, count > 1 ? "s" : "", where, recipe));
  redraw(true);
}

void StationView::on_step(std::size_t port, const std::string& step, const std::string& detail) {
  std::lock_guard lock(mutex_);
  PortState& s = state_[port];
  if (step == "connect") s.mac.clear(), s.serial.clear();
  if (step == "identity") s.mac = detail;
  s.step = step;
  s.detail = detail;
  s.done = s.total = 0;
  s.waiting = false;
  s.bar = nullptr;  // a new image gets a new bar
  if (stream_)
    emit({{"event", "step"}, {"port", ports_[port]}, {"step", step}, {"detail", detail}, {"mac", text_or_null_json(s.mac)},
          {"serial", text_or_null_json(s.serial)}});
  redraw(true);
}

void StationView::on_step_done(std::size_t port, const std::string& step, double ms) {
  std::lock_guard lock(mutex_);
  if (stream_ || live_) return;  // the stream has the step; the live line shows it
  note(port, fmt::format("  {:<24} {:<28} {:8.1f} ms", step, state_[port].detail, ms));
}

void StationView::on_progress(std::size_t port, const Region& region, std::uint64_t done, std::uint64_t total) {
  std::lock_guard lock(mutex_);
  PortState& s = state_[port];
  s.done = done;
  s.total = total;
  if (stream_) {
    auto now = steady_clock::now();
    if (now - s.last_progress_event < kProgressEventEvery && done < total) return;
    s.last_progress_event = now;
    emit({{"event", "progress"}, {"port", ports_[port]}, {"step", s.step}, {"done", done}, {"total", total}});
    return;
  }
  if (live_) return redraw(false);
  // Several ports into a log: each region's step line (with its time) is enough; interleaved
  // percentage lines of every port would bury the results.
  if (ports_.size() > 1) return;
  if (!s.bar) s.bar = context_.out.progress(fmt::format("  {}writing {} at 0x{:X}", prefix(port), region.target, region.offset));
  if (s.bar) s.bar(done, total);
}

void StationView::on_serial(std::size_t port, const std::string& serial) {
  std::lock_guard lock(mutex_);
  state_[port].serial = serial;
}

void StationView::on_waiting(std::size_t port, const std::string& mac) {
  std::lock_guard lock(mutex_);
  state_[port].waiting = true;
  if (stream_) return emit({{"event", "waiting"}, {"port", ports_[port]}, {"mac", mac}});
  if (live_) return redraw(true);
  bool enter = ports_.size() == 1 && ::isatty(STDIN_FILENO);
  note(port, fmt::format("Waiting for the next device ({} is done; swap it{})", mac, enter ? ", or press Enter" : ""));
}

void StationView::on_result(std::size_t port, const DeviceReport& report, int attempt, bool final) {
  std::lock_guard lock(mutex_);
  PortState& s = state_[port];
  if (final) (report.ok ? s.ok : s.failed) += 1;
  s.last_result = report.ok ? "ok " + report.serial : (final ? "FAILED " : "retrying ") + (report.serial.empty() ? report.identity.mac : report.serial);
  s.step.clear();
  if (stream_) {
    nlohmann::json event = {{"event", "result"}, {"port", ports_[port]}, {"attempt", attempt}, {"final", final}};
    event.update(report.to_json());
    emit(std::move(event));
  } else if (context_.out.json()) {
    fmt::print(stdout, "{}\n", report.to_json().dump());  // one port: a line per attempt, as before the event stream
    std::fflush(stdout);
  } else if (report.ok) {
    print_result(fmt::format("{}{} {} ({}): provisioned, {} regions written and verified{}", prefix(port), report.serial, report.identity.mac,
                             report.identity.description, report.regions.size(),
                             report.certificate_sha256.empty() ? "" : ", certificate " + report.certificate_sha256.substr(0, 16) + "..."));
  }
  if (!report.ok) {
    if (final) print_error(prefix(port) + report.error->what());
    else note(port, fmt::format("attempt {} failed, retrying: {}", attempt, report.error->what()));
  }
  if (report.kept_private_key) context_.out.warning({SourceLocation(report.kept_private_key->string()), "private key kept on disk (0600)"});
  redraw(true);
}

void StationView::on_port_error(std::size_t port, const Error& error) {
  std::lock_guard lock(mutex_);
  state_[port].last_result = "STOPPED: " + error.message();
  if (stream_) emit({{"event", "port_error"}, {"port", ports_[port]}, {"error", error_json(error)}});
  print_error(prefix(port) + error.what());
  redraw(true);
}

void StationView::on_warning(const Warning& warning) {
  std::lock_guard lock(mutex_);
  erase_live();
  context_.out.warning(warning);
  redraw(true);
}

void StationView::finished(const StationResult& result) {
  std::lock_guard lock(mutex_);
  redraw(true);
  live_drawn_ = 0;  // the live lines stay on the screen as they are
  live_ = false;
  int code = result.first_failure ? exit_code(result.first_failure->kind()) : 0;
  if (stream_) {
    nlohmann::json ports = nlohmann::json::array();
    for (const auto& p : result.ports) {
      nlohmann::json serials = nlohmann::json::array();
      for (const auto& a : p.attempts)
        if (a.ok) serials.push_back(a.serial);
      ports.push_back({{"port", p.port}, {"devices", p.devices()}, {"ok", p.ok}, {"failed", p.failed},
                       {"attempts", p.attempts.size()}, {"serials", serials}, {"stopped", p.stopped},
                       {"error", p.error ? error_json(*p.error) : nlohmann::json(nullptr)}});
    }
    nlohmann::json totals = {{"ports", result.ports.size()}, {"devices", result.ok() + result.failed()}, {"ok", result.ok()},
                             {"failed", result.failed()}, {"attempts", result.attempts()}};
    emit({{"event", "summary"}, {"ok", code == 0}, {"exit_code", code}, {"stopped", result.stopped}, {"ports", ports}, {"totals", totals}});
    return;
  }
  if (ports_.size() > 1 && !context_.out.json()) {
    for (const auto& p : result.ports)
      context_.out.result(fmt::format("{}: {} ok, {} failed, {} attempts{}", p.port, p.ok, p.failed, p.attempts.size(),
                                      p.error ? " (stopped: " + p.error->message() + ")" : ""));
    context_.out.result(fmt::format("total: {} devices, {} ok, {} failed, {} attempts on {} ports", result.ok() + result.failed(), result.ok(),
                                    result.failed(), result.attempts(), result.ports.size()));
  }
  if (result.stopped) context_.out.note(fmt::format("Stopped after {} device(s) (interrupted)", result.ok() + result.failed()));
}

void StationView::emit(nlohmann::json event) {
  fmt::print(stdout, "{}\n", event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  std::fflush(stdout);
}

std::string StationView::prefix(std::size_t port) const { return ports_.size() > 1 ? ports_[port] + ": " : ""; }

void StationView::note(std::size_t port, const std::string& line) {
  erase_live();
  context_.out.note(line.rfind("  ", 0) == 0 ? "  " + prefix(port) + line.substr(2) : prefix(port) + line);
}

void StationView::print_result(const std::string& line) {
  erase_live();
  context_.out.result(line);
  std::fflush(stdout);
}

void StationView::print_error(const std::string& line) {
  erase_live();
  context_.out.error(line);
}

// Moves the cursor back over the live lines and clears them, so a line printed next lands
// above them; redraw() puts them back.
void StationView::erase_live() {
  if (!live_ || live_drawn_ == 0) return;
  std::fflush(stdout);
  fmt::print(stderr, "\x1b[{}F\x1b[J", live_drawn_);
  live_drawn_ = 0;
}

std::string StationView::live_line(std::size_t port) const {
  const PortState& s = state_[port];
  std::size_t width = 0;
  for (const auto& p : ports_) width = std::max(width, p.size());
  std::string now;
  if (!s.step.empty()) {
    now = fmt::format("{:<11} {:<18}", s.serial.empty() ? s.mac : s.serial, s.step);
    if (s.total) now += " " + bar_text(s.done, s.total);
  } else if (s.waiting) {
    now = "waiting for the next device";
  }
  return fmt::format("{:<{}}  ok {:>3}  failed {:>2}  {:<24} {}", ports_[port], width, s.ok, s.failed, s.last_result, now);
}

void StationView::redraw(bool force) {
  if (!live_) return;
  auto now = steady_clock::now();
  if (!force && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  std::string text = live_drawn_ ? fmt::format("\x1b[{}F", live_drawn_) : "";
  for (std::size_t i = 0; i < ports_.size(); ++i) text += "\x1b[2K" + live_line(i) + "\n";
  std::fflush(stdout);
  fmt::print(stderr, "{}", text);
  std::fflush(stderr);
  live_drawn_ = ports_.size();
}

}  // namespace fwprov::cli
