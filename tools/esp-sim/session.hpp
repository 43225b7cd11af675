#pragma once
// One host link to the simulated chip (a TCP connection or the pseudo-terminal): reads bytes,
// injects faults, hands frames to the Device and schedules its replies. Time is modelled, not
// slept: a request is complete when its last byte has crossed the host->chip UART line, the
// chip starts on it once it is no longer busy with the flash, its reply is ready after the
// flash work the reply waits for, and reaches the host once the chip->host line has clocked it
// out. Replies wait in a queue until then; the caller polls with next_due() as the timeout.
#include <cstdio>
#include <random>

#include <deque>
#include <optional>

#include "device.hpp"
#include "uart_line.hpp"

namespace fwprov::sim {

struct LinkOptions {
  // 0: no line at all (bytes pass at once). Otherwise the UART runs at min(115200, limit)
  // until CHANGE_BAUDRATE, then at the new rate; a rate above the limit is refused.
  std::uint32_t baud_limit = 0;
  double drop_rate = 0.0;        // probability per frame, each direction
  double corrupt_rate = 0.0;     // probability per frame, each direction (one byte flipped)
  std::uint64_t stall_after = 0; // bytes (both directions) after which the chip goes silent; 0: never
  bool banner = true;            // boot banner on a new connection, before any SYNC
  bool is_socket = true;
};

// The rate every ESP32 ROM loader starts at (fact sheet §1).
constexpr std::uint32_t kRomBaud = 115200;

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
  // When the next queued reply is due (nothing queued: none); flush_due() sends those due now.
  std::optional<SimClock::time_point> next_due() const;
  void flush_due();
  int fd() const noexcept { return fd_; }
  std::uint64_t received() const noexcept { return received_; }
  std::uint64_t sent() const noexcept { return sent_; }
  bool device_flashed_completely() const noexcept { return device_.flashed_completely(); }

 private:
  void queue_frame(Bytes packet, SimClock::time_point ready);
  void queue_raw(Bytes bytes, SimClock::time_point ready);
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
  UartLine rx_line_;
  UartLine tx_line_;
  SimClock::time_point device_free_{};  // the chip is busy with the flash until then
  struct Pending {
    SimClock::time_point due;
    Bytes bytes;
  };
  std::deque<Pending> pending_;
  std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(65536);
  std::uint64_t received_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t requests_ = 0;
  bool stall_logged_ = false;
};

}  // namespace fwprov::sim
