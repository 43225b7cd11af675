#include "fwprov/secure_cert/tlv.hpp"

#include <fmt/core.h>

#include <array>
#include <utility>

#include "fwprov/core/crc32.hpp"
#include "fwprov/core/error.hpp"

namespace fwprov::secure_cert {
namespace {

constexpr std::array<std::pair<std::uint8_t, std::string_view>, 16> kTlvTypeNames = {{
    {tlv_type::kCaCert, "ESP_SECURE_CERT_CA_CERT_TLV"},
    {tlv_type::kDevCert, "ESP_SECURE_CERT_DEV_CERT_TLV"},
    {tlv_type::kPrivKey, "ESP_SECURE_CERT_PRIV_KEY_TLV"},
    {tlv_type::kDsData, "ESP_SECURE_CERT_DS_DATA_TLV"},
    {tlv_type::kDsContext, "ESP_SECURE_CERT_DS_CONTEXT_TLV"},
    {tlv_type::kEcdsaKeySalt, "ESP_SECURE_CERT_ECDSA_KEY_SALT_TLV"},
    {tlv_type::kSecCfg, "ESP_SECURE_CERT_SEC_CFG_TLV"},
    {tlv_type::kTeeSecStorageKey, "ESP_SECURE_CERT_TEE_SEC_STORAGE_KEY_TLV"},
    {tlv_type::kSignatureBlock, "ESP_SECURE_CERT_SIGNATURE_BLOCK_TLV"},
    {tlv_type::kIntegrity, "ESP_SECURE_CERT_INTEGRITY_TLV"},
    {tlv_type::kEnd, "TLV_END"},
    {51, "ESP_SECURE_CERT_USER_DATA_1_TLV"},
    {52, "ESP_SECURE_CERT_USER_DATA_2_TLV"},
    {53, "ESP_SECURE_CERT_USER_DATA_3_TLV"},
    {54, "ESP_SECURE_CERT_USER_DATA_4_TLV"},
    {55, "ESP_SECURE_CERT_USER_DATA_5_TLV"},
}};

}  // namespace

std::optional<std::string_view> tlv_type_name(std::uint8_t type) {
  for (const auto& [number, name] : kTlvTypeNames)
    if (number == type) return name;
  return std::nullopt;
}

std::optional<std::uint8_t> tlv_type_from_name(std::string_view name) {
  for (const auto& [number, known] : kTlvTypeNames)
    if (known == name) return number;
  return std::nullopt;
}

std::uint32_t tlv_crc(ByteView bytes) { return crc32(bytes, 0xFFFFFFFF); }

std::size_t tlv_padding(std::size_t data_length) { return (kTlvAlignment - data_length % kTlvAlignment) % kTlvAlignment; }

std::size_t tlv_size(std::size_t data_length) { return kTlvHeaderSize + data_length + tlv_padding(data_length) + kTlvCrcSize; }

Bytes encode_tlv(const Tlv& tlv) {
  if (tlv.data.size() > kMaxTlvData)
    throw Error(ErrorKind::Input, fmt::format("TLV type {} subtype {}: {} bytes of data, a TLV holds at most {}", tlv.type, tlv.subtype,
                                              tlv.data.size(), kMaxTlvData));
  Bytes out;
  out.reserve(tlv_size(tlv.data.size()));
  append_u32le(out, kTlvMagic);
  out.push_back(tlv.flags);
  out.insert(out.end(), 3, 0);  // reserved
  out.push_back(tlv.type);
  out.push_back(tlv.subtype);
  append_u16le(out, static_cast<std::uint16_t>(tlv.data.size()));
  append(out, tlv.data);
  out.insert(out.end(), tlv_padding(tlv.data.size()), 0);
  append_u32le(out, tlv_crc(out));
  return out;
}

ParsedPartition read_partition(ByteView partition, const std::string& origin) {
  ParsedPartition parsed;
  std::size_t offset = 0;
  while (offset + kTlvHeaderSize <= partition.size() && load_u32le(partition.data() + offset) == kTlvMagic) {
    const std::uint8_t* header = partition.data() + offset;
    ParsedTlv entry;
    entry.offset = offset;
    entry.tlv.flags = header[4];
    entry.tlv.type = header[8];
    entry.tlv.subtype = header[9];
    const std::size_t length = load_u16le(header + 10);
    const std::size_t total = tlv_size(length);
    if (offset + total > partition.size())
      throw Error(ErrorKind::Input, SourceLocation{origin},
                  fmt::format("TLV at offset 0x{:x} (type {}, {} data bytes) runs past the end of the file ({} bytes)", offset,
                              entry.tlv.type, length, partition.size()));
    entry.tlv.data.assign(header + kTlvHeaderSize, header + kTlvHeaderSize + length);
    entry.stored_crc = load_u32le(header + total - kTlvCrcSize);
    entry.crc_ok = entry.stored_crc == tlv_crc(partition.subspan(offset, total - kTlvCrcSize));
    parsed.tlvs.push_back(std::move(entry));
    offset += total;
  }
  parsed.end = offset;
  return parsed;
}

}  // namespace fwprov::secure_cert
