// Rows and file names follow the reference tool so its own regeneration step works on our
// output; see docs/secure-cert.md for what does and does not round-trip.
#include "fwprov/secure_cert/export.hpp"

#include <fmt/core.h>

#include <string_view>

#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/utf8.hpp"
#include "fwprov/pki/encode.hpp"
#include "fwprov/pki/load.hpp"

namespace fwprov::secure_cert {
namespace {

constexpr std::string_view kCsvHeader = "tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key";

struct CsvLine {
  std::string type, subtype, value, data_type, key_type, algorithm, key_size, efuse_id;
};

// Python's csv writer (QUOTE_MINIMAL, CRLF line ends).
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

CsvLine line_of(std::string type, std::string subtype, std::string key_type = {}, std::string algorithm = {}, std::string key_size = {},
                std::string efuse_id = {}) {
  CsvLine line;
  line.type = std::move(type);
  line.subtype = std::move(subtype);
  line.key_type = std::move(key_type);
  line.algorithm = std::move(algorithm);
  line.key_size = std::move(key_size);
  line.efuse_id = std::move(efuse_id);
  return line;
}

std::string csv_line(const CsvLine& l) {
  return fmt::format("{},{},{},{},{},{},{},{},\r\n", csv_field(l.type), csv_field(l.subtype), csv_field(l.value), csv_field(l.data_type),
                     csv_field(l.key_type), csv_field(l.algorithm), csv_field(l.key_size), csv_field(l.efuse_id));
}

bool starts_with(ByteView data, std::string_view prefix) {
  return data.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), data.begin());
}

