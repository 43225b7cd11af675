#include "device.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "fwprov/core/encoding.hpp"
#include "fwprov/esp/esp32.hpp"

namespace fwprov::sim {

using namespace fwprov::esp;
using json = nlohmann::json;

namespace {

constexpr std::uint32_t kRomSyncValue = 0x20120707;  // any non-zero junk; real chips vary
constexpr std::uint8_t kSfdp[] = {'S', 'F', 'D', 'P', 0x06, 0x01, 0x01, 0xFF, 0x00, 0x06, 0x01, 0x10,
                                   0x30, 0x00, 0x00, 0xFF, 0xEF, 0x00, 0x01, 0x03, 0x60, 0x00, 0x00, 0xFF};

}  // namespace

Device::Device(FlashFile& flash, DeviceConfig config) : flash_(flash), config_(config), timing_(config.timing) { init_registers(); }

unsigned Device::revision() const { return config_.revision.value_or(target().demo_revision); }

// What the chip's ROM finds in its registers (fact sheet §4, §9): the magic word, eFuse MAC
// and revision words laid out as the chip table says, the UART divider of its crystal.
void Device::init_registers() {
  const Target& t = target();
  const auto mac = config_.mac.value_or(t.demo_mac);
  registers_[kChipMagicRegister] = t.magic[0];
  if (t.efuse_layout == EfuseLayout::Esp32) {
    // An ESP32-D0WD-V3 rev 3.0 with a 40 MHz crystal (protocol fact sheet §7).
    registers_[esp32::efuse_word_address(1)] =
        static_cast<std::uint32_t>(mac[2]) << 24 | static_cast<std::uint32_t>(mac[3]) << 16 | mac[4] << 8 | mac[5];
    registers_[esp32::efuse_word_address(2)] = static_cast<std::uint32_t>(mac[0]) << 8 | mac[1];
    registers_[esp32::efuse_word_address(3)] = 0x0000A200;
    registers_[esp32::efuse_word_address(4)] = 0x00000531;
    registers_[esp32::efuse_word_address(5)] = 0x00100000;
    registers_[esp32::kApbCtlDate] = 0x96042000;
    registers_[esp32::kRtcCaliCfg1] = 2090u << 7;
    registers_[esp32::kGpioStrap] = 0x13;
  } else {
    registers_[t.mac_word0] |= static_cast<std::uint32_t>(mac[2]) << 24 | static_cast<std::uint32_t>(mac[3]) << 16 | mac[4] << 8 | mac[5];
    registers_[t.mac_word1] |= static_cast<std::uint32_t>(mac[0]) << 8 | mac[1] | (t.eui64 ? 0xFFFEu << 16 : 0u);
    auto reg = [this](std::uint32_t address) -> std::uint32_t& { return registers_[address]; };
    encode_field(t.major_revision, revision() / 100, reg);
    encode_field(t.minor_revision, revision() % 100, reg);
  }
  if (t.uart_clkdiv != 0)  // the divider the ROM set up for 115200 baud
    registers_[t.uart_clkdiv] = (t.demo_crystal_mhz * 1'000'000u + 57600) / 115200;
}

Device::~Device() {
  if (zstream_ready_) inflateEnd(&zstream_);
}

std::uint8_t Device::err(std::uint8_t rom_code, std::uint8_t stub_code) const {
  return personality_ == Personality::Rom ? rom_code : stub_code;
}

void Device::reply(std::vector<Bytes>& out, std::uint8_t opcode, std::uint8_t error, ByteView payload, std::uint32_t value) {
  Bytes data(payload.begin(), payload.end());
  append(data, make_status(personality_, error));
  out.push_back(encode_response(opcode, value, data));
}

void Device::reboot_to_rom() {
  personality_ = Personality::Rom;
  write_ = WriteSession{};
  read_.active = false;
  mem_ = MemUpload{};
}

json Device::on_frame(const SlipFrame& frame, std::vector<Bytes>& out) {
  if (app_running_) return json{{"ignored", "application running"}};
  if (read_.active) {
    if (frame.fault == SlipFault::None && frame.data.size() == 4) {  // flow-control ack
      continue_read(out);
      return nullptr;
    }
    read_.active = false;  // anything else ends the stream and is handled as a command
  }
  if (frame.fault == SlipFault::BadEscape) return json{{"error", "bad SLIP escape"}};
  PacketError why{};
  auto request = decode_request(frame.data, &why);
  if (frame.fault == SlipFault::TooLong || !request) {
    std::string problem = frame.fault == SlipFault::TooLong ? "frame too long" : std::string(packet_error_text(why));
    if (frame.data.size() >= 2 && frame.data[0] == kDirectionRequest)
      reply(out, frame.data[1], err(rom_error::InvalidMessage, stub_error::BadDataLength));
    return json{{"error", problem}, {"bytes", frame.data.size()}};
  }
  json log = {{"mode", personality_ == Personality::Rom ? "rom" : "stub"},
              {"op", opcode_name(request->opcode)},
              {"size", request->data.size()}};
  if (request->opcode != op::FlashData && request->opcode != op::FlashDeflData && request->opcode != op::MemData &&
      request->opcode != op::Sync) {
    json words = json::array();
    for (std::size_t i = 0; i < 6; ++i)
      if (auto word = payload_word(request->data, i)) words.push_back(*word);
    log["args"] = words;
  }
  std::size_t before = out.size();
  handle(*request, out, log);
  if (out.size() > before) {
    auto response = decode_response(out[before]);
    if (response) {
      auto status = parse_status(response->opcode == op::MemEnd ? Personality::Rom : personality_, response->data);
      if (status && status->failed) log["status"] = fmt::format("0x{:02X}", status->code);
    }
  }
  return log;
}

void Device::handle(const Request& request, std::vector<Bytes>& out, json& log) {
  const bool rom = personality_ == Personality::Rom;
  if (rom && is_stub_only(request.opcode)) {
    reply(out, request.opcode, rom_error::InvalidMessage);
    return;
  }
  switch (request.opcode) {
    case op::Sync: return handle_sync(request, out);
    case op::ReadReg: {
      auto address = payload_word(request.data, 0);
      if (!address) return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
      log["value"] = read_register(*address);
      return reply(out, request.opcode, 0, {}, read_register(*address));
    }
    case op::WriteReg: return handle_write_reg(request, out);
    case op::MemBegin:
    case op::MemData:
    case op::MemEnd: return handle_mem(request, out, log);
    case op::SpiAttach:
      if (request.data.size() != 4 && request.data.size() != 8)
        return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
      return reply(out, request.opcode, 0);
    case op::SpiSetParams:
      if (request.data.size() != 24) return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
      return reply(out, request.opcode, 0);
    case op::ChangeBaudrate: return handle_change_baudrate(request, out);
    case op::FlashBegin: return handle_begin(request, false, out, log);
    case op::FlashDeflBegin: return handle_begin(request, true, out, log);
    case op::FlashData: return handle_data(request, false, out, log);
    case op::FlashDeflData: return handle_data(request, true, out, log);
    case op::FlashEnd:
    case op::FlashDeflEnd: return handle_end(request, out);
    case op::SpiFlashMd5: return handle_md5(request, out);
    case op::ReadFlashSlow:
      if (!rom) return reply(out, request.opcode, stub_error::InvalidCommand);
      if (!target().rom_has_slow_read) return reply(out, request.opcode, rom_error::InvalidMessage);  // not in this ROM
      return handle_read_slow(request, out);
    case op::GetSecurityInfo: return handle_security_info(request, out);
    case op::EraseFlash:
      flash_.erase(0, flash_.size());
      busy_.before += timing_.erase_seconds(0, flash_.size());
      return reply(out, request.opcode, 0);
    case op::EraseRegion: return handle_erase_region(request, out);
    case op::ReadFlash: return handle_read_flash(request, out);
    case op::RunUserCode:
      app_running_ = true;  // no reply: the stub jumps away
      return;
    default:
      // One echoed error reply: what the ESP32 ROM does for GET_SECURITY_INFO (fact sheet §3).
      return reply(out, request.opcode, err(rom_error::InvalidMessage, stub_error::InvalidCommand));
  }
}

// GET_SECURITY_INFO (fact sheet §2.1): unknown to the ESP32 ROM; 12 bytes without chip id on
// the ESP32-S2; 20 bytes with the chip id on later chips. Nothing secured in the simulator.
void Device::handle_security_info(const Request& request, std::vector<Bytes>& out) {
  const Target& t = target();
  if (t.security_info_size == 0) return reply(out, request.opcode, err(rom_error::InvalidMessage, stub_error::InvalidCommand));
  Bytes payload;
  append_u32le(payload, 0);               // flags
  payload.push_back(0);                    // flash_crypt_cnt
  payload.insert(payload.end(), 7, 0);     // key purposes
  if (t.security_info_size >= 20) {
    append_u32le(payload, t.image_chip_id);
    append_u32le(payload, 0);              // ECO / API version
  }
  reply(out, request.opcode, 0, payload);
}

void Device::handle_sync(const Request& request, std::vector<Bytes>& out) {
  if (!is_sync_payload(request.data)) return reply(out, request.opcode, err(rom_error::InvalidMessage, stub_error::BadDataLength));
  std::uint32_t value = personality_ == Personality::Rom ? kRomSyncValue : 0;
  for (int i = 0; i < 8; ++i) reply(out, request.opcode, 0, {}, value);
}

// The reply goes out at the old rate; then the UART is reprogrammed the way the ROM's
// uart_div_modify() does it (what the stub calls too): divider = crystal·16 / baud, rounded,
// stored as integer part in bits 0-19 and sixteenths in bits 20-23 of UART_CLKDIV. A host
// that reads UART_CLKDIV afterwards (esptool-js getCrystalFreq at the new baud) then sees
// the divider of the new rate, as on a real chip. The ROM's baud word is pre-scaled by the
// host for its crystal mis-measurement (§12), which the ROM undoes, so the divider is the
// same for both personalities.
void Device::handle_change_baudrate(const Request& request, std::vector<Bytes>& out) {
  auto baud = payload_word(request.data, 0);
  if (request.data.size() != 8 || !baud || *baud == 0)
    return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
  // The ROM's word is scaled up slightly by the host (§12: 921600 -> 921690), hence 1% slack.
  if (config_.max_baud != 0 && *baud > config_.max_baud + config_.max_baud / 100)
    return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
  reply(out, request.opcode, 0);
  baud_change_ = *baud;
  const Target& t = target();
  if (t.uart_clkdiv == 0) return;  // nobody reads this chip's divider
  // A ROM that assumes a 40 MHz crystal divides that clock (the host pre-scaled the word).
  std::uint64_t clock_hz = (personality_ == Personality::Rom && t.rom_baud == RomBaud::AssumesForty ? 40u : t.demo_crystal_mhz) * 1'000'000ull;
  std::uint64_t sixteenths = (clock_hz * 16 + *baud / 2) / *baud;
  registers_[t.uart_clkdiv] = static_cast<std::uint32_t>((sixteenths >> 4) & 0xFFFFF) | static_cast<std::uint32_t>(sixteenths & 0xF) << 20;
}

std::uint32_t Device::read_register(std::uint32_t address) const {
  if (config_.efuse && config_.efuse->owns(address)) {
    // The factory-programmed words (MAC, revision) show through, but are not part of the file.
    auto factory = registers_.find(address);
    return config_.efuse->read(address) | (factory == registers_.end() ? 0 : factory->second);
  }
  for (const auto& handler : handlers_)
    if (address >= handler.first && address <= handler.last && handler.read)
      if (auto value = handler.read(address)) return *value;
  auto found = registers_.find(address);
  return found == registers_.end() ? 0 : found->second;
}

void Device::write_register(std::uint32_t address, std::uint32_t value, std::uint32_t mask) {
  if (config_.efuse && config_.efuse->owns(address)) return config_.efuse->write(address, value, mask);
  for (const auto& handler : handlers_)
    if (address >= handler.first && address <= handler.last && handler.write && handler.write(address, value, mask)) return;
  std::uint32_t& reg = registers_[address];
  reg = (reg & ~mask) | (value & mask);
  if (address == target().spi.cmd() && (reg & esp32::spi::kCmdUsr)) run_spi_command();
}

void Device::handle_write_reg(const Request& request, std::vector<Bytes>& out) {
  if (request.data.empty() || request.data.size() % 16 != 0)
    return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
  for (std::size_t group = 0; group < request.data.size() / 16; ++group)
    write_register(*payload_word(request.data, group * 4), *payload_word(request.data, group * 4 + 1),
                   *payload_word(request.data, group * 4 + 2));
  reply(out, request.opcode, 0);
}

// The SPI controller executes the opcode in USER2 and leaves the answer in W0 (§11), at the
// chip's SPI1 base and register offsets.
void Device::run_spi_command() {
  const SpiLayout& spi = target().spi;
  std::uint8_t opcode = static_cast<std::uint8_t>(registers_[spi.reg(spi.usr2)] & 0xFF);
  std::uint32_t result = 0;
  if (opcode == esp32::spi::kRdid) {
    result = config_.flash_manufacturer | static_cast<std::uint32_t>(config_.flash_type) << 8 |
             static_cast<std::uint32_t>(esp32::capacity_code_for_size(flash_.size())) << 16;
  } else if (opcode == esp32::spi::kRdsfdp) {
    std::uint32_t address = spi.address_left_aligned ? registers_[spi.addr()] >> 8 : registers_[spi.addr()];
    for (unsigned i = 0; i < 4; ++i)
      if (address + i < sizeof kSfdp) result |= static_cast<std::uint32_t>(kSfdp[address + i]) << (8 * i);
  }
  registers_[spi.reg(spi.w0)] = result;
  registers_[spi.cmd()] = 0;
}

void Device::handle_mem(const Request& request, std::vector<Bytes>& out, json& log) {
  if (request.opcode == op::MemBegin) {
    if (request.data.size() != 16) return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
    if (!mem_.active) mem_starts_.clear();
    mem_ = MemUpload{0, true, *payload_word(request.data, 3), *payload_word(request.data, 0)};
    mem_starts_.push_back(mem_.address);
    return reply(out, request.opcode, 0);
  }
  if (request.opcode == op::MemData) {
    auto block = parse_data_block(request.data);
    if (!block) return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
    log["seq"] = block->sequence;
    if (data_checksum(block->bytes) != (request.checksum & 0xFF))
      return reply(out, request.opcode, err(rom_error::ChecksumMismatch, stub_error::BadChecksum));
    if (!mem_.active) return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::NotInFlashMode));
    if (block->sequence + 1 == mem_.next_seq) return reply(out, request.opcode, 0);  // a resend: already have it
    if (block->sequence != mem_.next_seq) return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
    ++mem_.next_seq;
    return reply(out, request.opcode, 0);
  }
  // MEM_END(no-execute flag, entry): the ROM answers, then jumps; the stub greets with OHAI.
  auto flag = payload_word(request.data, 0);
  auto entry = payload_word(request.data, 1);
  if (!flag || !entry) return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
  reply(out, request.opcode, 0);
  if (*flag == 0 && *entry != 0 && personality_ == Personality::Rom) {
    log["entry"] = *entry;
    // Code built for another chip (or another revision's RAM map) crashes this one: no OHAI.
    const StubBuild* build = target().stub_for(revision());
    bool ours = false;
    for (std::uint32_t start : mem_starts_) ours = ours || (build != nullptr && build->loads_at(start));
    mem_starts_.clear();
    if (!ours) {
      log["error"] = fmt::format("code uploaded is not an {} stub; the chip does not start it", target().display_name);
      mem_ = MemUpload{};
      return;
    }
    out.push_back(Bytes(kStubGreeting.begin(), kStubGreeting.end()));
    personality_ = Personality::Stub;
    mem_ = MemUpload{};
  }
}

