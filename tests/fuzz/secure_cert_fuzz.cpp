// esp_secure_cert partitions (secure-cert parse, --append-integrity, signature TLV checks) and
// the extra-TLV CSV of secure-cert generate (--esp_secure_cert_csv): the same bytes go to both.
#include "fuzz_support.hpp"
#include "fwprov/secure_cert/entries.hpp"
#include "fwprov/secure_cert/export.hpp"
#include "fwprov/secure_cert/partition.hpp"
#include "fwprov/secure_cert/signature_tlv.hpp"
#include "fwprov/secure_cert/tlv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  using namespace fwprov::secure_cert;
  auto bytes = fuzz::bytes(data, size);
  fuzz::expect_kinds({ErrorKind::Input}, [&] {
    auto parsed = read_partition(bytes, "esp_secure_cert.bin");
    fuzz::require(parsed.end <= size, "the TLV chain ends inside the data");
    for (const auto& entry : parsed.tlvs) {
      fuzz::require(entry.offset + entry.size() <= size, "a TLV lies inside the data");
      if (entry.tlv.type == tlv_type::kSignatureBlock) (void)check_signature_tlv(entry.tlv, bytes);
    }
  });
  fuzz::expect_kinds({ErrorKind::Input}, [&] { (void)export_partition(bytes, "esp_secure_cert.bin"); });
  fuzz::expect_kinds({ErrorKind::Input}, [&] { (void)append_integrity(bytes, "esp_secure_cert.bin"); });
  fuzz::expect_kinds({ErrorKind::Input}, [&] {
    std::vector<EntrySpec> entries;
    for (auto& entry : read_entries_csv(fuzz::text(data, size), "extra.csv")) add_entry(entries, std::move(entry));
    for (const auto& entry : entries) {
      if (entry.data_type == DataType::File) (void)resolve_entry_path(entry, "fuzz-csv");
      else (void)decode_inline_value(entry);
    }
  });
  return 0;
}
