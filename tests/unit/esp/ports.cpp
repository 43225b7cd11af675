#include <catch2/catch.hpp>

#include "fwprov/core/error.hpp"
#include "fwprov/esp/ports.hpp"

using namespace fwprov;
using namespace fwprov::esp;

namespace {

PortInfo usb_port(std::string path, std::uint16_t vid, std::uint16_t pid, std::string serial, std::string location) {
  PortInfo port;
  port.path = std::move(path);
  port.transport = "usb";
  port.vid = vid;
  port.pid = pid;
  port.serial = std::move(serial);
  port.location = std::move(location);
  port.kind = identify_usb(vid, pid);
  return port;
}

std::vector<PortInfo> fixture_ports() {
  PortInfo native;
  native.path = "/dev/ttyS0";
  native.transport = "native";
  return {usb_port("/dev/ttyACM0", 0x303A, 0x1001, "F4:12:FA:00:00:01", "1-1.1"),
          usb_port("/dev/ttyUSB0", 0x10C4, 0xEA60, "0001", "1-1.2"),
          usb_port("/dev/ttyUSB1", 0x1A86, 0x7523, "", "1-1.3"),
          usb_port("/dev/ttyUSB2", 0x10C4, 0xEA60, "0002", "1-1.4"),
          native};
}

ErrorKind ports_error_kind(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& error) {
    return error.kind();
  }
  FAIL("no error thrown");
  return ErrorKind::Internal;
}

}  // namespace

TEST_CASE("USB table: Espressif's VID and the common bridges") {
  const UsbKind* jtag = identify_usb(0x303A, 0x1001);
  REQUIRE(jtag != nullptr);
  CHECK(jtag->espressif);
  CHECK(jtag->name == "Espressif USB-Serial/JTAG");
  const UsbKind* other_espressif = identify_usb(0x303A, 0x4001);  // any product of VID 0x303A
  REQUIRE(other_espressif != nullptr);
  CHECK(other_espressif->espressif);
  const UsbKind* cp210x = identify_usb(0x10C4, 0xEA60);
  REQUIRE(cp210x != nullptr);
  CHECK_FALSE(cp210x->espressif);
  CHECK(identify_usb(0x1A86, 0x7523) != nullptr);
  CHECK(identify_usb(0x0403, 0x6001) != nullptr);
  CHECK(identify_usb(0x10C4, 0x0001) == nullptr);  // a Silicon Labs product that is no UART bridge
  CHECK(identify_usb(0x1234, 0x5678) == nullptr);
}

TEST_CASE("port filter (--port-filter) parses comma lists and repeats, numbers in hex or decimal") {
  auto filter = parse_port_filter({"vid=0x303A,pid=4097", "serial=ABC", "location=1-1.4"});
  CHECK(filter.vid == 0x303A);
  CHECK(filter.pid == 0x1001);
  CHECK(filter.serial == "ABC");
  CHECK(filter.location == "1-1.4");
  CHECK(parse_port_filter({}).empty());
  CHECK(ports_error_kind([] { parse_port_filter({"vid=0x1FFFF"}); }) == ErrorKind::Usage);
  CHECK(ports_error_kind([] { parse_port_filter({"vid=cp210x"}); }) == ErrorKind::Usage);
  CHECK(ports_error_kind([] { parse_port_filter({"colour=red"}); }) == ErrorKind::Usage);
  CHECK(ports_error_kind([] { parse_port_filter({"vid"}); }) == ErrorKind::Usage);
}

TEST_CASE("port selection: explicit ports, globs and filters") {
  auto ports = fixture_ports();
  PortSelection only_explicit;
  only_explicit.explicit_ports = {"socket://127.0.0.1:4000", "/dev/ttyUSB9", "socket://127.0.0.1:4000"};
  CHECK(select_ports(only_explicit, ports) == std::vector<std::string>{"socket://127.0.0.1:4000", "/dev/ttyUSB9"});

  PortSelection glob;
  glob.globs = {"/dev/ttyUSB*"};
  CHECK(select_ports(glob, ports) == std::vector<std::string>{"/dev/ttyUSB0", "/dev/ttyUSB1", "/dev/ttyUSB2"});

  PortSelection cp210x;
  cp210x.filter = parse_port_filter({"vid=0x10c4,pid=0xea60"});
  CHECK(select_ports(cp210x, ports) == std::vector<std::string>{"/dev/ttyUSB0", "/dev/ttyUSB2"});

  PortSelection by_serial = cp210x;
  by_serial.filter.serial = "0002";
  CHECK(select_ports(by_serial, ports) == std::vector<std::string>{"/dev/ttyUSB2"});

  PortSelection by_location;
  by_location.filter = parse_port_filter({"location=1-1.1"});
  CHECK(select_ports(by_location, ports) == std::vector<std::string>{"/dev/ttyACM0"});

  PortSelection glob_and_filter;  // both must hold
  glob_and_filter.globs = {"/dev/ttyACM*"};
  glob_and_filter.filter.vid = 0x10C4;
  CHECK(ports_error_kind([&] { select_ports(glob_and_filter, ports); }) == ErrorKind::Usage);

  PortSelection explicit_and_glob;
  explicit_and_glob.explicit_ports = {"/dev/ttyUSB1"};
  explicit_and_glob.globs = {"/dev/ttyUSB[01]"};
  CHECK(select_ports(explicit_and_glob, ports) == std::vector<std::string>{"/dev/ttyUSB1", "/dev/ttyUSB0"});

  PortSelection nothing;
  CHECK(ports_error_kind([&] { select_ports(nothing, ports); }) == ErrorKind::Usage);
  PortSelection native_has_no_vid;
  native_has_no_vid.filter.vid = 0;
  CHECK(ports_error_kind([&] { select_ports(native_has_no_vid, ports); }) == ErrorKind::Usage);
}
