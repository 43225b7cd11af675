#pragma once
// The gen_esp32part.py options every `partitions`/`otadata` command accepts.
#include <CLI/CLI.hpp>

#include <string>

#include "fwprov/core/error.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/partitions/table.hpp"

namespace fwprov::cli {

struct TableCliOptions {
  std::string flash_size;
  std::string offset = "0x8000";
  CLI::Option* secure_option = nullptr;
  std::string secure;
  bool disable_md5 = false;
  bool no_verify = false;
  std::string primary_bootloader_offset, recovery_bootloader_offset;

  void add_to(CLI::App* command) {
    command->add_option("--flash-size", flash_size, "Check that the partitions fit: 1MB, 2MB, 4MB, 8MB, 16MB, 32MB, 64MB or 128MB")
        ->check(CLI::IsMember({"1MB", "2MB", "4MB", "8MB", "16MB", "32MB", "64MB", "128MB"}));
    command->add_option("--offset", offset, "Flash address of the partition table (default 0x8000); partitions start after its sector");
    secure_option = command->add_option("--secure", secure, "Secure boot app-size alignment: v1 (64 KiB) or v2 (4 KiB); bare --secure means v1")
                        ->expected(0, 1);
    command->add_flag("--disable-md5sum,--disable-md5", disable_md5, "No MD5 row after the entries (and none expected when reading)");
    command->add_flag("--no-verify", no_verify, "Skip the validation rules (the --flash-size check still runs)");
    command->add_option("--primary-bootloader-offset", primary_bootloader_offset,
                        "Where `bootloader, primary` rows go (and the size of every bootloader row: table offset minus this)");
    command->add_option("--recovery-bootloader-offset", recovery_bootloader_offset, "Where `bootloader, recovery` rows go");
  }

  static std::optional<std::uint32_t> address_option(const char* name, const std::string& text) {
    if (text.empty()) return std::nullopt;
    const auto value = parse_unsigned(text);
    if (!value || *value >= kMaxFlashBytes)
      throw Error(ErrorKind::Usage, std::string(name) + " '" + text + "' is not a flash address (below 0x8000000, the largest flash)");
    return static_cast<std::uint32_t>(*value);
  }

  partitions::TableOptions resolve() const {
    partitions::TableOptions options;
    const auto table_offset = parse_unsigned(offset);
    if (!table_offset || *table_offset > kMaxFlashBytes - 0x1000)
      throw Error(ErrorKind::Usage, "--offset '" + offset + "' is not a flash address (e.g. 0x8000; below 0x8000000, the largest flash)");
    options.table_offset = static_cast<std::uint32_t>(*table_offset);
    if (!flash_size.empty()) options.flash_size = partitions::parse_flash_size_choice(flash_size);
    if (secure_option != nullptr && secure_option->count() > 0) {
      if (secure.empty() || secure == "v1") options.secure = partitions::SecureBoot::V1;
      else if (secure == "v2") options.secure = partitions::SecureBoot::V2;
      else throw Error(ErrorKind::Usage, "--secure takes v1 or v2, not '" + secure + "' (write --secure v1, or put --secure after the file names)");
    }
    options.primary_bootloader_offset = address_option("--primary-bootloader-offset", primary_bootloader_offset);
    options.recovery_bootloader_offset = address_option("--recovery-bootloader-offset", recovery_bootloader_offset);
    options.md5 = !disable_md5;
    options.verify = !no_verify;
    return options;
  }
};

}  // namespace fwprov::cli
