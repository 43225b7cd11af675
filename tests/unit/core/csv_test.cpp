#include <catch2/catch.hpp>

#include "fwprov/core/csv.hpp"
#include "fwprov/core/error.hpp"

using fwprov::parse_csv;

TEST_CASE("csv: plain rows keep line numbers and untrimmed fields") {
  auto rows = parse_csv("key,type\n a , b \n\nx,y\r\n", "in.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[1].line == 2);
  CHECK(rows[1].fields == std::vector<std::string>{" a ", " b "});
  CHECK(rows[2].line == 4);
  CHECK(rows[2].fields == std::vector<std::string>{"x", "y"});
}

TEST_CASE("csv: quoted fields hold separators, quotes and line breaks") {
  auto rows = parse_csv("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\nnext\n", "in.csv");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].fields == std::vector<std::string>{"a,b", "say \"hi\"", "two\nlines"});
  CHECK(rows[1].line == 3);
}

TEST_CASE("csv: a quote inside an unquoted field is literal, as in Python's csv") {
  auto rows = parse_csv("ab\"c,d\n", "in.csv");
  CHECK(rows[0].fields == std::vector<std::string>{"ab\"c", "d"});
}

TEST_CASE("csv: comment lines are dropped only when the first character matches") {
  fwprov::CsvOptions options;
  options.comment = '#';
  auto rows = parse_csv("# header comment\nkey\n #notcomment\n#x,y\nlast\n", "in.csv", options);
  REQUIRE(rows.size() == 3);
  CHECK(rows[1].fields[0] == " #notcomment");
  CHECK(rows[2].line == 5);
}

TEST_CASE("csv: empty trailing fields are kept") {
  auto rows = parse_csv("creds,namespace,,\n", "in.csv");
  CHECK(rows[0].fields.size() == 4);
}

TEST_CASE("csv: an unterminated quote is an input error naming file and line") {
  try {
    parse_csv("a\n\"open,b\nc\n", "bad.csv");
    FAIL("expected an error");
  } catch (const fwprov::Error& error) {
    CHECK(error.kind() == fwprov::ErrorKind::Input);
    CHECK(std::string(error.what()) == "bad.csv:2: quoted field is never closed");
  }
}

TEST_CASE("csv: accept_unclosed_quote ends the field at the end of the text, like Python's csv") {
  // CPython _csv.c (non-strict): at the end of input inside a quoted field the field is saved
  // and the row returned.
  fwprov::CsvOptions options;
  options.accept_unclosed_quote = true;
  auto rows = parse_csv("a\n\"open,b\nc\n", "bad.csv", options);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].fields == std::vector<std::string>{"open,b\nc\n"});
  CHECK(rows[1].unclosed_quote);
  CHECK_FALSE(rows[0].unclosed_quote);
}