void Device::handle_begin(const Request& request, bool compressed, std::vector<Bytes>& out, json& log) {
  if (request.data.size() != 16 && request.data.size() != 20)
    return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
  std::uint32_t size = *payload_word(request.data, 0);
  std::uint32_t block_size = *payload_word(request.data, 2);
  std::uint32_t offset = *payload_word(request.data, 3);
  if (!flash_.contains(offset, size)) return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::FailedSpiOp));
  if (personality_ == Personality::Stub && block_size > kStubFlashBlock)
    return reply(out, request.opcode, stub_error::BadBlockSize);
  write_ = WriteSession{};
  write_.active = true;
  write_.compressed = compressed;
  write_.offset = offset;
  write_.size = size;
  if (personality_ == Personality::Rom) {
    flash_.erase(offset, size);  // the ROM erases the announced range up front
    busy_.before += timing_.erase_seconds(offset, size);
    log["erased"] = size;
  } else {
    write_.erased.assign((static_cast<std::size_t>(offset % kSectorSize) + size + kSectorSize - 1) / kSectorSize + 1, false);
  }
  if (compressed) {
    if (zstream_ready_) inflateEnd(&zstream_);
    zstream_ = z_stream{};
    inflateInit(&zstream_);
    zstream_ready_ = true;
  }
  reply(out, request.opcode, 0);
}

