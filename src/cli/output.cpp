#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "context.hpp"

namespace fwprov::cli {

void Output::result(std::string_view line) const {
  if (options_.json) return;
  fmt::print(stdout, "{}\n", line);
}

void Output::note(std::string_view line) const {
  if (!options_.quiet) fmt::print(stderr, "{}\n", line);
}

void Output::detail(std::string_view line) const {
  if (options_.verbose > 0 && !options_.quiet) fmt::print(stderr, "{}\n", line);
}

bool Output::color_stderr() const {
  return !options_.no_color && std::getenv("NO_COLOR") == nullptr && ::isatty(STDERR_FILENO);
}

void Output::warning(const Warning& warning) const {
  std::string where = warning.where.to_string();
  const char* label = color_stderr() ? "\033[33mwarning\033[0m" : "warning";
  fmt::print(stderr, "fwprov: {}: {}{}\n", label, where.empty() ? "" : where + ": ", warning.message);
}

void Output::error(std::string_view message) const {
  const char* label = color_stderr() ? "\033[31merror\033[0m" : "error";
  fmt::print(stderr, "fwprov: {}: {}\n", label, message);
}

void Output::document(const nlohmann::json& doc) const { fmt::print(stdout, "{}\n", doc.dump(2)); }

WarningSink Output::warning_sink() const {
  return [this](const Warning& w) { warning(w); };
}

namespace {

std::string human_bytes(double bytes) {
  if (bytes >= 1024.0 * 1024.0) return fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024.0));
  if (bytes >= 1024.0) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  return fmt::format("{:.0f} B", bytes);
}

struct ProgressState {
  std::string label;
  bool terminal;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw{};
  int last_quarter = -1;
};

}  // namespace

ProgressFn Output::progress(std::string label) const {
  if (options_.quiet || options_.json) return {};
  auto state = std::make_shared<ProgressState>(ProgressState{std::move(label), ::isatty(STDERR_FILENO) != 0});
  return [state](std::uint64_t done, std::uint64_t total) {
    using namespace std::chrono;
    auto now = steady_clock::now();
    double seconds = duration<double>(now - state->start).count();
    double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    bool finished = total != 0 && done >= total;
    if (state->terminal) {
      if (!finished && now - state->last_draw < milliseconds(100)) return;  // keep redraws cheap
      state->last_draw = now;
      constexpr int kWidth = 30;
      double fraction = total != 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
      int filled = static_cast<int>(fraction * kWidth);
      std::string bar(static_cast<std::size_t>(filled), '=');
      bar.resize(kWidth, ' ');
      std::string eta = (rate > 0 && total > done) ? fmt::format(" ETA {:.0f}s", static_cast<double>(total - done) / rate) : "";
      fmt::print(stderr, "\r{} [{}] {:3.0f}% {} {}/s{}   ", state->label, bar, fraction * 100.0,
                 human_bytes(static_cast<double>(done)), human_bytes(rate), eta);
      if (finished) fmt::print(stderr, "\n");
      return;
    }
    // Not a terminal (a log file, CI): one plain line per quarter.
    int quarter = total != 0 ? static_cast<int>(done * 4 / total) : 0;
    if (quarter == state->last_quarter) return;
    state->last_quarter = quarter;
    fmt::print(stderr, "{}: {}% ({} of {}, {}/s)\n", state->label, quarter * 25, human_bytes(static_cast<double>(done)),
               human_bytes(static_cast<double>(total)), human_bytes(rate));
  };
}

}  // namespace fwprov::cli
