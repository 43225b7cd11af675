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
      const Bytes result = set_boot_slot(read_file(dir / "input-otadata.bin"), slot, ota_slots(table).size()).data;
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
