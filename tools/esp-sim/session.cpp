#include "session.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace fwprov::sim {

using Clock = SimClock;

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
    : fd_(fd), device_(flash, config), options_(options), rng_(rng), log_(log),
      rx_line_(std::min(options.baud_limit, kRomBaud)), tx_line_(std::min(options.baud_limit, kRomBaud)) {
  if (options_.banner) {
    // What a real ESP32 prints when it boots into the download loader.
    queue_raw(to_bytes("ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\n"
                       "waiting for download\r\n"),
              Clock::now());
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

void Session::queue_raw(Bytes bytes, Clock::time_point ready) {
  Clock::time_point due = tx_line_.carry(ready, bytes.size());
  pending_.push_back({due, std::move(bytes)});
}

void Session::queue_frame(Bytes packet, Clock::time_point ready) {
  if (roll(options_.drop_rate)) {
    log_.write({{"fault", "dropped reply"}, {"bytes", packet.size()}});
    return;
  }
  if (roll(options_.corrupt_rate)) {
    corrupt(packet);
    log_.write({{"fault", "corrupted reply"}});
  }
  queue_raw(esp::slip_encode(packet), ready);
}

std::optional<Clock::time_point> Session::next_due() const {
  if (pending_.empty()) return std::nullopt;
  return pending_.front().due;
}

void Session::flush_due() {
  auto now = Clock::now();
  while (!pending_.empty() && pending_.front().due <= now) {
    send_raw(pending_.front().bytes);
    pending_.pop_front();
  }
}

bool Session::on_readable() {
  // Everything read now entered the host->chip line no earlier than now; the frames it
  // completes are in the chip once the line has clocked all of it in.
  ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
  if (n == 0) return false;
  if (n < 0) return errno == EINTR || errno == EAGAIN || errno == EIO;
  received_ += static_cast<std::uint64_t>(n);
  if (stalled()) return true;  // silent: read and forget
  Clock::time_point arrived = rx_line_.carry(Clock::now(), static_cast<std::size_t>(n));
  std::vector<esp::SlipFrame> frames;
  decoder_.feed(ByteView(buffer_.data(), static_cast<std::size_t>(n)), frames);
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
    BusyTime busy = device_.take_busy();
    auto seconds = [](double s) { return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s)); };
    Clock::time_point ready = std::max(arrived, device_free_) + seconds(busy.before);
    device_free_ = ready + seconds(busy.after);
    for (auto& packet : out) queue_frame(std::move(packet), ready);
    if (std::uint32_t baud = device_.take_baud_change(); baud != 0 && options_.baud_limit != 0) {
      // The reply above still goes out at the old rate (it is already on the line).
      rx_line_.set_baud(baud);
      tx_line_.set_baud(baud);
    }
    if (!entry.is_null()) {
      entry["n"] = ++requests_;
      entry["rx"] = received_;
      entry["tx"] = sent_;
      if (busy.before + busy.after > 0) entry["busy"] = busy.before + busy.after;
      log_.write(entry);
    }
  }
  flush_due();
  return true;
}

}  // namespace fwprov::sim
