#include "fwprov/partitions/keywords.hpp"

#include "fwprov/partitions/format.hpp"

namespace fwprov::partitions {
namespace {

KeywordList make_app_subtypes() {
  // The generator's dictionary order: base entries, then the OTA slots, then the TEE slots.
  KeywordList list{{"factory", 0x00}, {"test", 0x20}};
  for (unsigned slot = 0; slot < kAppOtaSlots; ++slot) list.emplace_back("ota_" + std::to_string(slot), kAppOtaMin + slot);
  list.emplace_back("tee_0", 0x30);
  list.emplace_back("tee_1", 0x31);
  return list;
}

}  // namespace

const KeywordList& type_keywords() {
  static const KeywordList list{{"bootloader", kTypeBootloader}, {"partition_table", kTypePartitionTable}, {"app", kTypeApp}, {"data", kTypeData}};
  return list;
}

const KeywordList& subtype_keywords(std::uint8_t type) {
  static const KeywordList none;
  static const KeywordList app = make_app_subtypes();
  static const KeywordList data{{"ota", 0x00},      {"phy", 0x01},       {"nvs", 0x02},      {"coredump", 0x03},
                                {"nvs_keys", 0x04}, {"efuse", 0x05},     {"undefined", 0x06}, {"esphttpd", 0x80},
                                {"fat", 0x81},      {"spiffs", 0x82},    {"littlefs", 0x83}, {"tee_ota", 0x90}};
  static const KeywordList bootloader{{"primary", 0x00}, {"ota", 0x01}, {"recovery", 0x02}};
  static const KeywordList table{{"primary", 0x00}, {"ota", 0x01}};
  switch (type) {
    case kTypeApp: return app;
    case kTypeData: return data;
    case kTypeBootloader: return bootloader;
    case kTypePartitionTable: return table;
    default: return none;
  }
}

namespace {
std::optional<std::string> lookup(const KeywordList& list, std::uint32_t value) {
  for (const auto& [name, v] : list)
    if (v == value) return name;
  return std::nullopt;
}
}  // namespace

std::optional<std::string> type_name(std::uint8_t type) { return lookup(type_keywords(), type); }
std::optional<std::string> subtype_name(std::uint8_t type, std::uint8_t subtype) { return lookup(subtype_keywords(type), subtype); }

}  // namespace fwprov::partitions
