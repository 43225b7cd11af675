#pragma once
// The station run (`provision -p A -p B ... --count N --retries K`): one worker thread per
// port, each with its own device link, ledger connection, warnings and state, so one device
// failing (or one port going silent) never disturbs the others.
//
// Rules (docs/provision.md, "Many ports at once"):
// - `count` is the number of devices in the whole run, across all ports: a device counts once
//   it succeeded or failed for good. The workers share the countdown (an atomic); each port's
//   first device is reserved up front (ports beyond `count` are never touched), later slots
//   go to whichever port finds its next device first.
// - A device is the board on the port: the first one is whatever answers; a later one must
//   have a MAC this port has not finished in this run (the worker reconnects every
//   `poll_period` until one does, or the countdown is used up, or a stop is asked for).
// - A failed device gets up to `retries` more attempts on its port (a fresh connection each),
//   only for failures that can pass on a second try (link, I/O, read-back); a refusal by the
//   ledger, a bad input or a key problem would fail the same way again. A retry that finds a
//   different board on the port ends the retries (the failed board was taken away).
// - After a device failed for good the port goes on with its next device.
// - `stop_requested` ends every worker after its current device (no retry is started either).
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/provision/pipeline.hpp"

namespace fwprov::provision {

struct StationSetup {
  std::vector<std::string> ports;  // one worker each, in this order (events name the index)
  int count = 0;                   // devices in total across ports; 0: one per port
  int retries = 0;                 // more attempts for a failed device, on its own port
  std::function<std::unique_ptr<DeviceLink>(const std::string& port)> open_link;
  // One ledger connection per worker that will provision a device, all opened by
  // run_station before any worker starts (an open error ends the run before any device).
  std::function<std::unique_ptr<Ledger>()> open_ledger;
  std::function<bool()> stop_requested;  // called from every worker: must be thread-safe
  // Waits up to `period` before the next look for a device on `port`; empty: sleeps.
  std::function<void(std::size_t port, std::chrono::milliseconds period)> wait;
  std::chrono::milliseconds poll_period{500};
};

// Called from the workers, several at once: every hook must be thread-safe.
struct StationEvents {
  std::function<void(std::size_t port, const std::string& step, const std::string& detail)> on_step;
  std::function<void(std::size_t port, const std::string& step, double milliseconds)> on_step_done;
  std::function<void(std::size_t port, const Region& region, std::uint64_t done, std::uint64_t total)> on_progress;
  std::function<void(std::size_t port, const std::string& serial)> on_serial;  // the ledger allocated it
  std::function<void(std::size_t port, const std::string& mac)> on_waiting;  // the finished board still answers
  // Every attempt: `attempt` counts from 1 per device; `final` is false when a retry follows.
  std::function<void(std::size_t port, const DeviceReport& report, int attempt, bool final)> on_result;
  std::function<void(std::size_t port, const Error& error)> on_port_error;  // the worker itself stopped
  WarningSink warnings;  // the workers' warnings (each worker has its own Warnings in front of it)
};

struct PortResult {
  std::string port;
  std::vector<DeviceReport> attempts;  // every attempt, in order (a retried device has several)
  int ok = 0;                          // devices that succeeded
  int failed = 0;                      // devices that failed for good
  bool stopped = false;                // ended by stop_requested
  std::optional<Error> error;          // the worker stopped on an error that is not a device's
  int devices() const { return ok + failed; }
};

struct StationResult {
  std::vector<PortResult> ports;  // in StationSetup::ports order
  bool stopped = false;
  // The first failure of the run in time (a device that failed for good, or a port's own
  // error): its kind gives the exit code. Empty when every device succeeded.
  std::optional<Error> first_failure;
  int ok() const;
  int failed() const;
  int attempts() const;
};

// Whether a second attempt at a device failing with this error can succeed.
bool worth_retrying(const Error& error);

// Runs every port's worker and returns when all have ended. `clock` is shared by the workers
// (it must be thread-safe; SteadyClock is); `plan` is only read.
StationResult run_station(const RunPlan& plan, Clock& clock, const PipelineOptions& options, const StationSetup& setup,
                          const StationEvents& events);

}  // namespace fwprov::provision
