#include <catch2/catch.hpp>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/secure_cert/entries.hpp"
#include "fwprov/secure_cert/tlv.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::secure_cert;

namespace {

ErrorKind kind_of(const std::string& csv, std::size_t* line = nullptr) {
  try {
    read_entries_csv(csv, "t.csv");
  } catch (const Error& e) {
    if (line) *line = e.where().line;
    return e.kind();
  }
  return ErrorKind::Internal;
}

const char* kHeader = "tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key\n";

}  // namespace

TEST_CASE("CSV rows: names or numbers, trimmed, comments skipped", "[secure_cert]") {
  const auto entries = read_entries_csv(std::string(kHeader) +
                                            "# a comment,,,,,,,,\n"
                                            "ESP_SECURE_CERT_USER_DATA_1_TLV, 0 , hello ,string,,,,,\n"
                                            "55,2,01 02 03,hex,,,,,\n"
                                            "60,0,aGk=,base64,,,,,\n"
                                            "ESP_SECURE_CERT_PRIV_KEY_TLV,0,k.pem,file,PlainText,ecdsa,256,1,\n",
                                        "t.csv");
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].type == 51);
  CHECK(decode_inline_value(entries[0]) == to_bytes("hello"));
  CHECK(entries[1].type == 55);
  CHECK(entries[1].subtype == 2);
  CHECK(decode_inline_value(entries[1]) == Bytes{1, 2, 3});
  CHECK(entries[2].type == 60);
  CHECK(decode_inline_value(entries[2]) == to_bytes("hi"));
  CHECK(entries[3].key_mode == KeyMode::Plaintext);
  CHECK(entries[3].algorithm == "ECDSA");
  CHECK(entries[3].key_size == 256);
  CHECK(entries[3].efuse_id == 1u);
  CHECK(entries[3].where.line == 6);
}

TEST_CASE("CSV errors name the line", "[secure_cert]") {
  std::size_t line = 0;
  CHECK(kind_of(std::string(kHeader) + "51,0,a,string,,,,,\n51,0,b,string,,,,,\n", &line) == ErrorKind::Input);
  CHECK(line == 3);
  CHECK(kind_of(std::string(kHeader) + "NOT_A_TYPE,0,a,string,,,,,\n") == ErrorKind::Input);
  CHECK(kind_of(std::string(kHeader) + "51,255,a,string,,,,,\n") == ErrorKind::Input);
  CHECK(kind_of(std::string(kHeader) + "51,0,,string,,,,,\n") == ErrorKind::Input);
  CHECK(kind_of(std::string(kHeader) + "51,0,a,text,,,,,\n") == ErrorKind::Input);
  CHECK(kind_of(std::string(kHeader) + "51,0,zz,hex,,,,,\n") == ErrorKind::Input);
  CHECK(kind_of(std::string(kHeader) + "2,0,k.pem,file,magic,,,,\n") == ErrorKind::Input);
  CHECK(kind_of("tlv_type,tlv_subtype\n51,0\n") == ErrorKind::Input);
}

TEST_CASE("the golden duplicate-entry CSV is refused", "[secure_cert][golden]") {
  const std::string csv = read_text_file(test::golden("secure-cert/err_csv_duplicate_entry/dup.csv"));
  std::size_t line = 0;
  CHECK(kind_of(csv, &line) == ErrorKind::Input);
  CHECK(line == 3);
}

TEST_CASE("type names round-trip", "[secure_cert]") {
  for (int t = 0; t < 256; ++t) {
    const auto name = tlv_type_name(static_cast<std::uint8_t>(t));
    if (name) CHECK(tlv_type_from_name(*name) == static_cast<std::uint8_t>(t));
  }
  CHECK(tlv_type_name(tlv_type::kIntegrity) == std::string_view("ESP_SECURE_CERT_INTEGRITY_TLV"));
}
