// [secure_cert]: the per-device esp_secure_cert partition (secure_cert_partition.hpp).
#include "fwprov/provision/secure_cert_partition.hpp"

#include <fmt/core.h>

#include "fwprov/core/encoding.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/convert.hpp"
#include "fwprov/secure_cert/generate.hpp"
#include "fwprov/secure_cert/tlv.hpp"

namespace fwprov::provision {
namespace {

namespace fs = std::filesystem;

// An entry whose data is in memory: DER as hex text (the generator decodes it like a CSV
// "hex" row and stores certificates and keys canonically, DER staying DER).
secure_cert::EntrySpec memory_entry(std::uint8_t type, ByteView der, const SourceLocation& where) {
  secure_cert::EntrySpec entry;
  entry.type = type;
  entry.value = to_hex(der);
  entry.data_type = secure_cert::DataType::Hex;
  if (type == secure_cert::tlv_type::kPrivKey) entry.key_mode = secure_cert::KeyMode::Plaintext;
  entry.where = where;
  return entry;
}

// The entries every device gets, in the tool's order: CA, device certificate, key.
std::vector<secure_cert::EntrySpec> device_entries(ByteView ca, ByteView cert, ByteView key, const SourceLocation& where) {
  return {memory_entry(secure_cert::tlv_type::kCaCert, ca, where), memory_entry(secure_cert::tlv_type::kDevCert, cert, where),
          memory_entry(secure_cert::tlv_type::kPrivKey, key, where)};
}

}  // namespace

void prepare_secure_cert(RunPlan& plan, const std::vector<Region>& common) {
  const Recipe& r = plan.recipe;
  const SecureCertSection& s = r.secure_cert;
  if (!s.present) return;
  SecureCertPlan sc;
  const partitions::Partition* partition = plan.table.find(s.partition);
  if (!partition)
    throw Error(ErrorKind::Input, s.where, fmt::format("no partition named '{}' in {} (secure_cert.partition)", s.partition, r.partitions.table.string()));
  for (const auto& region : common)
    if (region.target == s.partition)
      throw Error(ErrorKind::Input, s.where, fmt::format("'{}' is built per device by [secure_cert]; remove it from [images]", s.partition));
  if (r.storage.present && r.storage.partition == s.partition)
    throw Error(ErrorKind::Input, s.where, fmt::format("'{}' is both the NVS storage and the esp_secure_cert partition", s.partition));
  // esp_secure_cert_mgr reads the partition through the flash cache mapping, which decrypts
  // every read once flash encryption is on (flash-encryption.md §4.1; the reason TLVs are
  // 16-byte aligned, secure-cert-format.md §1). Plain bytes would read back as garbage, and
  // only the `encrypted` flag makes ESP-IDF (the bootloader, esp_partition_write) treat the
  // partition as encrypted too: refuse rather than write the private key in the clear.
  if (plan.security.flash_encryption && !partition->encrypted)
    throw Error(ErrorKind::Input, SourceLocation(r.partitions.table.string(), partition->from_binary ? 0 : partition->line),
                fmt::format("partition '{}' is not flagged encrypted: with [security] flash encryption the device reads it through "
                            "the decrypting flash cache; add `encrypted` to its flags",
                            s.partition));
  sc.slot.target = s.partition;
  sc.slot.offset = partition->offset;
  sc.slot.capacity = partition->size;
  if (s.ca_cert) {
    pki::ConvertOptions convert;
    convert.to = pki::Encoding::Der;
    sc.ca_der = pki::convert_file(r.dir / *s.ca_cert, convert).data;
  } else {
    sc.ca_der = plan.ca->certificate_der;
  }
  // Stand-in device entries, so a CSV row that repeats one of them is refused now.
  const Bytes stand_in(1, 0);
  std::vector<secure_cert::EntrySpec> entries = device_entries(stand_in, stand_in, stand_in, s.where);
  if (s.csv) {
    const fs::path path = r.dir / *s.csv;
    sc.csv_folder = path.parent_path();
    for (auto& row : secure_cert::read_entries_csv(read_text_file(path), path.string())) {
      secure_cert::add_entry(entries, row);
      sc.extra.push_back(std::move(row));
    }
  }
  plan.secure_cert = std::move(sc);
}

Region secure_cert_region(const RunPlan& plan, const DeviceIdentity& identity, const DeviceCredentials& credentials) {
  const SecureCertPlan& sc = *plan.secure_cert;
  secure_cert::GenerateRequest request;
  request.entries = device_entries(sc.ca_der, credentials.certificate_der, credentials.private_key_der.view(), plan.recipe.secure_cert.where);
  for (const auto& row : sc.extra) request.entries.push_back(row);
  request.csv_folder = sc.csv_folder;
  request.target_chip = identity.chip;
  Region region = sc.slot;
  region.bytes = secure_cert::generate_partition(request).partition;
  for (auto& entry : request.entries) std::fill(entry.value.begin(), entry.value.end(), '\0');  // the key's hex text
  region.source = "generated (esp_secure_cert)";
  region.sha256 = sha256(region.bytes);
  region.encrypt = plan.security.flash_encryption && must_encrypt(region.target, plan.table);
  return region;
}

}  // namespace fwprov::provision
