// Recipe text toml++ 3.3 cannot parse safely (recipe_fuzz found undefined behaviour there):
// refused first with file:line:column, while non-ASCII text in strings and comments still works.
#include <catch2/catch.hpp>

#include "fwprov/provision/recipe.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::provision;

namespace {

const std::string kBody = "[partitions]\ntable = \"partitions.csv\"\n[storage]\ncsv = \"nvs.csv\"\n";

Error refusal(const std::string& text) {
  auto error = test::error_of([&] { parse_recipe(text, "line/recipe.toml"); });
  REQUIRE(error);
  return *error;
}

}  // namespace

TEST_CASE("recipe: non-ASCII outside strings is an Input error at its place", "[provision][recipe]") {
  Error key = refusal(kBody + "[ledger]\nop\xC3\xA9rator = \"x\"\n");  // U+00E9 in a bare key
  CHECK(key.kind() == ErrorKind::Input);
  CHECK(key.where().file == "line/recipe.toml");
  CHECK(key.where().line == 6);
  CHECK(key.where().column == 3);
  CHECK(key.message().find("non-ASCII") != std::string::npos);
  Error value = refusal(kBody + "[ledger]\nstation = \xEF\xBB\xB7\n");  // U+FEF7, the first fuzz find
  CHECK(value.kind() == ErrorKind::Input);
  CHECK(value.where().line == 6);
  CHECK(value.where().column == 11);
  // recipe_fuzz again: toml++ scans a bare value on through quotes, so "..." there is no string.
  Error bare = refusal(kBody + "[identity]\nserial =0\"WS-\xC8\x8F\"\n");
  CHECK(bare.where().line == 6);
  CHECK(bare.where().column == 14);
  CHECK(refusal(kBody + "[ledger]\nstation = 1979-05-27 \"\xC3\xA9\"\n").where().column == 23);  // date-time lookahead
  Error lone = refusal("\xC2\xA7");
  CHECK(lone.where().line == 1);
  CHECK(lone.where().column == 1);
}

TEST_CASE("recipe: a non-ASCII character after a line-ending backslash is refused", "[provision][recipe]") {
  Error error = refusal(kBody + "[ledger]\nstation = \"\"\"line \\\n   \xC2\xA7 1\"\"\"\n");
  CHECK(error.kind() == ErrorKind::Input);
  CHECK(error.where().line == 7);
  CHECK(error.where().column == 4);
  CHECK(error.message().find("line-ending backslash") != std::string::npos);
}

TEST_CASE("recipe: non-ASCII text in strings, quoted keys and comments is kept", "[provision][recipe]") {
  const std::string text = "\xEF\xBB\xBF# Jos\xC3\xA9's line \xE2\x80\x94 caf\xC3\xA9\n" + kBody +
                           "[ledger]\nstation = \"Caf\xC3\xA9 \\\"\xC2\xA7\\\" \"\noperator = 'Jos\xC3\xA9'\n"
                           "[files]\n\"r\xC3\xA9sum\xC3\xA9\" = \"\"\"a \\\n  b \xC3\xA9\"\"\"\n";
  Recipe recipe = parse_recipe(text, "line/recipe.toml");
  CHECK(recipe.ledger.station == "Caf\xC3\xA9 \"\xC2\xA7\" ");
  CHECK(recipe.ledger.operator_name == "Jos\xC3\xA9");
  REQUIRE(recipe.files.size() == 1);
  CHECK(recipe.files[0].name == "r\xC3\xA9sum\xC3\xA9");
  CHECK(recipe.files[0].file == "a b \xC3\xA9");
}

TEST_CASE("recipe: strings in inline tables, arrays and dotted keys reach the TOML checks", "[provision][recipe]") {
  // Each is valid TOML: the error must be the recipe's own (an unknown key), not the refusal.
  for (const char* line : {"x = { a = \"\xC3\xA9\", b = [\"\xC3\xA9\", '\xC3\xA9'] }\n", "x=\"\xC3\xA9\"\n",
                           "x = [\n  \"\xC3\xA9\", # c\xC3\xA9\n  '\xC3\xA9',\n]\n", "\"\xC3\xA9\" . \"\xC3\xA9\"=1\n",
                           "x = 1979-05-27T07:32:00Z # \xC3\xA9\n", "[\"\xC3\xA9\"]\n"}) {
    INFO(line);
    Error error = refusal(kBody + "[ledger]\n" + line);
    CHECK(error.message().find("non-ASCII") == std::string::npos);
  }
}

TEST_CASE("recipe: a table header without a key is refused before toml++ parses it", "[provision][recipe]") {
  // toml++ 3.3 assumes a key follows "[" or "[[" (recipe_fuzz, clang debug build: "[[[dd[dd").
  Error triple = refusal(kBody + "[[[a]]]\n");
  CHECK(triple.kind() == ErrorKind::Input);
  CHECK(triple.where().line == 5);
  CHECK(triple.where().column == 3);
  CHECK(triple.message().find("table header must start with a key") != std::string::npos);
  CHECK(refusal(kBody + "[=]\n").where().column == 2);
  CHECK(refusal(kBody + "[[ .a]]\n").where().column == 4);
  CHECK(refusal(kBody + "[\n").message().find("byte 0x0A") != std::string::npos);
  // Valid headers (quoted, spaced, array of tables) reach the recipe's own checks.
  for (const char* line : {"[ \"x y\" ]\n", "[[ 'x' ]]\n", "[a.b]\n", "[[-_0]]\n"}) {
    INFO(line);
    CHECK(refusal(kBody + line).message().find("table header must start") == std::string::npos);
  }
}
