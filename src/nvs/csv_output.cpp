#include "fwprov/nvs/csv_output.hpp"
#include "wifi_keys.hpp"

#include <openssl/evp.h>

#include <set>

#include "fwprov/core/encoding.hpp"
#include "fwprov/nvs/values.hpp"

namespace fwprov::nvs {
namespace {

bool inline_text_ok(std::string_view text) {
  // The reader turns CR into LF and drops physical lines starting with '#', even inside quotes.
  return is_valid_utf8(text) && text.find('\0') == std::string_view::npos && text.find('\r') == std::string_view::npos &&
         text.find("\n#") == std::string_view::npos;
}

std::string file_name_part(std::string_view text) {
  std::string out;
  for (char c : text) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out.push_back(plain ? c : '_');
  }
  return out;
}

std::string row(std::string_view key, std::string_view type, std::string_view encoding, std::string_view value) {
  return csv_field(key, true) + "," + csv_field(type) + "," + csv_field(encoding) + "," + csv_field(value) + "\n";
}

// ap.ssid / ap.passwd are usually written with blob_sz_fill / blob_fill; recover the text the
// PMK was derived from. nullopt when the bytes do not look like either.
struct FillText {
  std::string encoding;
  std::string text;
};
std::string fill_encoding(const char* name, std::size_t length, std::uint8_t pad) {
  char text[64];
  std::snprintf(text, sizeof text, "%s(%zu;0x%02x)", name, length, pad);
  return text;
}
std::optional<FillText> recover_fill_text(const Bytes& data) {
  if (data.size() >= 4) {
    std::size_t length = load_u32le(data.data());
    if (length <= data.size() - 4) {
      std::string text(data.begin() + 4, data.begin() + 4 + static_cast<std::ptrdiff_t>(length));
      std::size_t rest = data.size() - 4 - length;
      std::uint8_t pad = rest > 0 ? data.back() : 0;
      bool uniform = std::all_of(data.begin() + 4 + static_cast<std::ptrdiff_t>(length), data.end(), [&](std::uint8_t b) { return b == pad; });
      if (uniform && inline_text_ok(text)) return FillText{fill_encoding("blob_sz_fill", data.size() - 4, pad), text};
    }
  }
  if (!data.empty()) {
    std::uint8_t pad = data.back();
    std::size_t end = data.size();
    while (end > 0 && data[end - 1] == pad) --end;
    std::string text(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(end));
    if (inline_text_ok(text)) return FillText{fill_encoding("blob_fill", data.size(), pad), text};
  }
  return std::nullopt;
}

using detail::is_ap_key;
using detail::is_sta_key;

std::string integer_text(const Item& item) {
  if (is_signed_integer(item.type)) return std::to_string(item.signed_value());
  return std::to_string(item.integer_bits);
}

}  // namespace

