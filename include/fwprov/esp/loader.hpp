#pragma once
// A loader session with an ESP32: connect (reset + sync + chip detection), optional stub
// upload, then flash operations. Every wait is bounded: a command gets `command_timeout`
// (or the longer per-operation timeout of fact sheet §16) and `attempts` tries, so a link
// that stops answering ends in a Device error after at most attempts x timeout.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "fwprov/core/diagnostics.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/esp/deflate_stream.hpp"
#include "fwprov/esp/esp32.hpp"
#include "fwprov/esp/link.hpp"
#include "fwprov/esp/protocol.hpp"
#include "fwprov/esp/reset.hpp"
#include "fwprov/esp/stub.hpp"
#include "fwprov/esp/target.hpp"

namespace fwprov::esp {

// A command that got no reply at all in any attempt: the link is dead or stalled.
class LinkTimeout : public Error {
 public:
  explicit LinkTimeout(std::string message) : Error(ErrorKind::Device, std::move(message)) {}
};

struct LoaderOptions {
  BeforeReset before = BeforeReset::Default;
  int connect_attempts = 7;
  Millis command_timeout{3000};
  int attempts = 3;               // per command (a DATA block is resent with the same sequence)
  std::uint32_t rom_baud = 115200;
  // --chip NAME: connect() refuses another chip, naming both. nullptr: auto-detect.
  const Target* expected_chip = nullptr;
};

// GET_SECURITY_INFO (0x14) reply: 12 bytes on the ESP32-S2, 20 on later chips (the ESP32 ROM
// does not know the command).
struct SecurityInfo {
  std::uint32_t flags = 0;
  std::uint8_t flash_crypt_cnt = 0;
  std::array<std::uint8_t, 7> key_purposes{};
  std::optional<std::uint32_t> chip_id;
  std::optional<std::uint32_t> api_version;
  bool secure_boot() const noexcept { return flags & 1u; }
  bool secure_download_mode() const noexcept { return flags & 4u; }
  bool jtag_soft_disabled() const noexcept { return flags & 0x40u; }
  bool jtag_hard_disabled() const noexcept { return flags & 0x80u; }
  // flash_crypt_cnt with an odd number of bits set: flash encryption is on.
  bool flash_encryption() const noexcept;
};
// nullopt when the payload is shorter than 12 bytes.
std::optional<SecurityInfo> parse_security_info(ByteView payload);

struct ChipInfo {
  const Target* target = nullptr;  // the chip table's entry
  std::string name;         // "ESP32"
  std::string description;  // "ESP32-D0WD-V3 (revision v3.0)"
  unsigned major_revision = 0;
  unsigned minor_revision = 0;
  std::array<std::uint8_t, 6> mac{};
  unsigned crystal_mhz = 40;
  esp32::Efuse efuse;                   // ESP32 only
  std::optional<SecurityInfo> security;  // none on the ESP32
  unsigned revision() const noexcept { return major_revision * 100 + minor_revision; }
};

struct FlashId {
  std::uint32_t raw = 0;  // RDID as esptool prints it: manufacturer in the low byte
  std::uint8_t manufacturer = 0;
  std::uint16_t device = 0;  // memory type << 8 | capacity
  std::optional<std::uint32_t> size;
};

// One zlib stream (level 9, like esptool) of a whole image, as FLASH_DEFL_DATA carries it.
Bytes deflate_image(ByteView image);

struct WriteOptions {
  bool compress = true;
  // deflate_image() of the 4-byte-padded image, computed ahead (e.g. while connecting).
  const Bytes* precompressed = nullptr;
  // Or the same stream while it is being produced (the stub gets blocks as they appear).
  const DeflateStream* stream = nullptr;
  bool verify = true;
  ProgressFn progress;
};

struct WriteReport {
  std::uint32_t offset = 0;
  std::uint32_t size = 0;             // bytes written (padded to 4)
  std::uint32_t payload_size = 0;     // bytes sent in DATA blocks (compressed or raw)
  Md5 md5{};
  bool verified = false;
  int region_attempts = 1;
};

class Loader {
 public:
  Loader(Transport& transport, LoaderOptions options);

