#pragma once
// One host link to the simulated chip (a TCP connection or the pseudo-terminal): reads bytes,
// throttles them to the UART rate, injects faults, hands frames to the Device, writes replies.
#include <chrono>
#include <cstdio>
#include <random>

#include "device.hpp"

namespace fwprov::sim {

struct LinkOptions {
  std::uint32_t baud_limit = 0;  // 0: as fast as the host can go
  double drop_rate = 0.0;        // probability per frame, each direction
  double corrupt_rate = 0.0;     // probability per frame, each direction (one byte flipped)
  std::uint64_t stall_after = 0; // bytes (both directions) after which the chip goes silent; 0: never
  bool banner = true;            // boot banner on a new connection, before any SYNC
  bool is_socket = true;
};

// Limits a direction to baud/10 bytes per second, like a UART with 8N1 framing.
class Throttle {
 public:
  explicit Throttle(std::uint32_t baud) : bytes_per_second_(baud / 10.0) {}
  void pass(std::size_t bytes);

 private:
  double bytes_per_second_;
  std::chrono::steady_clock::time_point next_{};
};

class JsonLog {
 public:
  explicit JsonLog(std::FILE* file) : file_(file) {}
  void write(const nlohmann::json& entry);

 private:
  std::FILE* file_;
};

class Session {
 public:
  Session(int fd, FlashFile& flash, const DeviceConfig& config, const LinkOptions& options, std::mt19937_64& rng, JsonLog& log);
  // Handles whatever is readable; false when the host closed the link.
  bool on_readable();
  int fd() const noexcept { return fd_; }
  std::uint64_t received() const noexcept { return received_; }
  std::uint64_t sent() const noexcept { return sent_; }
  bool device_flashed_completely() const noexcept { return device_.flashed_completely(); }

 private:
  void send_frame(Bytes packet);
  void send_raw(ByteView bytes);
  bool stalled();
  bool roll(double rate);
  void corrupt(Bytes& packet);

  int fd_;
  Device device_;
  const LinkOptions& options_;
  std::mt19937_64& rng_;
  JsonLog& log_;
  esp::SlipDecoder decoder_{Device::kMaxFrame};
  Throttle rx_throttle_;
  Throttle tx_throttle_;
  std::uint64_t received_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t requests_ = 0;
  bool stall_logged_ = false;
};

}  // namespace fwprov::sim
