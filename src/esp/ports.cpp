// Port listing through libserialport and port selection (ports.hpp).
#include "fwprov/esp/ports.hpp"

#include <fnmatch.h>
#include <libserialport.h>

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>

#include "fwprov/core/error.hpp"

namespace fwprov::esp {
namespace {

// Espressif's own USB (the chip's USB-Serial/JTAG or USB-OTG CDC) and the USB-UART bridges
// found on ESP32 boards and programming fixtures. Sources: the vendors' USB ID assignments
// as listed in the Linux usb.ids database and the drivers cp210x, ch341, ftdi_sio, pl2303.
constexpr UsbKind kUsbKinds[] = {
    {0x303A, 0x1001, "Espressif USB-Serial/JTAG", true},
    {0x303A, 0x0002, "Espressif USB-OTG CDC (ROM download)", true},
    {0x303A, std::nullopt, "Espressif USB device", true},
    {0x10C4, 0xEA60, "Silicon Labs CP210x UART bridge", false},
    {0x10C4, 0xEA70, "Silicon Labs CP2105 dual UART bridge", false},
    {0x10C4, 0xEA71, "Silicon Labs CP2108 quad UART bridge", false},
    {0x1A86, 0x7523, "WCH CH340/CH341 UART bridge", false},
    {0x1A86, 0x55D4, "WCH CH9102 UART bridge", false},
    {0x1A86, 0x55D3, "WCH CH343 UART bridge", false},
    {0x0403, 0x6001, "FTDI FT232R UART", false},
    {0x0403, 0x6010, "FTDI FT2232 dual UART", false},
    {0x0403, 0x6011, "FTDI FT4232 quad UART", false},
    {0x0403, 0x6014, "FTDI FT232H UART", false},
    {0x0403, 0x6015, "FTDI FT-X UART", false},
    {0x067B, 0x2303, "Prolific PL2303 UART bridge", false},
};

std::string text_or_empty(const char* text) { return text ? std::string(text) : std::string(); }

// The USB port path ("1-1.4", what pyserial calls location): stable for a physical socket of
// a hub, unlike the bus address, which changes on every re-plug. Linux exposes it as the name
// of the USB interface directory ("1-1.4:1.0") above the tty in sysfs.
std::string usb_location(const std::string& path) {
  std::error_code ec;
  auto name = std::filesystem::path(path).filename();
  auto device = std::filesystem::canonical(std::filesystem::path("/sys/class/tty") / name / "device", ec);
  if (ec) return {};
  for (auto at = device; at.has_relative_path(); at = at.parent_path()) {
    std::string part = at.filename().string();
    auto colon = part.find(':');
    if (colon != std::string::npos && colon > 0 && std::isdigit(static_cast<unsigned char>(part[0])) && part.find('-') < colon)
      return part.substr(0, colon);
  }
  return {};
}

std::uint16_t parse_u16(std::string_view original, std::string_view field) {
  std::string_view text = original;
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 0xFFFF)
    throw Error(ErrorKind::Usage, fmt::format("--port-filter {}: '{}' is not a 16-bit number (e.g. 0x303A)", field, original));
  return static_cast<std::uint16_t>(value);
}

}  // namespace

const UsbKind* identify_usb(std::uint16_t vid, std::uint16_t pid) {
  const UsbKind* vendor_wide = nullptr;
  for (const auto& kind : kUsbKinds) {
    if (kind.vid != vid) continue;
    if (kind.pid == pid) return &kind;
    if (!kind.pid && !vendor_wide) vendor_wide = &kind;
  }
  return vendor_wide;
}

