// Every case in tests/golden/otadata, plus the selection rules of the fact sheet.
#include <catch2/catch.hpp>

#include "fwprov/core/error.hpp"
#include "fwprov/partitions/codec.hpp"
#include "fwprov/partitions/otadata.hpp"
#include "golden_support.hpp"

using namespace fwprov;
using namespace fwprov::partitions;
namespace fs = std::filesystem;

namespace {

PartitionTable table_from(const fs::path& csv) {
  Warnings warnings;
  return load_table(read_file(csv), csv.filename().string(), TableOptions{}, warnings);
}

std::string target_text(const nlohmann::json& target) {
  return target.is_string() ? target.get<std::string>() : std::to_string(target.get<int>());
}

}  // namespace

TEST_CASE("golden otadata images are reproduced byte for byte") {
  std::size_t set_boot_cases = 0, initial_cases = 0;
  for (const auto& dir : test::case_dirs("otadata")) {
    INFO("case " << dir.filename().string());
    const auto args = nlohmann::json::parse(read_text_file(dir / "args.json"));
    const std::string operation = args.at("operation").get<std::string>();
    if (operation == "initial") {
      const auto size = parse_unsigned(args.at("size").get<std::string>()).value();
      CHECK(blank_otadata(size) == read_file(dir / "ota_data_initial.bin"));
      ++initial_cases;
    } else {
      REQUIRE(operation == "set_boot");
      const auto table = table_from(dir / "partitions.csv");
      const std::size_t slot = resolve_ota_slot(table, target_text(args.at("target")));
      const Bytes result = set_boot_slot(read_file(dir / "input-otadata.bin"), slot, otatool_ota_slots(table).size()).data;
      CHECK(result == read_file(dir / "expected-otadata.bin"));
      // Reading it back: the bootloader boots the chosen slot.
      const auto status = read_otadata(result, table, "expected-otadata.bin");
      CHECK(status.boot_slot == std::optional<std::size_t>{slot});
      ++set_boot_cases;
    }
  }
  CHECK(initial_cases >= 1);
  CHECK(set_boot_cases >= 5);
}

TEST_CASE("otadata CRCs match the fact sheet's reference values") {
  CHECK(ota_seq_crc(1) == 0x4743989A);
  CHECK(ota_seq_crc(2) == 0x55F63774);
  CHECK(ota_seq_crc(3) == 0xED4A5011);
  CHECK(ota_seq_crc(4) == 0x709D68A8);
  CHECK(ota_seq_crc(5) == 0xC8210FCD);
}

TEST_CASE("choosing the active slot again writes the same seq into the other sector") {
  const auto table = table_from(test::golden("otadata/ota_0_to_ota_1/partitions.csv"));
  const Bytes seq1 = set_boot_slot(blank_otadata(), 0, 2).data;  // entry 0 = seq 1 (ota_0)
  const Bytes again = set_boot_slot(seq1, 0, 2).data;
  const auto status = read_otadata(again, table, "again");
  CHECK(status.entries[0].seq == 1);
  CHECK(status.entries[1].seq == 1);
  CHECK(status.entries[1].crc_valid());
  CHECK(status.boot_slot == std::optional<std::size_t>{0});
  // Three slots: from seq 2 (ota_1) to ota_0 -> seq 4.
  const Bytes seq2 = set_boot_slot(blank_otadata(), 1, 3).data;
  const auto to0 = set_boot_slot(seq2, 0, 3);
  CHECK(to0.entry == 1);
  CHECK(to0.seq == 4);
  CHECK(load_u32le(to0.data.data() + kOtaSectorSize) == 4);
  // --state for rollback-enabled firmware: written into the same entry, CRC unaffected.
  const auto fresh = set_boot_slot(blank_otadata(), 1, 2, static_cast<std::uint32_t>(OtaState::New));
  CHECK(load_u32le(fresh.data.data() + kOtaStateOffset) == 0);
  CHECK(read_otadata(fresh.data, table, "fresh").boot_slot == std::optional<std::size_t>{1});
}

