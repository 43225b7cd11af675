// Damaged binary tables and odd CSV text never crash: they parse or raise fwprov::Error.
#include <catch2/catch.hpp>

#include <random>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/partitions/codec.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::partitions;

TEST_CASE("damaged binary tables and random CSV lines are refused cleanly") {
  const Bytes original = read_file(test::golden("partitions/idf_two_ota/expected.bin"));
  std::mt19937 random(4242);
  std::size_t refused = 0;
  for (int round = 0; round < 300; ++round) {
    Bytes damaged = original;
    damaged.resize(32 * (1 + random() % 8) + random() % 40, 0xFF);
    damaged[random() % damaged.size()] = static_cast<std::uint8_t>(random());
    damaged[0] = 0xAA, damaged[1] = 0x50;
    Warnings warnings;
    try {
      const auto table = load_table(damaged, "fuzz.bin", {}, warnings);
      (void)to_reference_csv(table);
    } catch (const Error&) {
      ++refused;
    }
  }
  CHECK(refused > 0);
  const char alphabet[] = "0123456789abcdefxkKmM,:_-+ $\t#{}appdataotanvs";
  for (int round = 0; round < 500; ++round) {
    std::string line;
    for (int i = 0; i < 30; ++i) line += alphabet[random() % (sizeof alphabet - 1)];
    Warnings warnings;
    try {
      const auto table = load_table(to_bytes(line), "fuzz.csv", {}, warnings);
      (void)encode_table(table, "fuzz.csv", {});
    } catch (const Error&) {
    }
  }
}
