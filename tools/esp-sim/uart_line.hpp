#pragma once
// One direction of the simulated UART: 8N1, so BAUD/10 bytes per second. Bytes handed to the
// line at time T leave it once everything queued before them and they themselves have been
// clocked out. The two directions are separate UartLine objects (full duplex: a reply going
// out never delays a request coming in, and the other way round).
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace fwprov::sim {

using SimClock = std::chrono::steady_clock;

class UartLine {
 public:
  // baud 0: no line limit (bytes pass at once).
  explicit UartLine(std::uint32_t baud = 0) { set_baud(baud); }
  void set_baud(std::uint32_t baud) noexcept { bytes_per_second_ = baud / 10.0; }
  // `bytes` enter the line at `start` (or when it is free); returns when the last one is through.
  SimClock::time_point carry(SimClock::time_point start, std::size_t bytes);

 private:
  double bytes_per_second_ = 0;
  SimClock::time_point free_at_{};
};

}  // namespace fwprov::sim
