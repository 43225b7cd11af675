#include "uart_line.hpp"

namespace fwprov::sim {

SimClock::time_point UartLine::carry(SimClock::time_point start, std::size_t bytes) {
  if (bytes_per_second_ <= 0) return start;
  if (free_at_ < start) free_at_ = start;
  free_at_ += std::chrono::duration_cast<SimClock::duration>(std::chrono::duration<double>(static_cast<double>(bytes) / bytes_per_second_));
  return free_at_;
}

}  // namespace fwprov::sim