bool Device::store(ByteView bytes) {
  if (static_cast<std::uint64_t>(write_.written) + bytes.size() > write_.size) return false;
  std::uint32_t address = write_.offset + write_.written;
  // The stub acknowledged the block already and is busy writing it; the ROM writes first.
  double& busy = personality_ == Personality::Stub ? busy_.after : busy_.before;
  if (personality_ == Personality::Stub && !bytes.empty()) {
    // Lazy erase: the stub erases each sector the first time a write touches it, a whole
    // 64 KiB block at once where the write session covers all of an aligned one.
    std::uint32_t base = write_.offset / kSectorSize;
    std::uint32_t first = address / kSectorSize - base;
    std::uint32_t last = (address + static_cast<std::uint32_t>(bytes.size()) - 1) / kSectorSize - base;
    std::uint64_t session_end = static_cast<std::uint64_t>(write_.offset) + write_.size;
    constexpr std::uint32_t kSectorsPerBlock = FlashTiming::kBlock / kSectorSize;
    for (std::uint32_t sector = first; sector <= last && sector < write_.erased.size(); ++sector) {
      if (write_.erased[sector]) continue;
      std::uint64_t at = static_cast<std::uint64_t>(base + sector) * kSectorSize;
      if (at % FlashTiming::kBlock == 0 && at + FlashTiming::kBlock <= session_end &&
          sector + kSectorsPerBlock <= write_.erased.size()) {
        std::fill_n(write_.erased.begin() + sector, kSectorsPerBlock, true);
        flash_.erase(static_cast<std::uint32_t>(at), FlashTiming::kBlock);
        busy += timing_.block_erase_seconds();
      } else {
        write_.erased[sector] = true;
        flash_.erase(static_cast<std::uint32_t>(at), kSectorSize);
        busy += timing_.sector_erase_seconds();
      }
    }
  }
  flash_.program(address, bytes);
  bytes_programmed_ += bytes.size();
  if (!bytes.empty()) {
    auto first_page = static_cast<std::int64_t>(address / FlashTiming::kPage);
    auto last_page = static_cast<std::int64_t>((static_cast<std::uint64_t>(address) + bytes.size() - 1) / FlashTiming::kPage);
    std::int64_t from = std::max(first_page, write_.last_page + 1);
    if (last_page >= from) busy += timing_.program_seconds(static_cast<std::uint64_t>(last_page - from + 1));
    write_.last_page = std::max(write_.last_page, last_page);
  }
  write_.written += static_cast<std::uint32_t>(bytes.size());
  return true;
}

