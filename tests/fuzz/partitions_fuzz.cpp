// Partition tables, CSV or binary (load_table picks by content, as the CLI does), then the
// otadata reader against the table when it parsed, fed the same bytes.
#include "fuzz_support.hpp"
#include "fwprov/core/diagnostics.hpp"
#include "fwprov/partitions/codec.hpp"
#include "fwprov/partitions/otadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  fuzz::expect_clean([&] {
    Warnings warnings;
    partitions::TableOptions options;
    auto table = partitions::load_table(fuzz::bytes(data, size), "fuzz", options, warnings);
    (void)partitions::to_reference_csv(table);
    fuzz::expect_clean([&] { (void)partitions::encode_table(table, "fuzz", options); });
    fuzz::expect_clean([&] { (void)partitions::read_otadata(fuzz::bytes(data, size), table, "fuzz-otadata"); });
  });
  return 0;
}
