#include <catch2/catch.hpp>

#include "fwprov/core/diagnostics.hpp"
#include "fwprov/core/error.hpp"

using namespace fwprov;

TEST_CASE("exit codes are the documented table") {
  CHECK(exit_code(ErrorKind::Internal) == 1);
  CHECK(exit_code(ErrorKind::Usage) == 2);
  CHECK(exit_code(ErrorKind::Input) == 3);
  CHECK(exit_code(ErrorKind::Io) == 4);
  CHECK(exit_code(ErrorKind::Crypto) == 5);
  CHECK(exit_code(ErrorKind::Device) == 6);
  CHECK(exit_code(ErrorKind::Mismatch) == 7);
}

TEST_CASE("error text names file, line, column and field") {
  Error error(ErrorKind::Input, SourceLocation{"nvs.csv", 7, 4, "value"}, "not a number");
  CHECK(std::string(error.what()) == "nvs.csv:7:4 (value): not a number");
  CHECK(error.message() == "not a number");
  CHECK(std::string(Error(ErrorKind::Io, "plain").what()) == "plain");
}

TEST_CASE("warnings go to the sink, or become errors in strict mode") {
  std::vector<std::string> seen;
  Warnings lenient([&](const Warning& w) { seen.push_back(w.message); });
  lenient.warn(SourceLocation{"a.csv", 3}, "junk in base64");
  CHECK(seen == std::vector<std::string>{"junk in base64"});
  Warnings strict({}, true);
  CHECK_THROWS_AS(strict.warn(SourceLocation{"a.csv", 3}, "junk"), Error);
}
