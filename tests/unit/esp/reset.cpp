#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/esp/reset.hpp"

using namespace fwprov;
using namespace fwprov::esp;

namespace {

// Records modem-line changes as "D1"/"R0" (DTR/RTS asserted or not).
class LineRecorder final : public Transport {
 public:
  explicit LineRecorder(bool lines = true, bool usb_jtag = false) : lines_(lines) {
    if (usb_jtag) usb_ = UsbIds{0x303A, 0x1001};
  }
  explicit LineRecorder(UsbIds ids) : lines_(true), usb_(ids) {}
  void write(ByteView, Millis) override {}
  std::size_t read(std::uint8_t*, std::size_t, Millis) override { return 0; }
  void flush_input() override {}
  void set_baud(std::uint32_t) override {}
  void set_dtr(bool on) override { events.push_back(on ? "D1" : "D0"); }
  void set_rts(bool on) override { events.push_back(on ? "R1" : "R0"); }
  bool has_modem_lines() const override { return lines_; }
  std::optional<UsbIds> usb_ids() const override { return usb_; }
  std::string description() const override { return "recorder"; }
  std::vector<std::string> events;

 private:
  bool lines_;
  std::optional<UsbIds> usb_;
};

// The line states after each step, starting from (DTR, RTS) = (false, false).
std::vector<std::string> states(const std::vector<std::string>& events) {
  bool dtr = false, rts = false;
  std::vector<std::string> out;
  for (const auto& event : events) {
    (event[0] == 'D' ? dtr : rts) = event[1] == '1';
    std::string state = std::string(dtr ? "D" : "d") + (rts ? "R" : "r");
    if (out.empty() || out.back() != state) out.push_back(state);
  }
  return out;
}

}  // namespace

TEST_CASE("reset mode names accept underscores and dashes") {
  CHECK(parse_before_reset("default_reset") == BeforeReset::Default);
  CHECK(parse_before_reset("no-reset") == BeforeReset::NoReset);
  CHECK(parse_after_reset("no_reset_stub") == AfterReset::NoResetStub);
  CHECK(parse_after_reset("hard-reset") == AfterReset::HardReset);
  CHECK_FALSE(parse_after_reset("reboot"));
  CHECK(after_reset_name(AfterReset::SoftReset) == "soft_reset");
}

TEST_CASE("classic reset: EN held low, then released while GPIO0 is low") {
  LineRecorder link;
  reset_into_loader(link, BeforeReset::Default, 2);  // attempt 2: classic, 50 ms
  // (DTR, RTS), esptool's order: RTS alone = EN low; DTR set first (both asserted = both pins
  // high, harmless), RTS released = EN rises while GPIO0 is low; then idle.
  CHECK(states(link.events) == std::vector<std::string>{"dr", "dR", "DR", "Dr", "dr"});
}

TEST_CASE("unix tight reset passes through both-asserted, never both pins low at once") {
  LineRecorder link;
  reset_into_loader(link, BeforeReset::Default, 0);
  auto seen = states(link.events);
  REQUIRE_FALSE(seen.empty());
  CHECK(std::find(seen.begin(), seen.end(), "dR") != seen.end());  // chip held in reset
  CHECK(std::find(seen.begin(), seen.end(), "Dr") != seen.end());  // download boot
  CHECK(seen.back() == "dr");
}

TEST_CASE("USB-Serial/JTAG ports get their own sequence, no_reset and TCP touch no line") {
  LineRecorder usb(true, true);
  reset_into_loader(usb, BeforeReset::Default, 0);
  CHECK(states(usb.events) == std::vector<std::string>{"dr", "Dr", "DR", "dR", "dr"});
  LineRecorder quiet;
  reset_into_loader(quiet, BeforeReset::NoReset, 0);
  CHECK(quiet.events.empty());
  LineRecorder tcp(false);
  reset_into_loader(tcp, BeforeReset::Default, 0);
  hard_reset(tcp);
  CHECK(tcp.events.empty());
}

TEST_CASE("hard reset pulses RTS (EN) with DTR released") {
  LineRecorder link;
  hard_reset(link);
  CHECK(states(link.events) == std::vector<std::string>{"dR", "dr"});
}

TEST_CASE("the reset sequence follows the port's USB VID/PID like esptool v5") {
  LineRecorder jtag(UsbIds{0x303A, 0x1001});  // USB-Serial/JTAG of an S3/C3/C6/H2/C5/C61/P4
  CHECK(usb_link(jtag) == UsbLink::SerialJtag);
  reset_into_loader(jtag, BeforeReset::Default, 2);
  CHECK(states(jtag.events) == std::vector<std::string>{"dr", "Dr", "DR", "dR", "dr"});

  for (std::uint16_t pid : {std::uint16_t{0x0002}, std::uint16_t{0x0009}, std::uint16_t{0x0012}}) {  // USB-OTG CDC of S2, S3, P4: classic sequence
    LineRecorder otg(UsbIds{0x303A, pid});
    CHECK(usb_link(otg) == UsbLink::Otg);
    reset_into_loader(otg, BeforeReset::Default, 2);
    CHECK(states(otg.events) == std::vector<std::string>{"dr", "dR", "DR", "Dr", "dr"});
  }
  LineRecorder bridge(UsbIds{0x10C4, 0xEA60});  // CP210x bridge
  CHECK(usb_link(bridge) == UsbLink::None);
  reset_into_loader(bridge, BeforeReset::Default, 2);
  CHECK(states(bridge.events) == std::vector<std::string>{"dr", "dR", "DR", "Dr", "dr"});
  LineRecorder unknown_espressif(UsbIds{0x303A, 0x7777});
  CHECK(usb_link(unknown_espressif) == UsbLink::None);
}

TEST_CASE("hard reset holds EN longer on Espressif USB links") {
  LineRecorder jtag(UsbIds{0x303A, 0x1001});
  auto started = std::chrono::steady_clock::now();
  hard_reset(jtag);
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(400));
  CHECK(states(jtag.events) == std::vector<std::string>{"dR", "dr"});
}
