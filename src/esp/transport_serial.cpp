// Real serial ports through libserialport: any rate the adapter supports, DTR/RTS, timeouts.
#include <libserialport.h>

#include <fmt/core.h>

#include <filesystem>

#include "fwprov/core/error.hpp"
#include "fwprov/esp/transport.hpp"

namespace fwprov::esp {
namespace {

std::string last_error_text() {
  char* message = sp_last_error_message();
  std::string text = message ? message : "unknown error";
  sp_free_error_message(message);
  return text;
}

class SerialTransport final : public Transport {
 public:
  SerialTransport(sp_port* port, std::string name) : port_(port), name_(std::move(name)) {
    if (sp_get_port_transport(port_) == SP_TRANSPORT_USB) {
      int vid = 0, pid = 0;
      if (sp_get_port_usb_vid_pid(port_, &vid, &pid) == SP_OK)
        usb_ = UsbIds{static_cast<std::uint16_t>(vid), static_cast<std::uint16_t>(pid)};
    }
  }
  ~SerialTransport() override {
    sp_close(port_);
    sp_free_port(port_);
  }

  void write(ByteView bytes, Millis timeout) override {
    auto n = sp_blocking_write(port_, bytes.data(), bytes.size(), static_cast<unsigned>(timeout.count()));
    if (n < 0) throw Error(ErrorKind::Device, name_ + ": write failed: " + last_error_text());
    if (static_cast<std::size_t>(n) != bytes.size())
      throw Error(ErrorKind::Device, name_ + ": write timed out (the adapter is not sending)");
  }

  std::size_t read(std::uint8_t* buffer, std::size_t capacity, Millis timeout) override {
    unsigned ms = static_cast<unsigned>(timeout.count());
    if (ms == 0) {
      auto n = sp_nonblocking_read(port_, buffer, capacity);
      if (n < 0) throw Error(ErrorKind::Device, name_ + ": read failed: " + last_error_text());
      return static_cast<std::size_t>(n);
    }
    auto n = sp_blocking_read_next(port_, buffer, capacity, ms);
    if (n < 0) throw Error(ErrorKind::Device, name_ + ": read failed: " + last_error_text());
    return static_cast<std::size_t>(n);
  }

  void flush_input() override { sp_flush(port_, SP_BUF_INPUT); }

  void set_baud(std::uint32_t baud) override {
    if (sp_set_baudrate(port_, static_cast<int>(baud)) != SP_OK)
      throw Error(ErrorKind::Device, fmt::format("{}: cannot set {} baud: {}", name_, baud, last_error_text()));
  }
  // A pseudo-terminal has no modem lines: the calls fail and the chip simply is not reset,
  // the same as esptool's "Chip was NOT reset".
  void set_dtr(bool asserted) override { sp_set_dtr(port_, asserted ? SP_DTR_ON : SP_DTR_OFF); }
  void set_rts(bool asserted) override { sp_set_rts(port_, asserted ? SP_RTS_ON : SP_RTS_OFF); }
  bool has_modem_lines() const override { return true; }
  std::optional<UsbIds> usb_ids() const override { return usb_; }
  std::string description() const override { return name_; }

 private:
  sp_port* port_;
  std::string name_;
  std::optional<UsbIds> usb_;
};

}  // namespace

std::unique_ptr<Transport> open_serial_transport(const std::string& name, std::uint32_t baud) {
  sp_port* port = nullptr;
  if (sp_get_port_by_name(name.c_str(), &port) != SP_OK) {
    std::string why = last_error_text();
    std::error_code ec;
    // libserialport knows ports from sysfs only; a pseudo-terminal is opened with termios.
    if (std::filesystem::is_character_file(name, ec)) return open_terminal_transport(name);
    throw Error(ErrorKind::Device, name + ": no such serial port: " + why);
  }
  if (sp_open(port, SP_MODE_READ_WRITE) != SP_OK) {
    std::string why = last_error_text();
    sp_free_port(port);
    throw Error(ErrorKind::Device, name + ": cannot open: " + why);
  }
  auto transport = std::make_unique<SerialTransport>(port, name);
  transport->set_baud(baud);
  sp_set_bits(port, 8);
  sp_set_parity(port, SP_PARITY_NONE);
  sp_set_stopbits(port, 1);
  sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE);
  return transport;
}

}  // namespace fwprov::esp
