#include "fwprov/secure_cert/partition.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/error.hpp"

namespace fwprov::secure_cert {

void PartitionBuilder::add(const Tlv& tlv) {
  const Bytes encoded = encode_tlv(tlv);
  if (bytes_.size() + encoded.size() > kPartitionSize)
    throw Error(ErrorKind::Input, fmt::format("partition size exceeded: TLV type {} subtype {} would end at byte {}, the partition holds {}",
                                              tlv.type, tlv.subtype, bytes_.size() + encoded.size(), kPartitionSize));
  append(bytes_, encoded);
}

void PartitionBuilder::add_integrity(std::uint8_t subtype) {
  const Sha256 digest = sha256(bytes_);
  add(Tlv{tlv_type::kIntegrity, subtype, 0, Bytes(digest.begin(), digest.end())});
}

void PartitionBuilder::append_raw(ByteView bytes) {
  if (bytes_.size() + bytes.size() > kPartitionSize)
    throw Error(ErrorKind::Input, fmt::format("partition size exceeded: {} bytes, the partition holds {}", bytes_.size() + bytes.size(), kPartitionSize));
  append(bytes_, bytes);
}

AppendedIntegrity append_integrity(ByteView file, const std::string& origin) {
  if (file.empty()) throw Error(ErrorKind::Input, SourceLocation{origin}, "file is empty");
  const ParsedPartition parsed = read_partition(file, origin);
  if (parsed.tlvs.empty()) throw Error(ErrorKind::Input, SourceLocation{origin}, "no TLV found (the file does not start with magic 0xBA5EBA11)");
  int highest = -1;
  for (const auto& entry : parsed.tlvs)
    if (entry.tlv.type == tlv_type::kIntegrity) highest = std::max<int>(highest, entry.tlv.subtype);
  const int subtype = highest + 1;
  if (subtype > kMaxIntegritySubtype)
    throw Error(ErrorKind::Input, SourceLocation{origin}, fmt::format("integrity subtype {} already present: at most {} may follow each other", highest, kMaxIntegritySubtype));
  const std::size_t at = parsed.end;
  const Sha256 digest = sha256(file.first(at));
  const Bytes tlv = encode_tlv(Tlv{tlv_type::kIntegrity, static_cast<std::uint8_t>(subtype), 0, Bytes(digest.begin(), digest.end())});
  if (at + tlv.size() > kPartitionSize)
    throw Error(ErrorKind::Input, SourceLocation{origin}, fmt::format("no room for an integrity TLV: it would end at byte {}, the partition holds {}", at + tlv.size(), kPartitionSize));
  Bytes out(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(at));
  append(out, tlv);
  if (out.size() + 4 <= kPartitionSize) append_u32le(out, kEndMarker);
  if (file.size() > out.size()) out.insert(out.end(), file.begin() + static_cast<std::ptrdiff_t>(out.size()), file.end());
  return {std::move(out), static_cast<std::uint8_t>(subtype), at};
}

}  // namespace fwprov::secure_cert
