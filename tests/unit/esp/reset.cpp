#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fwprov/esp/reset.hpp"

using namespace fwprov;
using namespace fwprov::esp;

namespace {

// Records modem-line changes as "D1"/"R0" (DTR/RTS asserted or not).
class LineRecorder final : public Transport {
 public:
  explicit LineRecorder(bool lines = true, bool usb_jtag = false) : lines_(lines), usb_jtag_(usb_jtag) {}
  void write(ByteView, Millis) override {}
  std::size_t read(std::uint8_t*, std::size_t, Millis) override { return 0; }
  void flush_input() override {}
  void set_baud(std::uint32_t) override {}
  void set_dtr(bool on) override { events.push_back(on ? "D1" : "D0"); }
  void set_rts(bool on) override { events.push_back(on ? "R1" : "R0"); }
  bool has_modem_lines() const override { return lines_; }
  bool is_usb_serial_jtag() const override { return usb_jtag_; }
  std::string description() const override { return "recorder"; }
  std::vector<std::string> events;

 private:
  bool lines_;
  bool usb_jtag_;
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

TEST_CASE("USB-Serial/JTAG ports get their own sequence; no_reset and TCP touch no line") {
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
