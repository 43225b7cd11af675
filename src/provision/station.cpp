#include "fwprov/provision/station.hpp"

namespace fwprov::provision {

StationResult run_station(const RunPlan& plan, Ledger& ledger, Clock& clock, int count, const PipelineOptions& options,
                          const PipelineHooks& hooks, const StationHooks& station) {
  StationResult result;
  std::set<std::string> done;
  auto stop = [&] { return station.stop_requested && station.stop_requested(); };
  for (int n = 0; n < count; ++n) {
    std::unique_ptr<DeviceLink> link;
    std::string waiting_for;
    // The next device: the first one is whatever answers; later ones must have a new MAC.
    while (!link) {
      if (stop()) {
        result.stopped = true;
        return result;
      }
      auto candidate = station.open_link();
      if (done.empty()) {
        link = std::move(candidate);
        break;
      }
      try {
        const auto& identity = candidate->connect();
        if (!done.count(identity.mac)) {
          link = std::move(candidate);
          break;
        }
        if (waiting_for != identity.mac && station.on_waiting) station.on_waiting(identity.mac);
        waiting_for = identity.mac;
      } catch (const Error& error) {
        if (error.kind() != ErrorKind::Device) throw;  // nothing on the fixture yet: keep waiting
      }
      candidate.reset();  // close the port before waiting
      if (station.wait) station.wait(station.poll_period);
    }
    DeviceReport report = provision_device(plan, *link, ledger, clock, options, hooks);
    link.reset();
    if (station.on_device) station.on_device(report);
    bool ok = report.ok;
    if (ok) done.insert(report.identity.mac);
    result.devices.push_back(std::move(report));
    if (!ok) return result;
  }
  return result;
}

}  // namespace fwprov::provision
