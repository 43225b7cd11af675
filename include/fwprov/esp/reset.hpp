#pragma once
// How to get a chip into its download loader and out of it again (fact sheet §14-15).
// Board wiring: DTR -> GPIO0, RTS -> EN, both inverted, so "asserted" pulls the pin low.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "fwprov/esp/transport.hpp"

namespace fwprov::esp {

enum class BeforeReset {
  Default,     // classic / unix-tight DTR-RTS sequences, alternating across attempts
  UsbReset,    // the USB-Serial/JTAG sequence
  NoReset,     // talk to whatever is there (also what TCP links get)
  NoResetNoSync,  // assume a loader is already synced (esptool's no_reset_no_sync)
};

enum class AfterReset {
  HardReset,    // pulse EN via RTS
  SoftReset,    // ROM: FLASH_BEGIN(0,0) + FLASH_END(1) runs the app
  NoReset,      // stub: FLASH_END(0) reboots into the ROM loader; ROM: nothing
  NoResetStub,  // leave the stub running
};

// Accepts esptool's spellings with underscores and dashes ("no_reset", "no-reset").
std::optional<BeforeReset> parse_before_reset(std::string_view text);
std::optional<AfterReset> parse_after_reset(std::string_view text);
std::string_view before_reset_name(BeforeReset mode);
std::string_view after_reset_name(AfterReset mode);

// What the port's USB IDs say about the link (esptool v5 decides from these alone): the
// chip's USB-Serial/JTAG (VID 0x303A PID 0x1001), its USB-OTG CDC console (VID 0x303A, PID =
// a chip's usb_otg_pid in the chip table: S2 0x0002, S3 0x0009, P4 0x0012), or anything else
// (a USB-UART bridge, TCP, a pty).
enum class UsbLink { None, SerialJtag, Otg };
UsbLink usb_link(const Transport& link);

// One reset into the loader; `attempt` picks the sequence variant (0, 1, 2, ...), as esptool
// cycles through them across its connect attempts.
void reset_into_loader(Transport& link, BeforeReset mode, int attempt);
// EN pulse that starts the application.
void hard_reset(Transport& link);

}  // namespace fwprov::esp
