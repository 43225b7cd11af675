#pragma once
// How `fwprov provision` shows a station run (docs/provision.md, "Many ports at once"): the
// library's worker events in, one of four renderings out, all behind one mutex (the workers
// call in from their threads):
// - one port, text: a line per step on stderr, a progress bar per image, a result line per
//   device on stdout (as before multi-port);
// - one port, --json: one JSON line per device attempt (the report), as before;
// - several ports (or --events), --json: a JSON Lines event stream (start, step, progress,
//   waiting, result, port_error) ending with one "summary" line;
// - several ports, text: on a terminal one live status line per port redrawn in place,
//   elsewhere the step lines prefixed with the port; result lines and a per-port summary on
//   stdout.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "context.hpp"
#include "fwprov/provision/station.hpp"

namespace fwprov::cli {

class StationView {
 public:
  StationView(Context& context, std::vector<std::string> ports, bool event_stream);
  // The hooks for run_station, bound to this view (which must outlive the run).
  provision::StationEvents events();
  void started(int count, int retries, const std::string& recipe);
  void finished(const provision::StationResult& result);

 private:
  struct PortState {
    std::string mac, serial, step, detail, last_result;
    std::uint64_t done = 0, total = 0;
    int ok = 0, failed = 0;
    bool waiting = false;
    ProgressFn bar;  // text modes: the current image's progress bar
    std::chrono::steady_clock::time_point last_progress_event{};
  };

  void on_step(std::size_t port, const std::string& step, const std::string& detail);
  void on_step_done(std::size_t port, const std::string& step, double ms);
  void on_progress(std::size_t port, const provision::Region& region, std::uint64_t done, std::uint64_t total);
  void on_serial(std::size_t port, const std::string& serial);
  void on_waiting(std::size_t port, const std::string& mac);
  void on_result(std::size_t port, const provision::DeviceReport& report, int attempt, bool final);
  void on_port_error(std::size_t port, const Error& error);
  void on_warning(const Warning& warning);

  void emit(nlohmann::json event);                // one JSON line on stdout
  void note(std::size_t port, const std::string& line);  // stderr (above the live lines)
  void print_result(const std::string& line);     // stdout (above the live lines)
  void print_error(const std::string& line);      // stderr, always
  std::string prefix(std::size_t port) const;     // "PORT: " with several ports, "" with one
  void redraw(bool force);
  void erase_live();
  std::string live_line(std::size_t port) const;

  Context& context_;
  std::vector<std::string> ports_;
  bool stream_;  // JSON Lines events
  bool live_;    // live status lines on a terminal
  std::mutex mutex_;
  std::vector<PortState> state_;
  std::size_t live_drawn_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace fwprov::cli
