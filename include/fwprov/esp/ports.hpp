#pragma once
// Serial ports on this machine (libserialport), what is plugged into them (USB VID/PID,
// serial number, manufacturer, product, bus location), and choosing ports for a command:
// explicit names, a glob on paths, and an esptool-style --port-filter. Choosing never opens a
// port: a port that does not match is never probed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwprov::esp {

// A USB device class we recognise, from the table in ports.cpp (one place for these facts).
struct UsbKind {
  std::uint16_t vid;
  std::optional<std::uint16_t> pid;  // none: any product of this vendor
  std::string_view name;             // "Espressif USB-Serial/JTAG", "Silicon Labs CP210x", ...
  bool espressif;                    // the chip's own USB (VID 0x303A)
};

// The table entry for a VID/PID (a PID-specific entry wins over a vendor-wide one); null if unknown.
const UsbKind* identify_usb(std::uint16_t vid, std::uint16_t pid);

struct PortInfo {
  std::string path;          // /dev/ttyUSB0
  std::string transport;     // usb, native, bluetooth
  std::string description;   // libserialport's one-line description
  std::optional<std::uint16_t> vid;
  std::optional<std::uint16_t> pid;
  std::string serial;
  std::string manufacturer;
  std::string product;
  std::string location;      // USB port path, e.g. "1-1.4" (stable across re-plugging);
                             // "busB-addrA" where the OS does not tell the path
  const UsbKind* kind = nullptr;
};

// Every serial port the OS lists, sorted by path. Throws Error(Device) when enumeration fails.
std::vector<PortInfo> list_ports();

// --port-filter: every given field must match (vid/pid as numbers, serial exactly, location
// exactly). Spelled "vid=0x303A,pid=0x1001" and/or repeated ("vid=0x303A" "serial=ABC").
struct PortFilter {
  std::optional<std::uint16_t> vid;
  std::optional<std::uint16_t> pid;
  std::optional<std::string> serial;
  std::optional<std::string> location;
  bool empty() const noexcept { return !vid && !pid && !serial && !location; }
};
// Throws Error(Usage) naming the bad field.
PortFilter parse_port_filter(const std::vector<std::string>& specs);
bool port_matches(const PortInfo& port, const PortFilter& filter);

struct PortSelection {
  std::vector<std::string> explicit_ports;  // -p, repeatable; used as given (also socket://)
  std::vector<std::string> globs;           // --ports, on the listed ports' paths
  PortFilter filter;                         // --port-filter, on the listed ports
  bool enumerates() const noexcept { return !globs.empty() || !filter.empty(); }
};

// Whether a listed port passes the selection's globs (one of them, if any) and its filter.
bool port_selected(const PortSelection& selection, const PortInfo& port);

// The ports a command works on: the explicit ones in order, then the listed ports that match
// every glob-or-filter condition given (a port must match one of the globs, if any, and the
// filter), by path, without duplicates. `available` is list_ports() (a parameter for tests).
// Throws Error(Usage) when nothing is selected at all.
std::vector<std::string> select_ports(const PortSelection& selection, const std::vector<PortInfo>& available);

}  // namespace fwprov::esp
