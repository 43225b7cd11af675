#include "fwprov/esp/reset.hpp"

#include "fwprov/esp/target.hpp"

#include <thread>

namespace fwprov::esp {
namespace {

using namespace std::chrono_literals;

std::string normalized(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c == '-') c = '_';
  return out;
}

void sleep_for(std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); }

// Every RTS change is followed by writing DTR again (a usbser.sys work-around esptool keeps).
void set_rts(Transport& link, bool rts, bool dtr) {
  link.set_rts(rts);
  link.set_dtr(dtr);
}

void classic_reset(Transport& link, std::chrono::milliseconds delay) {
  link.set_dtr(false);
  set_rts(link, true, false);   // EN low: chip held in reset
  sleep_for(100ms);
  link.set_dtr(true);           // GPIO0 low ...
  set_rts(link, false, true);   // ... while EN is released: download boot
  sleep_for(delay);
  link.set_dtr(false);
}

// libserialport sets the lines one at a time; the "tight" variant still passes through
// (True, True) so neither pin glitches low on its own.
void tight_reset(Transport& link, std::chrono::milliseconds delay) {
  link.set_dtr(false);
  set_rts(link, false, false);
  link.set_dtr(true);
  set_rts(link, true, true);
  link.set_dtr(false);
  set_rts(link, true, false);
  sleep_for(100ms);
  link.set_dtr(true);
  set_rts(link, false, true);
  sleep_for(delay);
  link.set_dtr(false);
  set_rts(link, false, false);
  link.set_dtr(false);
}

void usb_jtag_reset(Transport& link) {
  set_rts(link, false, false);
  link.set_dtr(false);
  sleep_for(100ms);
  link.set_dtr(true);
  set_rts(link, false, true);
  sleep_for(100ms);
  set_rts(link, true, true);
  link.set_dtr(false);
  set_rts(link, true, false);
  sleep_for(100ms);
  link.set_dtr(false);
  set_rts(link, false, false);
}

}  // namespace

std::optional<BeforeReset> parse_before_reset(std::string_view text) {
  std::string name = normalized(text);
  if (name == "default_reset") return BeforeReset::Default;
  if (name == "usb_reset") return BeforeReset::UsbReset;
  if (name == "no_reset") return BeforeReset::NoReset;
  if (name == "no_reset_no_sync") return BeforeReset::NoResetNoSync;
  return std::nullopt;
}

std::optional<AfterReset> parse_after_reset(std::string_view text) {
  std::string name = normalized(text);
  if (name == "hard_reset") return AfterReset::HardReset;
  if (name == "soft_reset") return AfterReset::SoftReset;
  if (name == "no_reset") return AfterReset::NoReset;
  if (name == "no_reset_stub") return AfterReset::NoResetStub;
  return std::nullopt;
}

std::string_view before_reset_name(BeforeReset mode) {
  switch (mode) {
    case BeforeReset::Default: return "default_reset";
    case BeforeReset::UsbReset: return "usb_reset";
    case BeforeReset::NoReset: return "no_reset";
    case BeforeReset::NoResetNoSync: return "no_reset_no_sync";
  }
  return "?";
}

std::string_view after_reset_name(AfterReset mode) {
  switch (mode) {
    case AfterReset::HardReset: return "hard_reset";
    case AfterReset::SoftReset: return "soft_reset";
    case AfterReset::NoReset: return "no_reset";
    case AfterReset::NoResetStub: return "no_reset_stub";
  }
  return "?";
}

UsbLink usb_link(const Transport& link) {
  auto ids = link.usb_ids();
  if (!ids || ids->vid != kEspressifUsbVid) return UsbLink::None;
  if (ids->pid == kUsbSerialJtagPid) return UsbLink::SerialJtag;
  for (const auto& target : all_targets())
    if (target.usb_otg_pid != 0 && target.usb_otg_pid == ids->pid) return UsbLink::Otg;
  return UsbLink::None;
}

// USB-Serial/JTAG: its own sequence. USB-OTG and USB-UART bridges: classic/tight, as esptool.
void reset_into_loader(Transport& link, BeforeReset mode, int attempt) {
  if (!link.has_modem_lines()) return;
  if (mode == BeforeReset::NoReset || mode == BeforeReset::NoResetNoSync) return;
  if (mode == BeforeReset::UsbReset || usb_link(link) == UsbLink::SerialJtag) {
    usb_jtag_reset(link);
    return;
  }
  // esptool's order on Unix: tight 50 ms, tight 550 ms, classic 50 ms, classic 550 ms, ...
  auto delay = (attempt % 2 == 0) ? 50ms : 550ms;
  if ((attempt / 2) % 2 == 0)
    tight_reset(link, delay);
  else
    classic_reset(link, delay);
}

void hard_reset(Transport& link) {
  if (!link.has_modem_lines()) return;
  const bool usb = usb_link(link) != UsbLink::None;
  auto hold = usb ? 200ms : 100ms;
  set_rts(link, true, false);
  sleep_for(hold);
  set_rts(link, false, false);
  if (usb) sleep_for(hold);
}

}  // namespace fwprov::esp
