#pragma once
// The station loop (`provision --count N`): provision a device, wait for the next one (a
// device with a MAC not done in this run answering on the port), repeat N times. It stops
// after the current device when asked (Ctrl-C) and at the first failed device.
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <vector>

#include "fwprov/provision/pipeline.hpp"

namespace fwprov::provision {

struct StationHooks {
  std::function<std::unique_ptr<DeviceLink>()> open_link;
  std::function<bool()> stop_requested;
  // Waits up to `period` for the next try; true when the operator asked to go on at once.
  std::function<void(std::chrono::milliseconds period)> wait;
  std::function<void(const std::string& mac)> on_waiting;  // the same device still answers
  std::function<void(const DeviceReport& report)> on_device;
  std::chrono::milliseconds poll_period{500};
};

struct StationResult {
  std::vector<DeviceReport> devices;
  bool stopped = false;  // ended early by stop_requested
};

StationResult run_station(const RunPlan& plan, Ledger& ledger, Clock& clock, int count, const PipelineOptions& options,
                          const PipelineHooks& hooks, const StationHooks& station);

}  // namespace fwprov::provision
