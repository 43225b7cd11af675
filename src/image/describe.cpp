#include "fwprov/image/describe.hpp"

#include <algorithm>
#include <span>
#include <string_view>

#include "fwprov/image/chips.hpp"
#include "fwprov/image/format.hpp"

namespace fwprov::image {
namespace {

struct Region {
  std::uint32_t start, end;  // [start, end)
  const char* name;
};
// esptool targets/esp32.py MEMORY_MAP.
constexpr Region kEsp32Map[] = {
    {0x00000000, 0x00010000, "PADDING"},    {0x3F400000, 0x3F800000, "DROM"},      {0x3F800000, 0x3FC00000, "EXTRAM_DATA"},
    {0x3FF80000, 0x3FF82000, "RTC_DRAM"},   {0x3FF90000, 0x40000000, "BYTE_ACCESSIBLE"},
    {0x3FFAE000, 0x40000000, "DRAM"},       {0x3FFE0000, 0x3FFFFFFC, "DIRAM_DRAM"}, {0x40000000, 0x40070000, "IROM"},
    {0x40070000, 0x40078000, "CACHE_PRO"},  {0x40078000, 0x40080000, "CACHE_APP"}, {0x40080000, 0x400A0000, "IRAM"},
    {0x400A0000, 0x400BFFFC, "DIRAM_IRAM"}, {0x400C0000, 0x400C2000, "RTC_IRAM"},  {0x400D0000, 0x40400000, "IROM"},
    {0x50000000, 0x50002000, "RTC_DATA"},
};
// esptool targets/esp32s2.py MEMORY_MAP.
constexpr Region kEsp32S2Map[] = {
    {0x00000000, 0x00010000, "PADDING"},   {0x3F000000, 0x3FF80000, "DROM"},     {0x3F500000, 0x3FF80000, "EXTRAM_DATA"},
    {0x3FF9E000, 0x3FFA0000, "RTC_DRAM"},  {0x3FF9E000, 0x40000000, "BYTE_ACCESSIBLE"},
    {0x3FF9E000, 0x40072000, "MEM_INTERNAL"}, {0x3FFB0000, 0x40000000, "DRAM"}, {0x40000000, 0x4001A100, "IROM_MASK"},
    {0x40020000, 0x40070000, "IRAM"},      {0x40070000, 0x40072000, "RTC_IRAM"}, {0x40080000, 0x40800000, "IROM"},
    {0x50000000, 0x50002000, "RTC_DATA"},
};
// esptool targets/esp32s3.py MEMORY_MAP.
constexpr Region kEsp32S3Map[] = {
    {0x00000000, 0x00010000, "PADDING"},   {0x3C000000, 0x3D000000, "DROM"},     {0x3D000000, 0x3E000000, "EXTRAM_DATA"},
    {0x600FE000, 0x60100000, "RTC_DRAM"},  {0x3FC88000, 0x3FD00000, "BYTE_ACCESSIBLE"},
    {0x3FC88000, 0x403E2000, "MEM_INTERNAL"}, {0x3FC88000, 0x3FD00000, "DRAM"}, {0x40000000, 0x4001A100, "IROM_MASK"},
    {0x40370000, 0x403E0000, "IRAM"},      {0x600FE000, 0x60100000, "RTC_IRAM"}, {0x42000000, 0x42800000, "IROM"},
    {0x50000000, 0x50002000, "RTC_DATA"},
};

// esptool targets/esp32c3.py MEMORY_MAP (the same from v4 to v5).
constexpr Region kEsp32C3Map[] = {
    {0x00000000, 0x00010000, "PADDING"},  {0x3C000000, 0x3C800000, "DROM"},     {0x3FC80000, 0x3FCE0000, "DRAM"},
    {0x3FC88000, 0x3FD00000, "BYTE_ACCESSIBLE"}, {0x3FF00000, 0x3FF20000, "DROM_MASK"}, {0x40000000, 0x40060000, "IROM_MASK"},
    {0x42000000, 0x42800000, "IROM"},     {0x4037C000, 0x403E0000, "IRAM"},     {0x50000000, 0x50002000, "RTC_IRAM"},
    {0x50000000, 0x50002000, "RTC_DRAM"}, {0x600FE000, 0x60100000, "MEM_INTERNAL2"},
};

// esptool targets/esp32c2.py MEMORY_MAP.
constexpr Region kEsp32C2Map[] = {
    {0x00000000, 0x00010000, "PADDING"},   {0x3C000000, 0x3C400000, "DROM"},      {0x3FCA0000, 0x3FCE0000, "DRAM"},
    {0x3FC88000, 0x3FD00000, "BYTE_ACCESSIBLE"}, {0x3FF00000, 0x3FF50000, "DROM_MASK"}, {0x40000000, 0x40090000, "IROM_MASK"},
    {0x42000000, 0x42400000, "IROM"},      {0x4037C000, 0x403C0000, "IRAM"},
};
// esptool targets/esp32c6.py MEMORY_MAP.
constexpr Region kEsp32C6Map[] = {
    {0x00000000, 0x00010000, "PADDING"},  {0x42800000, 0x43000000, "DROM"},     {0x40800000, 0x40880000, "DRAM"},
    {0x40800000, 0x40880000, "BYTE_ACCESSIBLE"}, {0x4004AC00, 0x40050000, "DROM_MASK"}, {0x40000000, 0x4004AC00, "IROM_MASK"},
    {0x42000000, 0x42800000, "IROM"},     {0x40800000, 0x40880000, "IRAM"},     {0x50000000, 0x50004000, "RTC_IRAM"},
    {0x50000000, 0x50004000, "RTC_DRAM"}, {0x600FE000, 0x60100000, "MEM_INTERNAL2"},
};
// esptool targets/esp32c5.py MEMORY_MAP.
constexpr Region kEsp32C5Map[] = {
    {0x00000000, 0x00010000, "PADDING"},  {0x42800000, 0x43000000, "DROM"},     {0x40800000, 0x40860000, "DRAM"},
    {0x40800000, 0x40860000, "BYTE_ACCESSIBLE"}, {0x4003A000, 0x40040000, "DROM_MASK"}, {0x40000000, 0x4003A000, "IROM_MASK"},
    {0x42000000, 0x42800000, "IROM"},     {0x40800000, 0x40860000, "IRAM"},     {0x50000000, 0x50004000, "RTC_IRAM"},
    {0x50000000, 0x50004000, "RTC_DRAM"}, {0x600FE000, 0x60100000, "MEM_INTERNAL2"},
};

std::span<const Region> memory_map(std::uint16_t chip_id) {
  switch (chip_id) {
    case 0: return kEsp32Map;
    case 2: return kEsp32S2Map;
    case 5: return kEsp32C3Map;
    case 9: return kEsp32S3Map;
    case 12: return kEsp32C2Map;
    case 13: return kEsp32C6Map;
    case 23: return kEsp32C5Map;
    default: return {};
  }
}

// A fixed-size char field with its trailing NULs removed (esptool decodes and strips them).
std::string text_field(const std::uint8_t* p, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(p), size);
  while (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  return std::string(text);
}

bool has_type(const std::vector<std::string>& types, std::string_view name) {
  return std::find(types.begin(), types.end(), name) != types.end();
}

}  // namespace

std::optional<std::string> chip_name(std::uint16_t chip_id) {
  if (const Chip* chip = chip_by_image_id(chip_id)) return std::string(chip->display_name);
  return std::nullopt;
}

std::vector<std::string> memory_types(std::uint16_t chip_id, std::uint32_t address) {
  std::vector<std::string> names;
  for (const auto& region : memory_map(chip_id))
    if (region.start <= address && address < region.end) names.emplace_back(region.name);
  return names;
}

Descriptions find_descriptions(ByteView file, const ParsedImage& image) {
  Descriptions found;
  std::optional<ByteView> app_bytes, bootloader_bytes;
  for (const auto& segment : image.segments) {
    const auto types = memory_types(image.extended.chip_id, segment.load_address);
    const ByteView data = image.segment_data(file, segment);
    if (has_type(types, "DROM") && !app_bytes) {
      app_bytes = data;
    } else if (has_type(types, "DRAM") && data.size() >= kBootloaderDescSize) {
      bootloader_bytes = data.first(kBootloaderDescSize);
    }
  }
  if (app_bytes && !app_bytes->empty()) {
    // esptool stops here whether or not the DROM segment really holds an app description
    // (an empty DROM segment counts as none, as Python's `if app_desc:` does).
    if (app_bytes->size() >= kAppDescSize && load_u32le(app_bytes->data()) == kAppDescMagic) {
      const std::uint8_t* p = app_bytes->data();
      AppDescription app;
      app.secure_version = load_u32le(p + 4);
      app.version = text_field(p + 16, 32);
      app.project_name = text_field(p + 48, 32);
      app.time = text_field(p + 80, 16);
      app.date = text_field(p + 96, 16);
      app.idf_version = text_field(p + 112, 32);
      std::copy(p + 144, p + 176, app.elf_sha256.begin());
      app.min_efuse_blk_rev_full = load_u16le(p + 176);
      app.max_efuse_blk_rev_full = load_u16le(p + 178);
      app.mmu_page_size_log2 = p[180];
      found.app = app;
    }
  } else if (bootloader_bytes && (*bootloader_bytes)[0] == kBootloaderDescMagic) {
    const std::uint8_t* p = bootloader_bytes->data();
    BootloaderDescription bootloader;
    bootloader.version = load_u32le(p + 4);
    bootloader.idf_version = text_field(p + 8, 32);
    bootloader.date_time = text_field(p + 40, 24);
    found.bootloader = bootloader;
  }
  return found;
}

}  // namespace fwprov::image
