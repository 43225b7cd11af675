#include <catch2/catch.hpp>

#include "fwprov/provision/placeholders.hpp"

using namespace fwprov;
using namespace fwprov::provision;

TEST_CASE("serial templates pad and keep the text around {seq}") {
  CHECK(format_serial("ACME-{seq:06}", 1) == "ACME-000001");
  CHECK(format_serial("ACME-{seq:06}", 1234567) == "ACME-1234567");
  CHECK(format_serial("{seq}", 42) == "42");
  CHECK(format_serial("X{seq:4}Y", 7) == "X   7Y");
  CHECK(format_serial("{{lot}}-{seq:03}", 5) == "{lot}-005");
}

TEST_CASE("serial templates are checked") {
  SourceLocation where("recipe.toml", 3, 10, "identity.serial");
  CHECK_NOTHROW(check_serial_format("ACME-{seq:06}", where));
  CHECK_THROWS_WITH(check_serial_format("ACME", where), Catch::Contains("exactly one {seq}"));
  CHECK_THROWS_WITH(check_serial_format("{seq}{seq}", where), Catch::Contains("exactly one"));
  CHECK_THROWS_WITH(check_serial_format("{serial}", where), Catch::Contains("not {serial}"));
  CHECK_THROWS_WITH(check_serial_format("{seq:abc}", where), Catch::Contains("{seq:abc}"));
  CHECK_THROWS_WITH(check_serial_format("{seq", where), Catch::Contains("unclosed"));
  try {
    check_serial_format("A-{lot}-{seq}", where);
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::Input);
    CHECK(error.where().line == 3);
    CHECK(error.where().field == "identity.serial");
  }
}

TEST_CASE("expand replaces known names and refuses unknown ones") {
  auto lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "serial") return "ACME-000001";
    return std::nullopt;
  };
  CHECK(expand("CN={serial},O=Acme", lookup, {}) == "CN=ACME-000001,O=Acme");
  CHECK_THROWS_WITH(expand("CN={serail}", lookup, {}), Catch::Contains("{serail}"));
  CHECK_THROWS_WITH(check_placeholders("{x}", {"serial", "mac"}, {}), Catch::Contains("known here: {mac}, {serial}"));
  CHECK(placeholder_names("{a}-{b}{{c}}", {}) == std::vector<std::string>{"a", "b"});
}
