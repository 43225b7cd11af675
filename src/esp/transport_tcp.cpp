// socket://HOST:PORT: a raw TCP byte stream, the way pyserial's socket backend (and so esptool)
// treats it: no telnet, no modem lines.
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fwprov/core/error.hpp"
#include "fwprov/esp/transport.hpp"

namespace fwprov::esp {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

class TcpTransport final : public Transport {
 public:
  TcpTransport(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~TcpTransport() override { ::close(fd_); }

  void write(ByteView bytes, Millis timeout) override {
    auto deadline = Clock::now() + timeout;
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        throw Error(ErrorKind::Device, name_ + ": write failed: " + std::strerror(errno));
      pollfd pfd{fd_, POLLOUT, 0};
      int left = remaining_ms(deadline);
      if (left == 0 || ::poll(&pfd, 1, left) == 0)
        throw Error(ErrorKind::Device, name_ + ": write timed out (the device is not reading)");
    }
  }

  std::size_t read(std::uint8_t* buffer, std::size_t capacity, Millis timeout) override {
    auto deadline = Clock::now() + timeout;
    for (;;) {
      ssize_t n = ::recv(fd_, buffer, capacity, 0);
      if (n > 0) return static_cast<std::size_t>(n);
      if (n == 0) throw Error(ErrorKind::Device, name_ + ": connection closed by the device");
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        throw Error(ErrorKind::Device, name_ + ": read failed: " + std::strerror(errno));
      pollfd pfd{fd_, POLLIN, 0};
      int left = remaining_ms(deadline);
      if (left == 0) return 0;
      if (::poll(&pfd, 1, left) == 0) return 0;
    }
  }

  void flush_input() override {
    std::uint8_t scratch[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, scratch, sizeof scratch, 0);
      if (n <= 0) return;
    }
  }

  void set_baud(std::uint32_t) override {}
  void set_dtr(bool) override {}
  void set_rts(bool) override {}
  bool has_modem_lines() const override { return false; }
  std::string description() const override { return name_; }

 private:
  int fd_;
  std::string name_;
};

}  // namespace

std::unique_ptr<Transport> open_tcp_transport(const std::string& host, std::uint16_t port, Millis connect_timeout) {
  std::string name = "socket://" + host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) throw Error(ErrorKind::Device, name + ": cannot resolve host: " + ::gai_strerror(rc));
  std::string last_error = "no address";
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last_error = std::strerror(errno);
      ::close(fd);
      continue;
    }
    pollfd pfd{fd, POLLOUT, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(connect_timeout.count()));
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (ready <= 0 || so_error != 0) {
      last_error = ready <= 0 ? "connect timed out" : std::strerror(so_error);
      ::close(fd);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::freeaddrinfo(found);
    return std::make_unique<TcpTransport>(fd, name);
  }
  ::freeaddrinfo(found);
  throw Error(ErrorKind::Device, name + ": cannot connect: " + last_error);
}

}  // namespace fwprov::esp