std::uint8_t Device::inflate_block(ByteView block) {
  if (write_.stream_end) return block.empty() ? 0 : err(rom_error::InflateFailed, stub_error::TooMuchData);
  std::uint8_t buffer[0x8000];
  zstream_.next_in = const_cast<Bytef*>(block.data());
  zstream_.avail_in = static_cast<uInt>(block.size());
  while (zstream_.avail_in > 0 && !write_.stream_end) {
    zstream_.next_out = buffer;
    zstream_.avail_out = sizeof buffer;
    int rc = ::inflate(&zstream_, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return err(rom_error::InflateFailed, stub_error::InflateError);
    std::size_t produced = sizeof buffer - zstream_.avail_out;
    if (!store(ByteView(buffer, produced))) return err(rom_error::InflateFailed, stub_error::TooMuchData);
    if (rc == Z_STREAM_END) write_.stream_end = true;
    if (rc == Z_BUF_ERROR && produced == 0) break;
  }
  if (write_.stream_end && zstream_.avail_in > 0) return err(rom_error::InflateFailed, stub_error::TooMuchData);
  return 0;
}

void Device::handle_data(const Request& request, bool compressed, std::vector<Bytes>& out, json& log) {
  auto block = parse_data_block(request.data);
  if (!block) return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
  log["seq"] = block->sequence;
  if (personality_ == Personality::Stub && block->bytes.size() > kStubFlashBlock)
    return reply(out, request.opcode, stub_error::BadBlockSize);
  if (data_checksum(block->bytes) != (request.checksum & 0xFF))
    return reply(out, request.opcode, err(rom_error::ChecksumMismatch, stub_error::BadChecksum));
  if (!write_.active || write_.compressed != compressed)
    return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::NotInFlashMode));
  if (block->sequence + 1 == write_.next_seq) {  // a resend after a lost ack: already written
    log["duplicate"] = true;
    return reply(out, request.opcode, 0);
  }
  if (block->sequence != write_.next_seq) return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
  std::uint8_t error = 0;
  if (compressed) {
    error = inflate_block(block->bytes);
  } else {
    // Raw blocks are padded to the block size; only the announced byte count is written.
    std::size_t take = std::min<std::size_t>(block->bytes.size(), write_.size - write_.written);
    store(block->bytes.first(take));
  }
  if (error == 0) ++write_.next_seq;
  reply(out, request.opcode, error);
}

