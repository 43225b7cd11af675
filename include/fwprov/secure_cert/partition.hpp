#pragma once
// Building an esp_secure_cert partition TLV by TLV, and the integrity TLV (SHA-256 of
// everything before it) that a normal generation ends with.
#include <cstdint>
#include <string>

#include "fwprov/core/bytes.hpp"
#include "fwprov/secure_cert/tlv.hpp"

namespace fwprov::secure_cert {

class PartitionBuilder {
 public:
  // Throws an Input error ("partition size exceeded") when the TLV would not fit in 8 KiB.
  void add(const Tlv& tlv);
  // Integrity TLV (type 9) holding SHA-256 of the bytes added so far.
  void add_integrity(std::uint8_t subtype = 0);
  void append_raw(ByteView bytes);  // already encoded TLVs (another partition's bytes)
  const Bytes& bytes() const noexcept { return bytes_; }

 private:
  Bytes bytes_;
};

// --append-integrity: a new integrity TLV after the last TLV (subtype one above the highest
// integrity subtype, 0 without one; more than 16 refused), hashing everything before it, then
// the 4-byte end marker when it still fits in 8 KiB. Bytes after the marker are kept, as the
// tool writes the file in place. Input errors name `origin`.
struct AppendedIntegrity {
  Bytes file;
  std::uint8_t subtype = 0;
  std::size_t tlv_offset = 0;
};
AppendedIntegrity append_integrity(ByteView file, const std::string& origin);

}  // namespace fwprov::secure_cert
