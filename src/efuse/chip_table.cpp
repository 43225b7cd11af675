// Lookup over the per-chip tables in src/efuse/chips/.
#include "fwprov/efuse/chip_table.hpp"

#include <sstream>

#include "chips/chips.hpp"
#include "fwprov/core/error.hpp"

namespace fwprov::efuse {

namespace {

bool has_alt_name(const FieldDef& field, std::string_view name) {
  std::istringstream words(field.alt_names);
  std::string word;
  while (words >> word) {
    if (word == name) return true;
  }
  return false;
}

struct Tables {
  ChipTable esp32 = chips::esp32_table();
  ChipTable esp32c3 = chips::esp32c3_table();
  ChipTable esp32s3 = chips::esp32s3_table();
  ChipTable esp32c6 = chips::esp32c6_table();
};

const Tables& tables() {
  static const Tables all;
  return all;
}

}  // namespace

const BlockDef* ChipTable::find_block(std::string_view name_or_alias) const {
  for (const auto& block : blocks) {
    if (block.name == name_or_alias) return &block;
    for (const auto& alias : block.aliases) {
      if (alias == name_or_alias) return &block;
    }
  }
  return nullptr;
}

const FieldDef* ChipTable::find_field(std::string_view name_or_alt) const {
  for (const auto& field : fields) {
    if (field.name == name_or_alt) return &field;
  }
  for (const auto& field : fields) {
    if (has_alt_name(field, name_or_alt)) return &field;
  }
  return nullptr;
}

const FieldDef& ChipTable::field(std::string_view name) const {
  const FieldDef* found = find_field(name);
  if (found == nullptr) throw Error(ErrorKind::Internal, "eFuse table of " + this->name + " lacks " + std::string(name));
  return *found;
}

const KeyPurposeDef* ChipTable::find_purpose(std::string_view purpose) const {
  for (const auto& p : key_purposes) {
    if (p.name == purpose) return &p;
  }
  return nullptr;
}

const KeyPurposeDef* ChipTable::find_purpose(int value) const {
  for (const auto& p : key_purposes) {
    if (p.value == value) return &p;
  }
  return nullptr;
}

const ChipTable& chip_table(std::string_view chip) {
  const Tables& all = tables();
  if (chip == "esp32") return all.esp32;
  if (chip == "esp32c3") return all.esp32c3;
  if (chip == "esp32s3") return all.esp32s3;
  if (chip == "esp32c6") return all.esp32c6;
  throw Error(ErrorKind::Usage, "unknown chip '" + std::string(chip) + "' for eFuse work (known: esp32, esp32c3, esp32s3, esp32c6)");
}

std::vector<std::string> chip_names() { return {"esp32", "esp32c3", "esp32s3", "esp32c6"}; }

}  // namespace fwprov::efuse