void Device::handle_end(const Request& request, std::vector<Bytes>& out) {
  auto flag = payload_word(request.data, 0);
  if (!flag) return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
  if (personality_ == Personality::Rom) {
    reply(out, request.opcode, 0);
    write_ = WriteSession{};
    if (*flag == 0)
      reboot_to_rom();
    else
      app_running_ = true;  // "run user code": the loader is gone
    return;
  }
  std::uint8_t error = 0;
  if (!write_.active) {
    error = stub_error::NotInFlashMode;
  } else if (write_.written < write_.size) {
    error = stub_error::NotEnoughData;
  }
  reply(out, request.opcode, error);
  write_ = WriteSession{};
  if (*flag == 0) reboot_to_rom();
}

void Device::handle_md5(const Request& request, std::vector<Bytes>& out) {
  auto offset = payload_word(request.data, 0);
  auto length = payload_word(request.data, 1);
  if (!offset || !length || request.data.size() != 16)
    return reply(out, request.opcode, err(rom_error::BadParameter, stub_error::BadDataLength));
  if (!flash_.contains(*offset, *length)) return reply(out, request.opcode, err(rom_error::FlashReadError, stub_error::FailedSpiOp));
  Md5 digest = md5(flash_.view(*offset, *length));
  busy_.before += timing_.read_seconds(*length);
  if (personality_ == Personality::Rom) return reply(out, request.opcode, 0, to_bytes(to_hex(digest)));
  reply(out, request.opcode, 0, digest);
}