Bytes without_trailing_nuls(ByteView data) {
  std::size_t n = data.size();
  while (n > 0 && data[n - 1] == 0) --n;
  return Bytes(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
}

// User data the CSV can carry as text: valid UTF-8, printable or whitespace throughout.
bool printable_text(ByteView data) {
  if (!is_valid_utf8(as_chars(data))) return false;
  for (std::uint8_t c : data) {
    if (c >= 0x80) continue;  // multi-byte characters: letters and symbols in practice
    if (c < 0x20 && !(c >= 0x09 && c <= 0x0D) && !(c >= 0x1C && c <= 0x1F)) return false;
    if (c == 0x7F) return false;
  }
  return true;
}

std::string upper_hex(ByteView data) {
  std::string text = to_hex(data);
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string type_label(std::uint8_t type) {
  const auto name = tlv_type_name(type);
  return name ? std::string(*name) : std::to_string(type);
}

}  // namespace

PartitionExport export_partition(ByteView partition, const std::string& origin) {
  PartitionExport out;
  out.parsed = read_partition(partition, origin);
  if (out.parsed.tlvs.empty()) throw Error(ErrorKind::Input, SourceLocation{origin}, "not an esp_secure_cert partition: no TLV magic 0xBA5EBA11 at offset 0");
  for (const auto& entry : out.parsed.tlvs)
    if (!entry.crc_ok)
      throw Error(ErrorKind::Input, SourceLocation{origin}, fmt::format("TLV at offset 0x{:x} (type {} subtype {}): CRC 0x{:08X} is wrong",
                                                                        entry.offset, entry.tlv.type, entry.tlv.subtype, entry.stored_crc));
  std::string csv = std::string(kCsvHeader) + "\r\n";
  std::string dump = fmt::format("esp_secure_cert partition {}: {} bytes, {} TLVs, TLV chain ends at 0x{:x}\n", origin, partition.size(),
                                 out.parsed.tlvs.size(), out.parsed.end);
  for (const auto& entry : out.parsed.tlvs) {
    const Tlv& tlv = entry.tlv;
    const ByteView data = tlv.data;
    dump += fmt::format("0x{:04x} {} subtype {} flags 0x{:02x} length {} crc 0x{:08X} ok\n", entry.offset, type_label(tlv.type), tlv.subtype,
                        tlv.flags, data.size(), entry.stored_crc);
    const std::string sub = std::to_string(tlv.subtype);
    auto file_row = [&](const std::string& stem, const char* pem_ext, bool pem, Bytes content, CsvLine line, bool secret = false) {
      const std::string name = fmt::format("contents/{}_{}_{}.{}", stem, tlv.type, tlv.subtype, pem ? pem_ext : "der");
      out.files.push_back({name, std::move(content), secret});
      line.value = name;
      line.data_type = "file";
      csv += csv_line(line);
      ++out.csv_rows;
    };
    if (tlv.type == tlv_type::kCaCert || tlv.type == tlv_type::kDevCert) {
      const bool pem = starts_with(data, "-----BEGIN CERTIFICATE-----");
      file_row(tlv.type == tlv_type::kCaCert ? "cacert" : "devcert", "pem", pem, pem ? without_trailing_nuls(data) : Bytes(data.begin(), data.end()),
               line_of(type_label(tlv.type), sub));
    } else if (tlv.type == tlv_type::kPrivKey) {
      const bool pem = starts_with(data, "-----BEGIN");
      std::string algorithm;
      Bytes content = pem ? without_trailing_nuls(data) : Bytes(data.begin(), data.end());
      if (pem) {
        const std::string_view text = as_chars(content);
        const std::string_view header = text.substr(0, text.find('\n'));
        if (header.find("RSA") != std::string_view::npos) algorithm = "RSA";
        else if (header.find("EC") != std::string_view::npos) algorithm = "ECDSA";
        // The tool writes non-RSA PEM keys as PKCS#8 (RSA ones as they are).
        if (header.find("PRIVATE KEY-----") != std::string_view::npos && header.find("RSA") == std::string_view::npos) {
          const auto key = pki::load_private_key(content, origin + ": private key TLV");
          content = pki::encode_private_key(key.get(), pki::Encoding::Pem, pki::KeyFormat::Pkcs8);
        }
      }
      file_row("privkey", "pem", pem, std::move(content), line_of(type_label(tlv.type), sub, "plaintext", algorithm), true);
    } else if (tlv.type == tlv_type::kDsData) {
      const std::string bits = data.size() >= 4 ? std::to_string((static_cast<std::int32_t>(load_u32le(data.data())) + 1) * 32) : "";
      file_row("ds_data", "bin", true, Bytes(data.begin(), data.end()), line_of(type_label(tlv.type), sub, "rsa_ds", "RSA", bits));
    } else if (tlv.type == tlv_type::kDsContext) {
      const std::string id = data.size() >= 8 ? std::to_string(data[4]) : "";
      const std::string bits = data.size() >= 8 ? std::to_string(load_u16le(data.data() + 6)) : "";
      file_row("ds_context", "bin", true, Bytes(data.begin(), data.end()), line_of(type_label(tlv.type), sub, "rsa_ds", "RSA", bits, id));
    } else if (tlv.type == tlv_type::kSecCfg) {
      const std::string id = !data.empty() ? std::to_string(static_cast<int>(data[0]) - 4) : "";
      file_row("sec_cfg", "bin", true, Bytes(data.begin(), data.end()), line_of(type_label(tlv.type), sub, "ecdsa_peripheral", "ECDSA", "256", id));
    } else if (tlv.type >= tlv_type::kUserData1) {
      const bool text = printable_text(data);
      CsvLine line = line_of(type_label(tlv.type), sub);
      line.value = text ? std::string(as_chars(data)) : upper_hex(data);
      line.data_type = text ? "string" : "hex";
      csv += csv_line(line);
      ++out.csv_rows;
    } else {
      out.not_in_csv.push_back(fmt::format("{} subtype {} at 0x{:x}", type_label(tlv.type), tlv.subtype, entry.offset));
    }
  }
  if (out.parsed.end + 4 <= partition.size() && load_u32le(partition.data() + out.parsed.end) == kEndMarker)
    dump += fmt::format("0x{:04x} end marker\n", out.parsed.end);
  out.files.push_back({kParsedCsvName, to_bytes(csv), false});
  out.files.push_back({kRawDumpName, to_bytes(dump), false});
  return out;
}

}  // namespace fwprov::secure_cert
