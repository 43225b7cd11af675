// Field values as espefuse presents them (docs/efuse.md; golden summary.json files).
#include "fwprov/efuse/summary.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "fwprov/efuse/operations.hpp"

namespace fwprov::efuse {

namespace {

struct Shown {
  nlohmann::json value;   // readable: bool / int / string
  std::string text;       // the same as text (Python's str())
  std::string raw_value;  // "0x..."
  std::string type;
  int bits = 0;
};

std::string hex_join(ByteView bytes, const char* separator) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i) out += separator;
    out += fmt::format("{:02x}", bytes[i]);
  }
  return out;
}

std::string raw_number(std::uint64_t value, int bits) {
  const int digits = std::max(1, (bits + 3) / 4);
  return fmt::format("0x{:0{}x}", value, digits);
}

bool is_esp32_keyblock(const Efuses& efuses, const FieldDef& field) {
  return efuses.chip().coding == CodingFamily::Esp32 && field.block != 0 && field.is_bytes() && field.bits == 256;
}

std::string mac_check(const Efuses& efuses, const FieldDef& field, ByteView mac) {
  if (efuses.chip().coding != CodingFamily::Esp32) return "(OK)";
  const std::string crc_name = field.name == "CUSTOM_MAC" ? "CUSTOM_MAC_CRC" : "MAC_CRC";
  const auto stored = static_cast<unsigned>(efuses.value(crc_name));
  const unsigned computed = mac_crc8(mac);
  if (stored == computed) return fmt::format("(CRC {:#04x} OK)", stored);
  return fmt::format("(CRC {:#04x} invalid - calculated {:#04x})", stored, computed);
}

Shown show_bytes(const Efuses& efuses, const FieldDef& field) {
  Shown shown;
  Bytes bytes = efuses.bytes(field);
  shown.type = field.type;
  shown.bits = field.bits;
  if (is_esp32_keyblock(efuses, field) && efuses.coding_34()) {
    bytes.resize(24);
    shown.type = "bytes:24";
    shown.bits = 192;
  }
  shown.raw_value = "0x" + hex_join(bytes, "");
  if (field.kind == FieldKind::Mac) {
    // The custom MAC is kept in printed order; the factory MAC and MAC_EXT the other way round.
    Bytes mac = bytes;
    if (field.name != "CUSTOM_MAC") std::reverse(mac.begin(), mac.end());
    shown.text = hex_join(mac, ":") + " " + mac_check(efuses, field, mac);
  } else {
    shown.text = hex_join(bytes, " ");
  }
  shown.value = shown.text;
  return shown;
}

std::uint64_t calculated_value(const Efuses& efuses, const FieldDef& field) {
  switch (field.kind) {
    case FieldKind::CalcEsp32WaferMajor: {
      // CHIP_VER_REV1, CHIP_VER_REV2 and APB_CTRL_DATE bit 31 (v3 silicon) combine to the major
      // revision; the virtual chip and fwprov-sim answer the date of v3 silicon.
      const std::uint64_t combined = efuses.value("CHIP_VER_REV1") | efuses.value("CHIP_VER_REV2") << 1 | 1U << 2;
      switch (combined) {
        case 1: return 1;
        case 3: return 2;
        case 7: return 3;
        default: return 0;
      }
    }
    case FieldKind::CalcEsp32Package:
      return efuses.value("CHIP_PACKAGE_4BIT") << 3 | efuses.value("CHIP_PACKAGE");
    case FieldKind::CalcWaferMinor:
      return efuses.value("WAFER_VERSION_MINOR_HI") << 3 | efuses.value("WAFER_VERSION_MINOR_LO");
    case FieldKind::CalcPsramCapacity:
      return efuses.value("PSRAM_CAP_3") << 2 | efuses.value("PSRAM_CAP");
    default:
      return 0;
  }
}