void Device::handle_read_slow(const Request& request, std::vector<Bytes>& out) {
  auto offset = payload_word(request.data, 0);
  auto length = payload_word(request.data, 1);
  if (!offset || !length) return reply(out, request.opcode, rom_error::BadParameter);
  if (*length > 64) return reply(out, request.opcode, rom_error::BadReadLength);
  if (!flash_.contains(*offset, *length)) return reply(out, request.opcode, rom_error::FlashReadError);
  Bytes data(64, 0);
  ByteView bytes = flash_.view(*offset, *length);
  std::copy(bytes.begin(), bytes.end(), data.begin());
  reply(out, request.opcode, 0, data);
}

void Device::handle_erase_region(const Request& request, std::vector<Bytes>& out) {
  auto offset = payload_word(request.data, 0);
  auto length = payload_word(request.data, 1);
  if (!offset || !length) return reply(out, request.opcode, stub_error::BadDataLength);
  if (*offset % kSectorSize) return reply(out, request.opcode, stub_error::EraseUnalignedOffset);
  if (*length % kSectorSize) return reply(out, request.opcode, stub_error::EraseUnalignedLength);
  if (!flash_.contains(*offset, *length)) return reply(out, request.opcode, stub_error::FailedSpiOp);
  flash_.erase(*offset, *length);
  busy_.before += timing_.erase_seconds(*offset, *length);
  reply(out, request.opcode, 0);
}

// Stop-and-wait stream (§10): one packet, wait for the host's 4-byte ack, next packet, ...,
// and after the last ack the 16-byte MD5 of everything sent.
void Device::handle_read_flash(const Request& request, std::vector<Bytes>& out) {
  auto offset = payload_word(request.data, 0);
  auto length = payload_word(request.data, 1);
  auto packet = payload_word(request.data, 2);
  if (!offset || !length || !packet || *packet == 0 || *packet > kStubFlashBlock)
    return reply(out, request.opcode, stub_error::BadDataLength);
  if (!flash_.contains(*offset, *length)) return reply(out, request.opcode, stub_error::FailedSpiOp);
  reply(out, request.opcode, 0);
  read_.active = true;
  read_.offset = *offset;
  read_.length = *length;
  read_.packet = *packet;
  read_.sent = 0;
  read_.digest = Digester(DigestAlgorithm::Md5);
  if (*length == 0) {
    out.push_back(read_.digest.finish());
    read_.active = false;
    return;
  }
  continue_read(out);
}

void Device::continue_read(std::vector<Bytes>& out) {
  if (read_.sent >= read_.length) {
    out.push_back(read_.digest.finish());
    read_.active = false;
    return;
  }
  std::uint32_t n = std::min(read_.packet, read_.length - read_.sent);
  ByteView bytes = flash_.view(read_.offset + read_.sent, n);
  read_.digest.update(bytes);
  busy_.before += timing_.read_seconds(n);
  out.emplace_back(bytes.begin(), bytes.end());
  read_.sent += n;
}

}  // namespace fwprov::sim
