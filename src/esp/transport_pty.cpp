// Terminals libserialport does not know: it finds ports through sysfs, where Unix98
// pseudo-terminals (/dev/pts/N, e.g. fwprov-sim --pty) do not appear. Such a device is opened
// with plain termios: raw 8N1, no flow control. Modem-line calls fail on a pty and are
// ignored, the same as esptool's "Chip was NOT reset".
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fwprov/core/error.hpp"
#include "fwprov/esp/transport.hpp"

namespace fwprov::esp {
namespace {

using Clock = std::chrono::steady_clock;

class TerminalTransport final : public Transport {
 public:
  TerminalTransport(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~TerminalTransport() override { ::close(fd_); }

  void write(ByteView bytes, Millis timeout) override {
    auto deadline = Clock::now() + timeout;
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EINTR) throw Error(ErrorKind::Device, name_ + ": write failed: " + std::strerror(errno));
      auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
      pollfd pfd{fd_, POLLOUT, 0};
      if (left <= 0 || ::poll(&pfd, 1, static_cast<int>(left)) == 0)
        throw Error(ErrorKind::Device, name_ + ": write timed out (the device is not reading)");
    }
  }

  std::size_t read(std::uint8_t* buffer, std::size_t capacity, Millis timeout) override {
    pollfd pfd{fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
    if (ready <= 0) return 0;
    ssize_t n = ::read(fd_, buffer, capacity);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return 0;
      throw Error(ErrorKind::Device, name_ + ": read failed: " + std::strerror(errno));
    }
    if (n == 0) throw Error(ErrorKind::Device, name_ + ": the terminal was closed");
    return static_cast<std::size_t>(n);
  }

  void flush_input() override { ::tcflush(fd_, TCIFLUSH); }
  void set_baud(std::uint32_t) override {}  // a pseudo-terminal has no line speed
  void set_dtr(bool asserted) override { set_line(TIOCM_DTR, asserted); }
  void set_rts(bool asserted) override { set_line(TIOCM_RTS, asserted); }
  bool has_modem_lines() const override { return true; }
  std::string description() const override { return name_; }

 private:
  void set_line(int line, bool asserted) { ::ioctl(fd_, asserted ? TIOCMBIS : TIOCMBIC, &line); }

  int fd_;
  std::string name_;
};

}  // namespace

std::unique_ptr<Transport> open_terminal_transport(const std::string& name) {
  int fd = ::open(name.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorKind::Device, name + ": cannot open: " + std::strerror(errno));
  termios tio{};
  if (!::isatty(fd) || ::tcgetattr(fd, &tio) != 0) {
    ::close(fd);
    throw Error(ErrorKind::Device, name + ": not a serial port or terminal");
  }
  ::cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~static_cast<tcflag_t>(CRTSCTS);
  ::tcsetattr(fd, TCSANOW, &tio);
  return std::make_unique<TerminalTransport>(fd, name);
}

}  // namespace fwprov::esp