TEST_CASE("bootloader selection: blank boots factory, invalid states are skipped") {
  const auto with_factory = table_from(test::golden("otadata/ota_0_to_ota_1/partitions.csv"));
  auto blank = read_otadata(blank_otadata(), with_factory, "blank");
  CHECK(blank.boots_factory);
  CHECK_FALSE(blank.boot_slot);
  const auto seed = table_from(test::golden("otadata/blank_to_ota_0/partitions.csv"));
  auto no_factory = read_otadata(blank_otadata(), seed, "blank");
  CHECK_FALSE(no_factory.boots_factory);
  CHECK(no_factory.boot_slot == std::optional<std::size_t>{0});

  Bytes both = read_file(test::golden("otadata/ota_1_to_ota_0/input-otadata.bin"));  // seq 1 and 2
  CHECK(read_otadata(both, seed, "both").boot_slot == std::optional<std::size_t>{1});
  store_u32le(both.data() + kOtaSectorSize + kOtaStateOffset, static_cast<std::uint32_t>(OtaState::Invalid));
  const auto status = read_otadata(both, seed, "both");
  CHECK(status.active_entry == std::optional<std::size_t>{0});
  CHECK(status.boot_slot == std::optional<std::size_t>{0});
  both[kOtaCrcOffset] ^= 1;  // entry 0 CRC broken too
  CHECK_FALSE(read_otadata(both, seed, "both").active_entry);
}

TEST_CASE("set-boot input checks") {
  const auto seed = table_from(test::golden("otadata/blank_to_ota_0/partitions.csv"));
  CHECK(resolve_ota_slot(seed, "ota_1") == 1);
  CHECK(resolve_ota_slot(seed, "1") == 1);
  CHECK_THROWS_AS(resolve_ota_slot(seed, "2"), Error);
  CHECK_THROWS_AS(resolve_ota_slot(seed, "storage"), Error);
  CHECK_THROWS_AS(set_boot_slot(Bytes(0x1000, 0xFF), 0, 2), Error);
}

TEST_CASE("otatool counts OTA slots by subtype alone, whatever the type") {
  // otatool.py switch_ota_partition: `filter(lambda p: p.subtype == 0x10 + i, partition_table)`
  // with no type test, so the data row with subtype 0x12 makes a third slot for it.
  Warnings warnings;
  const auto table = load_table(to_bytes("nvs, data, nvs, , 0x4000\notadata, data, ota, , 0x2000\n"
                                         "ota_0, app, ota_0, , 1M\nota_1, app, ota_1, , 1M\nextra, data, 0x12, , 0x1000\n"),
                                "t.csv", {}, warnings);
  CHECK(ota_slots(table).size() == 2);
  REQUIRE(otatool_ota_slots(table).size() == 3);
  CHECK(otatool_ota_slots(table)[2]->name == "extra");
  // Entry 0 holds seq 3; switching to ota_0 (target seq 1): smallest 1 % 3 + 3i >= 3 is 4
  // (with the bootloader's two slots it would be 3).
  Bytes current(2 * kOtaSectorSize, 0xFF);
  store_u32le(current.data(), 3);
  store_u32le(current.data() + kOtaCrcOffset, ota_seq_crc(3));
  const auto result = set_boot_slot(current, resolve_ota_slot(table, "ota_0"), otatool_ota_slots(table).size());
  CHECK(result.entry == 1);
  CHECK(result.seq == 4);
  // A non-app row with subtype 0x10 listed first takes slot 0: otatool no longer finds the app ota_0 by name.
  const auto shadowed = load_table(to_bytes("cfg, data, 0x10, 0x9000, 0x1000\nota_0, app, ota_0, 0x10000, 1M\n"), "s.csv", {}, warnings);
  CHECK(otatool_ota_slots(shadowed)[0]->name == "cfg");
  CHECK_THROWS_AS(resolve_ota_slot(shadowed, "ota_0"), Error);
  CHECK(resolve_ota_slot(shadowed, "0") == 0);
}

TEST_CASE("equal seqs: the bootloader reads entry 1, otatool bases on entry 0") {
  // esp-idf bootloader_common_select_otadata(): `s[0].ota_seq > s[1].ota_seq ? 0 : 1`;
  // otatool.py: `if otadata_info[0].seq >= otadata_info[1].seq: base = 0`.
  const auto table = table_from(test::golden("otadata/ota_0_to_ota_1/partitions.csv"));
  const Bytes twice = set_boot_slot(set_boot_slot(blank_otadata(), 0, 2).data, 0, 2).data;  // seq 1 in both
  CHECK(read_otadata(twice, table, "twice").active_entry == std::optional<std::size_t>{1});
  const auto next = set_boot_slot(twice, 1, 2);
  CHECK(next.entry == 1);  // base entry 0, so the other sector gets seq 2
  CHECK(next.seq == 2);
}