std::string csv_field(std::string_view text, bool first_field) {
  bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos || (first_field && text.starts_with("#"));
  if (!quote) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

CsvExport export_csv(const DecodedImage& decoded, const CsvExportOptions& options) {
  CsvExport out;
  std::string& csv = out.csv;
  std::uint8_t version = 0;
  for (const auto& page : decoded.pages)
    if (!page.blank) {
      version = page.version;
      break;
    }
  csv += "# written by fwprov nvs decode --csv; regenerate with: fwprov nvs generate THIS.csv OUT.bin " +
         std::to_string(decoded.pages.size() * kPageSize) + " --version " + (version == kPageVersion1 ? "1" : "2") + "\n";
  csv += "key,type,encoding,value\n";

  std::set<std::string> used_names;
  auto extract = [&](const Item& item, const Bytes& data) {
    std::string base = (item.namespace_name.empty() ? "ns" + std::to_string(item.ns) : file_name_part(item.namespace_name)) + "." + file_name_part(item.key);
    std::string name = base + ".bin";
    for (int n = 2; !used_names.insert(name).second; ++n) name = base + "-" + std::to_string(n) + ".bin";
    auto path = *options.extract_dir / name;
    out.files.push_back(ExtractedFile{path, data});
    return path.string();
  };
  auto note = [&](const Item& item, const std::string& why) {
    out.notes.push_back("page " + std::to_string(item.page) + " slot " + std::to_string(item.slot) + ", key '" + item.key + "': " + why);
  };

  // Reference state that regenerating will rebuild: the created namespace and the Wi-Fi helpers.
  std::size_t created = 0;
  std::optional<std::string> ap_ssid, ap_passwd, ap_authmode;
  bool sta_extras = false;
  auto ap_text = [&](const Item& item) -> std::pair<std::string, std::string> {  // encoding, text
    if (item.is_integer()) return {std::string(type_name(item.type)), integer_text(item)};
    if (item.type == ItemType::String && !item.data.empty() && item.data.back() == 0) {
      std::string text(item.data.begin(), item.data.end() - 1);
      if (inline_text_ok(text)) return {"string", text};
    }
    if (item.is_blob() && (item.key == "ap.ssid" || item.key == "ap.passwd"))
      if (auto fill = recover_fill_text(item.data)) return {fill->encoding, fill->text};
    return {"hex2bin", to_hex(item.data)};
  };
  auto pmk_info_for = [&](const std::string& ssid, const std::string& passwd) {
    Bytes info(132, 0);
    PKCS5_PBKDF2_HMAC_SHA1(passwd.data(), static_cast<int>(passwd.size()), reinterpret_cast<const unsigned char*>(ssid.data()),
                           static_cast<int>(ssid.size()), 4096, 32, info.data() + 100);
    return info;
  };

  std::size_t ns_next = 0;
  const auto& items = decoded.items;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    // Namespace definitions that come before this item.
    while (ns_next < decoded.namespaces.size() &&
           std::make_pair(decoded.namespaces[ns_next].page, decoded.namespaces[ns_next].slot) < std::make_pair(item.page, item.slot)) {
      const auto& ns = decoded.namespaces[ns_next++];
      if (ns.index != created + 1) out.notes.push_back("namespace '" + ns.name + "' has index " + std::to_string(ns.index) + "; regenerating numbers namespaces 1, 2, 3, ...");
      created = ns.index;
      csv += row(ns.name, "namespace", "", "");
    }
    if (item.ns != created)
      note(item, "stored in namespace index " + std::to_string(item.ns) + " but rows always go to the most recently created namespace (" + std::to_string(created) + ")");

    // Entries the generator adds by itself are not rows of their own.
    if (item.key == "ap.pmk_info" && i + 1 < items.size() && is_ap_key(items[i + 1].key)) {
      auto ssid = ap_ssid, passwd = ap_passwd, authmode = ap_authmode;
      const Item& next = items[i + 1];
      std::string text = ap_text(next).second;
      if (next.key == "ap.ssid") ssid = text;
      else if (next.key == "ap.passwd") passwd = text;
      else if (text != "0") authmode = text;
      if (ssid && !ssid->empty() && passwd && !passwd->empty() && authmode && !authmode->empty() && item.data == pmk_info_for(*ssid, *passwd))
        continue;
    }

    if (is_ap_key(item.key)) {
      auto [encoding, text] = ap_text(item);
      if (item.key == "ap.ssid") ap_ssid = text;
      else if (item.key == "ap.passwd") ap_passwd = text;
      else if (text != "0") ap_authmode = text;
      csv += row(item.key, "data", encoding, text);
      continue;
    }
    if (is_sta_key(item.key)) {
      // The type column is ignored for these keys: always inline.
      if (item.type == ItemType::String && !item.data.empty() && item.data.back() == 0 &&
          inline_text_ok(std::string_view(reinterpret_cast<const char*>(item.data.data()), item.data.size() - 1)))
        csv += row(item.key, "data", "string", std::string(item.data.begin(), item.data.end() - 1));
      else if (item.is_integer())
        csv += row(item.key, "data", type_name(item.type), integer_text(item));
      else
        csv += row(item.key, "data", "hex2bin", to_hex(item.data));
      if (!sta_extras) {
        sta_extras = true;
        bool follows = i + 3 < items.size() && items[i + 1].key == "sta.apinfo" && items[i + 1].data == Bytes(140, 0xFF) &&
                       items[i + 2].key == "sta.pmk" && items[i + 2].data == Bytes(32, 0) && items[i + 3].key == "sta.apsw" &&
                       items[i + 3].data == Bytes(2, 0);
        if (follows) i += 3;
        else note(item, "regenerating adds sta.apinfo, sta.pmk and sta.apsw after this key, which the image does not have");
      }
      continue;
    }

    if (item.is_integer()) {
      csv += row(item.key, "data", type_name(item.type), integer_text(item));
    } else if (item.type == ItemType::String) {
      bool terminated = !item.data.empty() && item.data.back() == 0;
      std::string text(item.data.begin(), item.data.end() - (terminated ? 1 : 0));
      if (inline_text_ok(text)) {
        // Without a NUL only the reference's 'STRING' quirk stores it (regenerating warns).
        csv += row(item.key, "data", terminated ? "string" : "STRING", text);
      } else if (terminated && is_valid_utf8(text) && options.extract_dir) {
        csv += row(item.key, "file", "string", extract(item, Bytes(text.begin(), text.end())));
      } else {
        csv += row(item.key, "data", "hex2bin", to_hex(item.data));
        note(item, "string bytes cannot be written as CSV text" + std::string(options.extract_dir ? "" : " (try --extract-dir)") + "; written as a hex2bin blob");
      }
    } else if (item.is_blob()) {
      if (options.extract_dir) csv += row(item.key, "file", "binary", extract(item, item.data));
      else csv += row(item.key, "data", "hex2bin", to_hex(item.data));
    }
  }
  while (ns_next < decoded.namespaces.size()) {
    const auto& ns = decoded.namespaces[ns_next++];
    if (ns.index != created + 1) out.notes.push_back("namespace '" + ns.name + "' has index " + std::to_string(ns.index) + "; regenerating numbers namespaces 1, 2, 3, ...");
    created = ns.index;
    csv += row(ns.name, "namespace", "", "");
  }
  return out;
}

}  // namespace fwprov::nvs
