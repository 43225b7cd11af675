// otadata images (`otadata show`, `otadata set-boot --in`) against a fixed two-slot table.
#include "fuzz_support.hpp"
#include "fwprov/core/diagnostics.hpp"
#include "fwprov/partitions/codec.hpp"
#include "fwprov/partitions/otadata.hpp"

namespace {
const fwprov::partitions::PartitionTable& table() {
  static const auto parsed = [] {
    const std::string csv =
        "nvs,data,nvs,0x9000,0x4000\notadata,data,ota,0xd000,0x2000\nphy_init,data,phy,0xf000,0x1000\n"
        "ota_0,app,ota_0,0x10000,0x100000\nota_1,app,ota_1,0x110000,0x100000\n";
    fwprov::partitions::TableOptions options;
    return fwprov::partitions::parse_csv_table(csv, "table.csv", options);
  }();
  return parsed;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  fuzz::expect_clean([&] {
    auto status = partitions::read_otadata(fuzz::bytes(data, size), table(), "fuzz");
    (void)status;
  });
  fuzz::expect_clean([&] {
    if (size > 0) (void)partitions::set_boot_slot(fuzz::bytes(data, size), data[0] % 2, 2, {});
  });
  return 0;
}
