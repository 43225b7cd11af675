#include "fwprov/esp/link.hpp"

namespace fwprov::esp {

using Clock = std::chrono::steady_clock;

void Link::send(ByteView packet) {
  Bytes framed = slip_encode(packet);
  transport_.write(framed, write_timeout_);
  counters_.sent += framed.size();
}

std::optional<Bytes> Link::receive(Millis timeout) {
  auto deadline = Clock::now() + timeout;
  std::uint8_t buffer[8192];
  std::vector<SlipFrame> decoded;
  for (;;) {
    if (!frames_.empty()) {
      Bytes frame = std::move(frames_.front());
      frames_.pop_front();
      return frame;
    }
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    if (left.count() < 0) left = Millis(0);
    std::size_t n = transport_.read(buffer, sizeof buffer, left);
    if (n == 0) {
      if (Clock::now() >= deadline) return std::nullopt;
      continue;
    }
    counters_.received += n;
    decoded.clear();
    decoder_.feed(ByteView(buffer, n), decoded);
    for (auto& frame : decoded) {
      if (frame.fault != SlipFault::None) {
        ++malformed_frames_;
        continue;
      }
      frames_.push_back(std::move(frame.data));
    }
  }
}

void Link::flush_input() {
  transport_.flush_input();
  decoder_.reset();
  frames_.clear();
}

void Link::drain(Millis quiet, Millis limit) {
  auto end = Clock::now() + limit;
  std::uint8_t buffer[4096];
  while (Clock::now() < end) {
    auto left = std::chrono::duration_cast<Millis>(end - Clock::now());
    std::size_t n = transport_.read(buffer, sizeof buffer, std::min(quiet, left));
    if (n == 0) break;
    counters_.received += n;
  }
  decoder_.reset();
  frames_.clear();
}

}  // namespace fwprov::esp
