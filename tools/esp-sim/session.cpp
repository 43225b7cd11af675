#include "session.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace fwprov::sim {

using Clock = std::chrono::steady_clock;

void Throttle::pass(std::size_t bytes) {
  if (bytes_per_second_ <= 0) return;
  auto now = Clock::now();
  if (next_ < now) next_ = now;
  next_ += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(static_cast<double>(bytes) / bytes_per_second_));
  std::this_thread::sleep_until(next_);
}

void JsonLog::write(const nlohmann::json& entry) {
  if (!file_) return;
  static const auto started = Clock::now();
  nlohmann::json stamped = entry;
  stamped["t"] = std::chrono::duration<double>(Clock::now() - started).count();
  std::fputs(stamped.dump().c_str(), file_);
  std::fputc('\n', file_);
  std::fflush(file_);
}

Session::Session(int fd, FlashFile& flash, const DeviceConfig& config, const LinkOptions& options, std::mt19937_64& rng, JsonLog& log)
    : fd_(fd), device_(flash, config), options_(options), rng_(rng), log_(log), rx_throttle_(options.baud_limit),
      tx_throttle_(options.baud_limit) {
  if (options_.banner) {
    // What a real ESP32 prints when it boots into the download loader.
    send_raw(to_bytes("ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\n"
                      "waiting for download\r\n"));
  }
}

bool Session::stalled() {
  if (options_.stall_after == 0 || received_ + sent_ < options_.stall_after) return false;
  if (!stall_logged_) {
    stall_logged_ = true;
    log_.write({{"event", "stalled"}, {"rx", received_}, {"tx", sent_}});
  }
  return true;
}

bool Session::roll(double rate) {
  if (rate <= 0) return false;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < rate;
}

void Session::corrupt(Bytes& packet) {
  if (packet.empty()) return;
  std::size_t at = std::uniform_int_distribution<std::size_t>(0, packet.size() - 1)(rng_);
  auto flip = static_cast<std::uint8_t>(std::uniform_int_distribution<int>(1, 255)(rng_));
  packet[at] ^= flip;
}

void Session::send_raw(ByteView bytes) {
  if (stalled()) return;
  tx_throttle_.pass(bytes.size());
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = options_.is_socket ? ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL)
                                   : ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // the host went away; the next read notices
    }
    done += static_cast<std::size_t>(n);
  }
  sent_ += bytes.size();
}

void Session::send_frame(Bytes packet) {
  if (roll(options_.drop_rate)) {
    log_.write({{"fault", "dropped reply"}, {"bytes", packet.size()}});
    return;
  }
  if (roll(options_.corrupt_rate)) {
    corrupt(packet);
    log_.write({{"fault", "corrupted reply"}});
  }
  send_raw(esp::slip_encode(packet));
}

bool Session::on_readable() {
  // Everything the host has sent so far is "on the wire"; the throttle then waits until its
  // last byte would have arrived at the UART rate. One sleep per read (not per small slice)
  // keeps scheduler jitter from adding up.
  std::vector<std::uint8_t> buffer(65536);
  ssize_t n = ::read(fd_, buffer.data(), buffer.size());
  if (n == 0) return false;
  if (n < 0) return errno == EINTR || errno == EAGAIN || errno == EIO;
  received_ += static_cast<std::uint64_t>(n);
  if (stalled()) return true;  // silent: read and forget
  rx_throttle_.pass(static_cast<std::size_t>(n));
  std::vector<esp::SlipFrame> frames;
  decoder_.feed(ByteView(buffer.data(), static_cast<std::size_t>(n)), frames);
  for (auto& frame : frames) {
    if (roll(options_.drop_rate)) {
      log_.write({{"fault", "dropped request"}, {"bytes", frame.data.size()}});
      continue;
    }
    if (roll(options_.corrupt_rate)) {
      corrupt(frame.data);
      log_.write({{"fault", "corrupted request"}});
    }
    std::vector<Bytes> out;
    nlohmann::json entry = device_.on_frame(frame, out);
    for (auto& packet : out) send_frame(std::move(packet));
    if (!entry.is_null()) {
      entry["n"] = ++requests_;
      entry["rx"] = received_;
      entry["tx"] = sent_;
      log_.write(entry);
    }
  }
  return true;
}

}  // namespace fwprov::sim