std::vector<PortInfo> list_ports() {
  sp_port** list = nullptr;
  if (sp_list_ports(&list) != SP_OK) {
    char* message = sp_last_error_message();
    std::string text = message ? message : "unknown error";
    sp_free_error_message(message);
    throw Error(ErrorKind::Device, "cannot list serial ports: " + text);
  }
  std::vector<PortInfo> ports;
  for (sp_port** at = list; *at; ++at) {
    sp_port* port = *at;
    PortInfo info;
    info.path = text_or_empty(sp_get_port_name(port));
    info.description = text_or_empty(sp_get_port_description(port));
    switch (sp_get_port_transport(port)) {
      case SP_TRANSPORT_USB: {
        info.transport = "usb";
        int vid = 0, pid = 0;
        if (sp_get_port_usb_vid_pid(port, &vid, &pid) == SP_OK) {
          info.vid = static_cast<std::uint16_t>(vid);
          info.pid = static_cast<std::uint16_t>(pid);
          info.kind = identify_usb(*info.vid, *info.pid);
        }
        info.serial = text_or_empty(sp_get_port_usb_serial(port));
        info.manufacturer = text_or_empty(sp_get_port_usb_manufacturer(port));
        info.product = text_or_empty(sp_get_port_usb_product(port));
        info.location = usb_location(info.path);
        int bus = 0, address = 0;
        if (info.location.empty() && sp_get_port_usb_bus_address(port, &bus, &address) == SP_OK)
          info.location = fmt::format("bus{}-addr{}", bus, address);
        break;
      }
      case SP_TRANSPORT_BLUETOOTH: info.transport = "bluetooth"; break;
      default: info.transport = "native"; break;
    }
    ports.push_back(std::move(info));
  }
  sp_free_port_list(list);
  std::sort(ports.begin(), ports.end(), [](const PortInfo& a, const PortInfo& b) { return a.path < b.path; });
  return ports;
}

PortFilter parse_port_filter(const std::vector<std::string>& specs) {
  PortFilter filter;
  for (const auto& spec : specs) {
    std::string_view rest = spec;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      auto equals = item.find('=');
      if (equals == std::string_view::npos || equals == 0)
        throw Error(ErrorKind::Usage, fmt::format("--port-filter '{}': expected FIELD=VALUE (vid, pid, serial, location)", item));
      std::string_view field = item.substr(0, equals);
      std::string_view value = item.substr(equals + 1);
      if (field == "vid")
        filter.vid = parse_u16(value, field);
      else if (field == "pid")
        filter.pid = parse_u16(value, field);
      else if (field == "serial")
        filter.serial = std::string(value);
      else if (field == "location")
        filter.location = std::string(value);
      else
        throw Error(ErrorKind::Usage, fmt::format("--port-filter: unknown field '{}' (vid, pid, serial, location)", field));
    }
  }
  return filter;
}

bool port_matches(const PortInfo& port, const PortFilter& filter) {
  if (filter.vid && port.vid != filter.vid) return false;
  if (filter.pid && port.pid != filter.pid) return false;
  if (filter.serial && port.serial != *filter.serial) return false;
  if (filter.location && port.location != *filter.location) return false;
  return true;
}

bool port_selected(const PortSelection& selection, const PortInfo& port) {
  bool glob_ok = selection.globs.empty() ||
                 std::any_of(selection.globs.begin(), selection.globs.end(),
                             [&port](const std::string& glob) { return ::fnmatch(glob.c_str(), port.path.c_str(), 0) == 0; });
  return glob_ok && port_matches(port, selection.filter);
}

std::vector<std::string> select_ports(const PortSelection& selection, const std::vector<PortInfo>& available) {
  std::vector<std::string> chosen;
  auto add = [&chosen](const std::string& path) {
    if (std::find(chosen.begin(), chosen.end(), path) == chosen.end()) chosen.push_back(path);
  };
  for (const auto& port : selection.explicit_ports) add(port);
  if (selection.enumerates()) {
    for (const auto& port : available)
      if (port_selected(selection, port)) add(port.path);
  }
  if (chosen.empty()) {
    if (selection.enumerates())
      throw Error(ErrorKind::Usage, fmt::format("no serial port matches --ports/--port-filter ({} listed; see `fwprov ports`)", available.size()));
    throw Error(ErrorKind::Usage, "no port given: use -p PORT, --ports GLOB or --port-filter FIELD=VALUE");
  }
  return chosen;
}

}  // namespace fwprov::esp