Shown show_field(const Efuses& efuses, const FieldDef& field) {
  if (field.is_bytes() && !field.calculated()) return show_bytes(efuses, field);
  Shown shown;
  shown.type = field.type;
  shown.bits = field.bits;
  if (field.kind == FieldKind::CalcMacEui64) {
    Bytes mac = efuses.bytes(efuses.chip().field("MAC"));
    Bytes ext = efuses.bytes(efuses.chip().field("MAC_EXT"));
    std::reverse(mac.begin(), mac.end());
    std::reverse(ext.begin(), ext.end());
    Bytes eui(mac.begin(), mac.begin() + 3);
    eui.insert(eui.end(), ext.begin(), ext.end());
    eui.insert(eui.end(), mac.begin() + 3, mac.end());
    shown.raw_value = "0x" + hex_join(Bytes(eui.rbegin(), eui.rend()), "");
    shown.text = hex_join(eui, ":") + " (OK)";
    shown.value = shown.text;
    return shown;
  }
  const std::uint64_t raw = field.calculated() ? calculated_value(efuses, field) : efuses.value(field);
  shown.raw_value = raw_number(raw, field.bits);
  if (field.kind == FieldKind::KeyPurpose) {
    const KeyPurposeDef* purpose = efuses.chip().find_purpose(static_cast<int>(raw));
    shown.text = purpose ? purpose->name : std::to_string(raw);
    shown.value = purpose ? nlohmann::json(purpose->name) : nlohmann::json(raw);
    return shown;
  }
  for (const auto& named : field.value_names) {
    if (named.value == raw) {
      shown.text = named.name;
      shown.value = named.name;
      return shown;
    }
  }
  if (field.kind == FieldKind::AdcVref) {
    // Sign-magnitude count of 7 mV steps around 1100 mV.
    const int magnitude = static_cast<int>(raw & 0x0F) * 7;
    const int mv = 1100 + ((raw & 0x10) ? -magnitude : magnitude);
    shown.text = std::to_string(mv);
    shown.value = mv;
    return shown;
  }
  if (field.is_bool()) {
    shown.text = raw ? "True" : "False";
    shown.value = raw != 0;
  } else {
    shown.text = std::to_string(raw);
    shown.value = raw;
  }
  return shown;
}

std::string hide_zeros(std::string text) {
  std::replace(text.begin(), text.end(), '0', '?');
  return text;
}

std::string title_case(const std::string& category) {
  std::string out = category;
  bool start = true;
  for (char& c : out) {
    c = static_cast<char>(start ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
    start = !std::isalpha(static_cast<unsigned char>(c));
  }
  return out;
}

}  // namespace

nlohmann::json summary_json(const Efuses& efuses) {
  nlohmann::json doc = nlohmann::json::object();
  for (const auto& field : efuses.chip().fields) {
    const Shown shown = show_field(efuses, field);
    const bool readable = efuses.readable(field);
    nlohmann::json entry = {
        {"name", field.name},
        {"value", readable ? shown.value : nlohmann::json(hide_zeros(shown.text))},
        {"raw_value", shown.raw_value},
        {"readable", readable},
        {"writeable", efuses.writeable(field)},
        {"description", field.description},
        {"category", field.category},
        {"block", field.block},
        {"word", field.calculated() ? nlohmann::json(nullptr) : nlohmann::json(field.word)},
        {"pos", field.calculated() ? nlohmann::json(nullptr) : nlohmann::json(field.pos)},
        {"efuse_type", shown.type},
        {"bit_len", shown.bits},
    };
    doc[field.name] = std::move(entry);
  }
  return doc;
}

std::string summary_json_text(const Efuses& efuses) { return summary_json(efuses).dump(4); }

std::string summary_text(const Efuses& efuses) {
  std::map<std::string, std::vector<const FieldDef*>> by_category;
  for (const auto& field : efuses.chip().fields) by_category[title_case(field.category)].push_back(&field);
  std::string out = fmt::format("{:<50} {:<50} = {} {} {}\n", "EFUSE_NAME (Block)", "Description", "[Meaningful Value]",
                                "[Readable/Writeable]", "(Hex Value)");
  out += std::string(88, '-') + "\n";
  for (const auto& [category, fields] : by_category) {
    out += category + " fuses:\n";
    for (const FieldDef* field : fields) {
      const Shown shown = show_field(efuses, *field);
      const bool readable = efuses.readable(*field);
      const bool writeable = efuses.writeable(*field);
      const std::string perms = std::string(readable ? "R" : "-") + "/" + (writeable ? "W" : "-");
      const std::string value = readable ? shown.text : hide_zeros(shown.text);
      const std::string info = field->name + " (BLOCK" + std::to_string(field->block) + ")";
      const std::string raw = field->is_bytes() ? "" : "(" + shown.raw_value + ")";
      out += fmt::format("{:<50} {:<50}{}= {} {} {}\n", info, field->description.substr(0, 50),
                         value.size() > 20 ? "\n  " : "", value, perms, raw);
    }
    out += "\n";
  }
  return out;
}

std::string dump_text(const Efuses& efuses) {
  std::string out;
  for (const auto& block : efuses.chip().blocks) {
    std::string aliases;
    for (const auto& alias : block.aliases) aliases += (aliases.empty() ? "" : " ") + alias;
    std::string words;
    for (std::uint32_t w : efuses.words(block.index)) words += fmt::format(" {:08x}", w);
    out += fmt::format("{:<15} ({:<16.16}) [{:<2}] dump:{}\n", block.name, aliases, block.index, words);
  }
  return out;
}

}  // namespace fwprov::efuse