  void connect();
  const ChipInfo& chip() const noexcept { return chip_; }
  const Target& target() const noexcept { return *chip_.target; }
  Personality personality() const noexcept { return personality_; }

  void run_stub(const StubImage& stub);
  void change_baud(std::uint32_t baud);

  std::uint32_t read_reg(std::uint32_t address);
  // The MAC from its eFuse words, read now (connect() read it once into chip().mac).
  std::array<std::uint8_t, 6> read_mac();
  void write_reg(std::uint32_t address, std::uint32_t value, std::uint32_t mask = 0xFFFFFFFF, std::uint32_t delay_us = 0);
  // One WRITE_REG with several groups (address, value, mask, delay in µs), in order; esptool
  // appends a mask-0 group to get a delay after a write.
  struct RegisterWrite {
    std::uint32_t address = 0;
    std::uint32_t value = 0;
    std::uint32_t mask = 0xFFFFFFFF;
    std::uint32_t delay_us = 0;
  };
  void write_regs(std::span<const RegisterWrite> writes);
  FlashId flash_id();
  // ROM: SPI_ATTACH (the stub attaches by itself). Then SPI_SET_PARAMS with `flash_size`.
  void attach_flash(std::uint32_t flash_size);

  WriteReport write_flash(std::uint32_t offset, ByteView image, const WriteOptions& options);
  Md5 flash_md5(std::uint32_t offset, std::uint32_t size);
  Bytes read_flash(std::uint32_t offset, std::uint32_t size, const ProgressFn& progress);
  // Empty when the loader cannot read (a ROM other than the ESP32's).
  Bytes read_flash_if_possible(std::uint32_t offset, std::uint32_t size);
  void erase_region(std::uint32_t offset, std::uint32_t size);
  void erase_flash(std::uint32_t flash_size);
  void leave(AfterReset mode);

  const WireCounters& wire() const noexcept { return link_.counters(); }
  Link& link() noexcept { return link_; }

 private:
  struct Reply {
    Response response;
    Status status;
  };
  // One request and its reply (frames with other opcodes are skipped). nullopt on timeout.
  std::optional<Reply> exchange(std::uint8_t opcode, ByteView data, std::uint32_t checksum, Millis timeout);
  // exchange() with retries on timeout or error status; throws Device on the last failure.
  Reply command(const std::string& what, std::uint8_t opcode, ByteView data, std::uint32_t checksum = 0,
                Millis timeout = Millis(0), std::size_t payload_size = 0);
  std::optional<bool> sync_once();  // nullopt: no answer; else "the stub answered"
  void detect_chip();
  std::optional<SecurityInfo> query_security_info();
  void read_chip_facts();
  void disable_usb_jtag_watchdogs();
  // *_BEGIN words: the ROMs of S2 and later take (and esptool v5 sends) a 5th word, 0.
  Bytes begin_payload(std::uint32_t size, std::uint32_t blocks, std::uint32_t block_size, std::uint32_t offset) const;
  std::uint32_t spi_command(std::uint8_t spi_opcode, unsigned read_bits, std::optional<std::uint32_t> address = {},
                            unsigned address_bits = 24);
  // A region's DATA payload: all of it, or a compression still under way.
  struct RegionPayload {
    ByteView bytes;
    const DeflateStream* stream = nullptr;
  };
  void write_region(std::uint32_t offset, ByteView image, const RegionPayload& payload, bool compressed, const ProgressFn& progress);
  Bytes read_chunk_stub(std::uint32_t offset, std::uint32_t size);
  Millis scaled(Millis per_megabyte, std::uint64_t bytes) const;

  Link link_;
  LoaderOptions options_;
  ChipInfo chip_;
  Personality personality_ = Personality::Rom;
  std::uint32_t baud_;
  std::uint32_t ram_block_ = kRamBlock;
  std::uint32_t stub_flash_block_ = kStubFlashBlock;
};

}  // namespace fwprov::esp
