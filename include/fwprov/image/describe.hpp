#pragma once
// Facts `esptool image-info` reports beyond the raw headers: the chip an image is for, the
// memory region of each segment, and the app or bootloader description embedded in it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/image/image.hpp"

namespace fwprov::image {

// "ESP32", "ESP32-S3", ... for an extended-header chip id; nullopt when unknown.
std::optional<std::string> chip_name(std::uint16_t chip_id);

// Memory regions (esptool's chip MEMORY_MAP names, map order) containing `address`. The
// ESP32, ESP32-S2, ESP32-S3, ESP32-C3, ESP32-C2, ESP32-C6 and ESP32-C5 maps are known; other
// chips give an empty list.
std::vector<std::string> memory_types(std::uint16_t chip_id, std::uint32_t address);

// esp_app_desc_t, strings with their trailing NULs removed.
struct AppDescription {
  std::uint32_t secure_version = 0;
  std::string version, project_name, time, date, idf_version;
  std::array<std::uint8_t, 32> elf_sha256{};
  std::uint16_t min_efuse_blk_rev_full = 0, max_efuse_blk_rev_full = 0;
  std::uint8_t mmu_page_size_log2 = 0;  // 0 = not recorded (before ESP-IDF v5.4)
};

// esp_bootloader_desc_t.
struct BootloaderDescription {
  std::uint32_t version = 0;
  std::string idf_version, date_time;
};

struct Descriptions {
  std::optional<AppDescription> app;
  std::optional<BootloaderDescription> bootloader;
};

// Like esptool: the app description is the start of the first DROM segment (when its magic
// matches); otherwise the bootloader description is the start of the last DRAM segment of at
// least 80 bytes (when its magic byte matches).
Descriptions find_descriptions(ByteView file, const ParsedImage& image);

}  // namespace fwprov::image
