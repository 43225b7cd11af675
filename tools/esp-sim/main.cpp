// fwprov-sim: a fake ESP32 in download mode for tests, demos and benchmarks.
// Listens on TCP (`socket://127.0.0.1:PORT` for fwprov and esptool) or a pseudo-terminal.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>

#include "fwprov/clidoc/clidoc.hpp"
#include "fwprov/core/numbers.hpp"
#include "session.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }
volatile std::sig_atomic_t g_next_device = 0;
void on_next_device_signal(int) { g_next_device = 1; }

// A factory fixture gets the next board: a new MAC (the low three bytes counted up) and a
// blank flash. Triggered by SIGUSR1 or, with --next-device-on-disconnect, by a host that
// flashed this one completely and disconnected.
void next_device(fwprov::sim::DeviceConfig& config, fwprov::sim::FlashFile& flash, fwprov::sim::JsonLog& log) {
  auto& current = config.mac.emplace(config.mac.value_or(config.target->demo_mac));  // the chip's default MAC if none was given
  std::uint32_t low = (std::uint32_t(current[3]) << 16 | std::uint32_t(current[4]) << 8 | current[5]) + 1;
  current[3] = static_cast<std::uint8_t>(low >> 16);
  current[4] = static_cast<std::uint8_t>(low >> 8);
  current[5] = static_cast<std::uint8_t>(low);
  flash.erase(0, flash.size());
  char mac[18];
  std::snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", current[0], current[1], current[2], current[3], current[4], current[5]);
  log.write({{"event", "next-device"}, {"mac", mac}});
  std::fprintf(stderr, "fwprov-sim: next device, MAC %s, blank flash\n", mac);
}

// Wait for input at most until the next reply is due (and at most 200 ms, to notice signals).
timespec poll_timeout(std::optional<fwprov::sim::SimClock::time_point> due) {
  auto wait = std::chrono::nanoseconds(std::chrono::milliseconds(200));
  if (due) wait = std::clamp(std::chrono::duration_cast<std::chrono::nanoseconds>(*due - fwprov::sim::SimClock::now()),
                             std::chrono::nanoseconds(0), wait);
  return timespec{static_cast<time_t>(wait.count() / 1000000000), static_cast<long>(wait.count() % 1000000000)};
}

std::array<std::uint8_t, 6> parse_mac(const std::string& text) {
  std::array<std::uint8_t, 6> mac{};
  unsigned values[6];
  if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &values[0], &values[1], &values[2], &values[3], &values[4], &values[5]) != 6)
    throw CLI::ValidationError("--mac", "expected six hex bytes like 24:0a:c4:12:34:56");
  for (int i = 0; i < 6; ++i) {
    if (values[i] > 255) throw CLI::ValidationError("--mac", "byte out of range");
    mac[i] = static_cast<std::uint8_t>(values[i]);
  }
  return mac;
}

