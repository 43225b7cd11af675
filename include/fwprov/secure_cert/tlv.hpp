#pragma once
// The esp_secure_cert partition's TLV record (esp_secure_cert_mgr, tools 2.6.1): a 12-byte
// header, the data, zero padding to 16 bytes, a CRC-32. docs/secure-cert.md has the layout.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fwprov/core/bytes.hpp"

namespace fwprov::secure_cert {

inline constexpr std::uint32_t kTlvMagic = 0xBA5EBA11;
inline constexpr std::uint32_t kEndMarker = 0x0000FFFF;  // written after --append-integrity and signed partitions
inline constexpr std::size_t kPartitionSize = 0x2000;     // the partition and the tool's hard limit
inline constexpr std::size_t kTlvHeaderSize = 12;
inline constexpr std::size_t kTlvCrcSize = 4;
inline constexpr std::size_t kTlvAlignment = 16;  // the partition is flash-encrypted: 16-byte writes
inline constexpr std::size_t kMaxTlvData = 0xFFFF;
inline constexpr std::uint8_t kMaxSubtype = 254;  // 255 means invalid on the device
inline constexpr std::uint8_t kMaxIntegritySubtype = 16;

// TLV types (esp_secure_cert_tlv_type_t).
namespace tlv_type {
inline constexpr std::uint8_t kCaCert = 0;
inline constexpr std::uint8_t kDevCert = 1;
inline constexpr std::uint8_t kPrivKey = 2;
inline constexpr std::uint8_t kDsData = 3;
inline constexpr std::uint8_t kDsContext = 4;
inline constexpr std::uint8_t kEcdsaKeySalt = 5;
inline constexpr std::uint8_t kSecCfg = 6;
inline constexpr std::uint8_t kTeeSecStorageKey = 7;
inline constexpr std::uint8_t kSignatureBlock = 8;
inline constexpr std::uint8_t kIntegrity = 9;
inline constexpr std::uint8_t kEnd = 50;
inline constexpr std::uint8_t kUserData1 = 51;
inline constexpr std::uint8_t kUserData5 = 55;
}  // namespace tlv_type

// The flags byte of a private key TLV.
namespace key_flag {
inline constexpr std::uint8_t kHmacEncrypted = 0x80;
inline constexpr std::uint8_t kHmacDerivedEcdsa = 0x40;
inline constexpr std::uint8_t kEcdsaPeripheral = 0x08;
}  // namespace key_flag

// "ESP_SECURE_CERT_CA_CERT_TLV" and so on; nullopt for numbers without a name.
std::optional<std::string_view> tlv_type_name(std::uint8_t type);
std::optional<std::uint8_t> tlv_type_from_name(std::string_view name);

struct Tlv {
  std::uint8_t type = 0;
  std::uint8_t subtype = 0;
  std::uint8_t flags = 0;
  Bytes data;
};

// CRC-32 as the tool and the firmware compute it: the reflected IEEE polynomial with the
// register starting at 0 (zlib's crc32 seeded with 0xFFFFFFFF).
std::uint32_t tlv_crc(ByteView bytes);
std::size_t tlv_padding(std::size_t data_length);
std::size_t tlv_size(std::size_t data_length);  // header + data + padding + CRC
// Throws an Input error when the data is longer than a TLV can say (64 KiB - 1).
Bytes encode_tlv(const Tlv& tlv);

struct ParsedTlv {
  std::size_t offset = 0;
  Tlv tlv;
  std::uint32_t stored_crc = 0;
  bool crc_ok = false;
  std::size_t size() const { return tlv_size(tlv.data.size()); }
};

struct ParsedPartition {
  std::vector<ParsedTlv> tlvs;
  std::size_t end = 0;  // offset after the last TLV: where the device's reader stops
};

// Walks the TLV chain as the device does, stopping at the first position without the magic.
// Throws an Input error naming `origin` and the offset when a TLV runs past the end of the data.
ParsedPartition read_partition(ByteView partition, const std::string& origin);

}  // namespace fwprov::secure_cert
