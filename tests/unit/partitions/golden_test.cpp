// Every case in tests/golden/partitions (both directions) and partitions-errors.
#include <catch2/catch.hpp>

#include <regex>

#include "fwprov/core/error.hpp"
#include "fwprov/partitions/codec.hpp"
#include "golden_support.hpp"

using namespace fwprov;
using namespace fwprov::partitions;
namespace fs = std::filesystem;

namespace {

std::string text_of(const fs::path& path) { return read_text_file(path); }

// WARNING: lines the reference printed (expected-stderr.txt), without the prefix.
std::vector<std::string> reference_warnings(const fs::path& dir) {
  std::vector<std::string> found;
  if (!fs::exists(dir / "expected-stderr.txt")) return found;
  for (const auto& line : test::lines_of(text_of(dir / "expected-stderr.txt")))
    if (line.starts_with("WARNING: ")) found.push_back(line.substr(9));
  return found;
}

}  // namespace

TEST_CASE("golden partition tables: csv2bin bytes and bin2csv text") {
  const auto dirs = test::case_dirs("partitions");
  REQUIRE(dirs.size() >= 15);
  for (const auto& dir : dirs) {
    const std::string name = dir.filename().string();
    INFO("case " << name);
    const auto options = test::options_from_args(dir);
    Warnings warnings;
    if (test::direction_of(dir) == "csv2bin") {
      const Bytes input = read_file(dir / "input.csv");
      REQUIRE_FALSE(looks_binary(input));
      const auto table = load_table(input, "input.csv", options, warnings);
      const Bytes encoded = encode_table(table, "input.csv", options);
      CHECK(encoded == read_file(dir / "expected.bin"));
      // And back: what the reference prints for its own binary.
      Warnings back_warnings;
      const auto decoded = load_table(read_file(dir / "expected.bin"), "expected.bin", options, back_warnings);
      CHECK(to_reference_csv(decoded) == text_of(dir / "expected.csv"));
      CHECK(encode_table(decoded, "expected.bin", options) == encoded);
    } else {
      const Bytes input = read_file(dir / "input.bin");
      REQUIRE(looks_binary(input));
      const auto table = load_table(input, "input.bin", options, warnings);
      CHECK(to_reference_csv(table) == text_of(dir / "expected.csv"));
    }
    // The reference's warnings, in order; fwprov adds only its note about names cut to 16 bytes.
    std::vector<std::string> ours;
    for (const auto& warning : warnings.all())
      if (warning.message.find("only the first 16") == std::string::npos) ours.push_back(warning.message);
    CHECK(ours == reference_warnings(dir));
  }
}

TEST_CASE("golden partition errors: refused with the reference's message and line, or accepted with a warning") {
  const auto dirs = test::case_dirs("partitions-errors");
  REQUIRE(dirs.size() >= 25);
  const std::regex line_prefix(R"(^(CSV )?Error at line (\d+): )");
  for (const auto& dir : dirs) {
    const std::string name = dir.filename().string();
    INFO("case " << name);
    const auto options = test::options_from_args(dir);
    const bool binary = test::direction_of(dir) == "bin2csv";
    const Bytes input = read_file(dir / (binary ? "input.bin" : "input.csv"));
    Warnings warnings;
    if (fs::exists(dir / "expected.bin")) {
      // Accepted by the reference: same bytes, and fwprov says what it did.
      const auto table = load_table(input, "input.csv", options, warnings);
      CHECK(encode_table(table, "input.csv", options) == read_file(dir / "expected.bin"));
      CHECK_FALSE(warnings.all().empty());
      continue;
    }
    // The reference's message: the last stderr line that is not its hint about subtypes.
    std::string expected;
    for (const auto& line : test::lines_of(text_of(dir / "expected-stderr.txt")))
      if (!line.empty() && !line.starts_with("Please check extra_partition_subtypes")) expected = line;
    REQUIRE_FALSE(expected.empty());
    std::size_t expected_line = 0;
    std::smatch match;
    if (std::regex_search(expected, match, line_prefix)) {
      expected_line = std::stoul(match[2]);
      expected = match.suffix();
    }
    try {
      const auto table = load_table(input, binary ? "input.bin" : "input.csv", options, warnings);
      (void)encode_table(table, "input.csv", options);
      FAIL("accepted, but the reference refuses it: " << expected);
    } catch (const Error& error) {
      CHECK(error.kind() == ErrorKind::Input);
      CHECK_THAT(error.message(), Catch::Contains(expected));
      if (expected_line != 0) CHECK(error.where().line == expected_line);
    }
  }
}