int listen_tcp(const std::string& bind, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, bind.c_str(), &address.sin_addr) != 1) throw std::runtime_error("--bind: not an IPv4 address");
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 4) != 0)
    throw std::runtime_error(std::string("cannot listen on TCP port: ") + std::strerror(errno));
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  std::printf("%u\n", ntohs(address.sin_port));
  std::fflush(stdout);
  std::fprintf(stderr, "fwprov-sim: listening on socket://%s:%u\n", bind.c_str(), ntohs(address.sin_port));
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fwprov::sim;
  CLI::App app{"fwprov-sim: a simulated ESP32-class chip (--chip) in its serial download loader (ROM, then the flasher stub after an upload).\n"
               "Flash contents live in a file; the host connects over TCP or a pseudo-terminal.",
               "fwprov-sim"};
  std::string flash_path;
  std::string flash_size_text = "4MB";
  int tcp_port = -1;
  bool pty = false;
  std::string bind = "127.0.0.1";
  LinkOptions link;
  std::uint64_t seed = 1;
  std::string log_path;
  std::string mac_text;
  std::string chip_name = "esp32";
  std::string revision_text;
  bool no_banner = false;
  std::string efuse_path;
  bool next_on_disconnect = false;
  app.add_option("--flash", flash_path, "File that holds the flash contents (created, all 0xFF, when missing)")->required();
  app.add_option("--flash-size", flash_size_text, "Flash size: 1MB, 2MB, 4MB, 8MB, 16MB (also reported through RDID)");
  app.add_option("--tcp", tcp_port, "Listen on this TCP port (0: pick one; the port is printed on stdout)");
  app.add_flag("--pty", pty, "Open a pseudo-terminal instead and print its path on stdout");
  app.add_option("--bind", bind, "Address to listen on (default 127.0.0.1)");
  app.add_option("--baud-limit", link.baud_limit,
                 "Model the UART: each direction carries BAUD/10 bytes per second, starting at min(115200, BAUD) and "
                 "following CHANGE_BAUDRATE; BAUD is the highest rate the chip accepts (0: no line, instant)");
  FlashTimingOptions timing;
  std::string timing_mode = "on";
  app.add_option("--timing", timing_mode, "Flash busy times (erase, program, read) on or off (off: instant flash, for fast tests)")
      ->check(CLI::IsMember({"on", "off"}));
  app.add_option("--sector-erase-ms", timing.sector_erase_ms, "4 KiB sector erase time (default 45, W25Q32JV tSE typical)");
  app.add_option("--block-erase-ms", timing.block_erase_ms, "64 KiB block erase time (default 150, W25Q32JV tBE2 typical)");
  app.add_option("--page-program-ms", timing.page_program_ms, "256-byte page program time (default 0.7, W25Q32JV tPP typical)");
  app.add_option("--flash-read-rate", timing.read_bytes_per_second, "Flash read speed in bytes/s for MD5 and READ_FLASH (default 10e6)");
  app.add_option("--drop-rate", link.drop_rate, "Probability that a frame (either direction) is lost")->check(CLI::Range(0.0, 1.0));
  app.add_option("--corrupt-rate", link.corrupt_rate, "Probability that a frame gets one byte flipped")->check(CLI::Range(0.0, 1.0));
  app.add_option("--stall-after", link.stall_after, "Stop answering after this many bytes on the link (both directions)");
  app.add_option("--seed", seed, "Random seed for fault injection (same seed, same faults for the same traffic)");
  app.add_option("--log", log_path, "Write one JSON line per request (and per injected fault) to this file");
  std::string chip_names;
  for (const auto& target : fwprov::esp::all_targets()) chip_names += (chip_names.empty() ? "" : ", ") + std::string(target.esptool_name);
  app.add_option("--chip", chip_name, "Chip to be: " + chip_names + " (default esp32); answers detection, eFuse, SPI and stub as that chip");
  app.add_option("--chip-revision", revision_text, "Chip revision MAJOR.MINOR in eFuse (default: the chip's demo revision; not for esp32, always v3.0)");
  app.add_option("--mac", mac_text, "MAC address in eFuse (default: one per chip, 24:0a:c4:12:34:56 on the ESP32)");
  app.add_option("--efuse", efuse_path,
                 "eFuse controller state as an espefuse virtual eFuse FILE (" + SimEfuse::simulated_chips() + "; loaded, rewritten after every write)");
  app.add_flag("--no-banner", no_banner, "Do not print the ROM boot banner when a host connects");
  app.add_flag("--next-device-on-disconnect", next_on_disconnect,
               "After a host flashed this device completely and disconnected, swap in the next one (MAC + 1, blank flash); "
               "SIGUSR1 swaps at any time (TCP only)");
  app.footer("Example: fwprov-sim --flash flash.bin --flash-size 4MB --tcp 0   (then: fwprov flash -p socket://127.0.0.1:PORT id)");
  fwprov::clidoc::add_man_option(app, {"fwprov", "fwprov manual", {}, {"fwprov(1)", "fwprov-flash(1)"}});  // the installed page
  CLI11_PARSE(app, argc, argv);

  if ((tcp_port >= 0) == pty) {
    std::fprintf(stderr, "fwprov-sim: give exactly one of --tcp PORT or --pty\n");
    return 2;
  }
  auto flash_size = fwprov::parse_size(flash_size_text);
  if (!flash_size || *flash_size < 0x10000 || *flash_size > (256u << 20) || (*flash_size & (*flash_size - 1)) != 0) {
    std::fprintf(stderr, "fwprov-sim: --flash-size '%s' must be a power of two between 64K and 256MB\n", flash_size_text.c_str());
    return 2;
  }
  link.banner = !no_banner;
  timing.enabled = timing_mode == "on";
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGUSR1, on_next_device_signal);

  try {
    DeviceConfig config;
    config.target = fwprov::esp::target_by_name(chip_name);
    if (config.target == nullptr) {
      std::fprintf(stderr, "fwprov-sim: --chip '%s' is not one of %s\n", chip_name.c_str(), chip_names.c_str());
      return 2;
    }
    if (!mac_text.empty()) config.mac = parse_mac(mac_text);
    if (!revision_text.empty()) {
      unsigned major = 0, minor = 0;
      char extra = 0;
      if (std::sscanf(revision_text.c_str(), "%u.%u%c", &major, &minor, &extra) != 2 || major > 7 || minor > 15) {
        std::fprintf(stderr, "fwprov-sim: --chip-revision '%s' must be MAJOR.MINOR, e.g. 1.0\n", revision_text.c_str());
        return 2;
      }
      config.revision = major * 100 + minor;
    }
    config.timing = timing;
    config.max_baud = link.baud_limit;
    std::unique_ptr<SimEfuse> efuse;
    if (!efuse_path.empty()) {
      if (!SimEfuse::simulates(chip_name)) {
        std::fprintf(stderr, "fwprov-sim: --efuse simulates the eFuse controller of %s only (not --chip %s)\n",
                     SimEfuse::simulated_chips().c_str(), chip_name.c_str());
        return 2;
      }
      efuse = std::make_unique<SimEfuse>(chip_name, efuse_path);
      config.efuse = efuse.get();
    }
    FlashFile flash(flash_path, static_cast<std::uint32_t>(*flash_size));
    std::FILE* log_file = nullptr;
    if (!log_path.empty()) {
      log_file = std::fopen(log_path.c_str(), "w");
      if (!log_file) throw std::runtime_error(log_path + ": " + std::strerror(errno));
    }
    JsonLog log(log_file);
    std::mt19937_64 rng(seed);

    if (pty) {
      int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
      if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) throw std::runtime_error("cannot open a pseudo-terminal");
      std::string path = ::ptsname(master);
      // Keep a slave descriptor open so the master never reads EIO between host sessions,
      // and make the line raw (no echo, no CR/LF translation).
      int slave = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
      termios tio{};
      ::tcgetattr(slave, &tio);
      ::cfmakeraw(&tio);
      ::tcsetattr(slave, TCSANOW, &tio);
      std::printf("%s\n", path.c_str());
      std::fflush(stdout);
      std::fprintf(stderr, "fwprov-sim: pseudo-terminal %s\n", path.c_str());
      link.is_socket = false;
      link.banner = false;  // a pty has no "connect" moment to boot on
      Session session(master, flash, config, link, rng, log);
      while (!g_stop) {
        pollfd pfd{master, POLLIN, 0};
        timespec wait = poll_timeout(session.next_due());
        if (::ppoll(&pfd, 1, &wait, nullptr) > 0) session.on_readable();
        session.flush_due();
      }
      ::close(slave);
      ::close(master);
    } else {
      int listener = listen_tcp(bind, tcp_port);
      std::unique_ptr<Session> session;
      while (!g_stop) {
        if (g_next_device) {  // the board is unplugged: its host link ends with it
          g_next_device = 0;
          if (session) ::close(session->fd());
          session.reset();
          next_device(config, flash, log);
        }
        pollfd fds[2] = {{listener, POLLIN, 0}, {session ? session->fd() : -1, POLLIN, 0}};
        timespec wait = poll_timeout(session ? session->next_due() : std::nullopt);
        int ready = ::ppoll(fds, 2, &wait, nullptr);
        if (session) session->flush_due();  // replies whose time on the line has come
        if (ready <= 0) continue;
        if (fds[0].revents & POLLIN) {
          int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
          if (fd >= 0) {
            int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            // One UART: a new host replaces the old one (whose hang-up may not be read yet).
            bool swap = next_on_disconnect && session && session->device_flashed_completely();
            if (session) ::close(session->fd());
            session.reset();
            if (swap) next_device(config, flash, log);
            log.write({{"event", "connected"}});
            session = std::make_unique<Session>(fd, flash, config, link, rng, log);  // a fresh ROM
          }
        }
        if (session && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
          if (!session->on_readable()) {
            log.write({{"event", "disconnected"}, {"rx", session->received()}, {"tx", session->sent()}});
            bool swap = next_on_disconnect && session->device_flashed_completely();
            ::close(session->fd());
            session.reset();
            if (swap) next_device(config, flash, log);
          }
        }
      }
      if (session) ::close(session->fd());
      ::close(listener);
    }
    if (log_file) std::fclose(log_file);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fwprov-sim: %s\n", error.what());
    return 1;
  }
  return 0;
}
