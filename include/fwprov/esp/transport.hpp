#pragma once
// A byte link to a device: a real serial port (libserialport), a raw TCP stream
// (`socket://HOST:PORT`, as esptool spells it) or an in-memory pair for tests. Every wait
// takes a timeout; a broken link throws a Device error.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "fwprov/core/bytes.hpp"

namespace fwprov::esp {

using Millis = std::chrono::milliseconds;

struct UsbIds {
  std::uint16_t vid = 0;
  std::uint16_t pid = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Writes everything or throws (Device) after `timeout`.
  virtual void write(ByteView bytes, Millis timeout) = 0;
  // Waits up to `timeout` for at least one byte; returns how many were stored (0 on timeout).
  // Throws (Device) when the link is closed or broken.
  virtual std::size_t read(std::uint8_t* buffer, std::size_t capacity, Millis timeout) = 0;
  // Discards whatever has arrived and not been read.
  virtual void flush_input() = 0;
  virtual void set_baud(std::uint32_t baud) = 0;
  // Modem lines; no-ops where the link has none (TCP, the memory pair).
  virtual void set_dtr(bool asserted) = 0;
  virtual void set_rts(bool asserted) = 0;
  virtual bool has_modem_lines() const = 0;
  // The USB IDs of the port's device (serial ports on USB); nullopt for TCP, ptys, bridges
  // that do not say. Espressif's own USB peripherals decide the reset sequence (reset.hpp).
  virtual std::optional<UsbIds> usb_ids() const { return std::nullopt; }
  // USB-Serial/JTAG bridge of newer chips (VID 0x303A, PID 0x1001): its own reset sequence.
  bool is_usb_serial_jtag() const {
    auto ids = usb_ids();
    return ids && ids->vid == 0x303A && ids->pid == 0x1001;
  }
  virtual std::string description() const = 0;
};

// "socket://HOST:PORT" -> TCP; anything else is a serial port name (/dev/ttyUSB0, COM3).
std::unique_ptr<Transport> open_transport(const std::string& port, std::uint32_t baud);

std::unique_ptr<Transport> open_tcp_transport(const std::string& host, std::uint16_t port, Millis connect_timeout);
std::unique_ptr<Transport> open_serial_transport(const std::string& name, std::uint32_t baud);
// A terminal device through termios (pseudo-terminals, which libserialport cannot open).
std::unique_ptr<Transport> open_terminal_transport(const std::string& name);

// Two connected ends; bytes written to one are read from the other. Closing (destroying)
// one end makes reads on the other throw, like a dropped link.
std::pair<std::unique_ptr<Transport>, std::unique_ptr<Transport>> make_memory_pair();

// Counts bytes in each direction; wraps any transport.
struct WireCounters {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
};

}  // namespace fwprov::esp
