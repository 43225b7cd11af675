// Which chip is on the line (esptool v5's order: GET_SECURITY_INFO's chip id, else the magic
// word at 0x40001000), and the facts read from its registers as the chip table describes.
#include <fmt/core.h>

#include <bit>

#include "fwprov/esp/loader.hpp"

namespace fwprov::esp {

bool SecurityInfo::flash_encryption() const noexcept { return std::popcount(static_cast<unsigned>(flash_crypt_cnt)) % 2 == 1; }

std::optional<SecurityInfo> parse_security_info(ByteView payload) {
  if (payload.size() < 12) return std::nullopt;
  SecurityInfo info;
  info.flags = load_u32le(payload.data());
  info.flash_crypt_cnt = payload[4];
  std::copy_n(payload.begin() + 5, 7, info.key_purposes.begin());
  if (payload.size() >= 20) {
    info.chip_id = load_u32le(payload.data() + 12);
    info.api_version = load_u32le(payload.data() + 16);
  }
  return info;
}

// nullopt when the loader does not know the command (the ESP32 ROM) or never answers.
std::optional<SecurityInfo> Loader::query_security_info() {
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    auto reply = exchange(op::GetSecurityInfo, {}, 0, options_.command_timeout);
    if (!reply) continue;
    if (reply->status.failed) return std::nullopt;
    const Bytes& data = reply->response.data;
    std::size_t status = status_length(personality_);
    if (data.size() < status) continue;
    return parse_security_info(ByteView(data).first(data.size() - status));
  }
  return std::nullopt;
}

void Loader::detect_chip() {
  const Target* target = nullptr;
  chip_.security = query_security_info();
  if (chip_.security && chip_.security->chip_id) {
    target = target_by_chip_id(static_cast<std::uint16_t>(*chip_.security->chip_id));
    if (target == nullptr)
      throw Error(ErrorKind::Device, fmt::format("unknown chip (GET_SECURITY_INFO chip id {}); fwprov knows {}",
                                                 *chip_.security->chip_id, [] {
                                                   std::string names;
                                                   for (const auto& t : all_targets())
                                                     names += (names.empty() ? "" : ", ") + std::string(t.esptool_name);
                                                   return names;
                                                 }()));
  } else {
    // Chips without a chip id in GET_SECURITY_INFO (ESP32, ESP32-S2): the ROM's magic word.
    // An unknown value may be a reply garbled on the way: ask again before giving up.
    auto lookup = [](std::uint32_t magic) -> const Target* {
      const Target* found = target_by_magic(magic);
      return found != nullptr && found->security_info_size < 20 ? found : nullptr;
    };
    std::uint32_t magic = read_reg(kChipMagicRegister);
    for (int again = 1; again < options_.attempts && !lookup(magic); ++again) magic = read_reg(kChipMagicRegister);
    target = lookup(magic);
    if (target == nullptr)
      throw Error(ErrorKind::Device, fmt::format("unknown chip (no chip id from GET_SECURITY_INFO, magic register 0x{:08X})", magic));
  }
  if (options_.expected_chip != nullptr && options_.expected_chip != target)
    throw Error(ErrorKind::Device, fmt::format("this chip is an {}, not an {} (--chip {}); use --chip {} or --chip auto",
                                               target->display_name, options_.expected_chip->display_name,
                                               options_.expected_chip->esptool_name, target->esptool_name));
  chip_.target = target;
  chip_.name = std::string(target->display_name);
  read_chip_facts();
  if (personality_ == Personality::Rom && target->usb_jtag_watchdog.present() && link_.transport().is_usb_serial_jtag())
    disable_usb_jtag_watchdogs();
}

std::array<std::uint8_t, 6> Loader::read_mac() {
  const Target& t = *chip_.target;
  if (t.efuse_layout == EfuseLayout::Esp32) return esp32::mac_from_efuse(read_reg(esp32::efuse_word_address(1)), read_reg(esp32::efuse_word_address(2)));
  std::uint32_t word0 = read_reg(t.mac_word0);
  std::uint32_t word1 = read_reg(t.mac_word1);
  return {static_cast<std::uint8_t>(word1 >> 8), static_cast<std::uint8_t>(word1), static_cast<std::uint8_t>(word0 >> 24),
          static_cast<std::uint8_t>(word0 >> 16), static_cast<std::uint8_t>(word0 >> 8), static_cast<std::uint8_t>(word0)};
}

void Loader::read_chip_facts() {
  const Target& t = *chip_.target;
  if (t.efuse_layout == EfuseLayout::Esp32) {
    for (unsigned n = 0; n < chip_.efuse.words.size(); ++n) chip_.efuse.words[n] = read_reg(esp32::efuse_word_address(n));
    chip_.efuse.apb_ctl_date = read_reg(esp32::kApbCtlDate);
    chip_.description = esp32::chip_description(chip_.efuse);
    chip_.major_revision = esp32::major_revision(chip_.efuse);
    chip_.minor_revision = esp32::minor_revision(chip_.efuse);
    chip_.mac = esp32::mac_from_efuse(chip_.efuse.words[1], chip_.efuse.words[2]);
  } else {
    auto read = [this](std::uint32_t address) { return read_reg(address); };
    chip_.mac = read_mac();
    chip_.major_revision = read_field(t.major_revision, read);
    chip_.minor_revision = read_field(t.minor_revision, read);
    unsigned package = read_field(t.package, read);
    std::string name = package < t.package_names.size() ? std::string(t.package_names[package])
                                                         : fmt::format("Unknown {}", t.display_name);
    chip_.description = fmt::format("{} (revision v{}.{})", name, chip_.major_revision, chip_.minor_revision);
  }
  chip_.crystal_mhz = t.fixed_crystal_mhz != 0 ? t.fixed_crystal_mhz : esp32::crystal_mhz(read_reg(t.uart_clkdiv), baud_);
}

// A reset driven over USB-Serial/JTAG does not reset the RTC watchdog or the super watchdog:
// switch the first off and let the second feed itself, as esptool does after connecting.
void Loader::disable_usb_jtag_watchdogs() {
  const UsbJtagWatchdog& wd = chip_.target->usb_jtag_watchdog;
  write_reg(wd.wdt_protect, kWdtWriteKey);
  write_reg(wd.wdt_config0, 0);
  write_reg(wd.wdt_protect, 0);
  write_reg(wd.swd_protect, wd.swd_key);
  write_reg(wd.swd_conf, read_reg(wd.swd_conf) | (1u << wd.swd_autofeed_bit));
  write_reg(wd.swd_protect, 0);
}

Bytes Loader::begin_payload(std::uint32_t size, std::uint32_t blocks, std::uint32_t block_size, std::uint32_t offset) const {
  if (personality_ == Personality::Rom && target().rom_begin_five_words)
    return words_payload({size, blocks, block_size, offset, 0});
  return words_payload({size, blocks, block_size, offset});
}

}  // namespace fwprov::esp
