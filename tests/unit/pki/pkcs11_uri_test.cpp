#include <catch2/catch.hpp>

#include <fstream>

#include "fwprov/core/error.hpp"
#include "fwprov/pki/pkcs11_uri.hpp"
#include "fwprov/pki/private_key.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::pki;

namespace {

// The message of the Input error `text` raises, or "" when it parses.
std::string uri_error(const std::string& text) {
  try {
    parse_pkcs11_uri(text);
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::Input);
    return error.message();
  }
  return "";
}

}  // namespace

TEST_CASE("pkcs11 URI: path and query attributes, percent-decoded") {
  Pkcs11Uri uri = parse_pkcs11_uri("pkcs11:token=fwprov%2Dtest;object=rsa%32048;id=%a1%B2;type=private;slot-id=1993318765"
                                   "?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin");
  CHECK(uri.token == "fwprov-test");
  CHECK(uri.object == "rsa2048");
  CHECK(uri.id == Bytes{0xa1, 0xb2});
  CHECK(uri.type == "private");
  CHECK(uri.slot_id == 1993318765ul);
  CHECK(uri.module_path == "/usr/lib/softhsm/libsofthsm2.so");
  CHECK(uri.pin_source == "file:/run/pin");
  CHECK_FALSE(uri.pin_value);
  CHECK_FALSE(uri.serial);
}

TEST_CASE("pkcs11 URI: scheme is case-insensitive, an empty URI matches anything, x- attributes are ignored") {
  CHECK(is_pkcs11_uri("PKCS11:object=a"));
  CHECK_FALSE(is_pkcs11_uri("pkcs11"));
  CHECK_FALSE(is_pkcs11_uri("key.pem"));
  Pkcs11Uri any = parse_pkcs11_uri("pkcs11:");
  CHECK_FALSE(any.token);
  CHECK_FALSE(any.object);
  CHECK(parse_pkcs11_uri("pkcs11:object=a;x-vendor=1?x-thing=2").object == "a");
  CHECK(parse_pkcs11_uri("pkcs11:object=a&b").object == "a&b");        // & is plain text in the path
  CHECK(parse_pkcs11_uri("pkcs11:object=a?pin-value=p%26q").pin_value == "p&q");
}

TEST_CASE("pkcs11 URI: strict errors") {
  CHECK_THAT(uri_error("pkcs11:object=a;object=b"), Catch::Contains("object appears twice"));
  CHECK_THAT(uri_error("pkcs11:id=%01;id=%02"), Catch::Contains("id appears twice"));
  CHECK_THAT(uri_error("pkcs11:object=a?pin-source=file:/a&pin-source=file:/b"), Catch::Contains("pin-source appears twice"));
  CHECK_THAT(uri_error("pkcs11:object=a%zz"), Catch::Contains("bad %-escape '%zz'"));
  CHECK_THAT(uri_error("pkcs11:object=a%0"), Catch::Contains("bad %-escape"));
  CHECK_THAT(uri_error("pkcs11:object=a%"), Catch::Contains("bad %-escape"));
  CHECK_THAT(uri_error("pkcs11:object=my key"), Catch::Contains("raw whitespace"));
  CHECK_THAT(uri_error("pkcs11:object=a/b"), Catch::Contains("'/' must be %-encoded"));
  CHECK_THAT(uri_error("pkcs11:object=a?pin-value=1&pin-source=file:/p"), Catch::Contains("both pin-value and pin-source"));
  CHECK_THAT(uri_error("pkcs11:label=a"), Catch::Contains("unknown path attribute 'label'"));
  CHECK_THAT(uri_error("pkcs11:object=a?pin=1"), Catch::Contains("unknown query attribute 'pin'"));
  CHECK_THAT(uri_error("pkcs11:type=secret"), Catch::Contains("type 'secret' is not one of"));
  CHECK_THAT(uri_error("pkcs11:slot-id=12a"), Catch::Contains("not a decimal number"));
  CHECK_THAT(uri_error("pkcs11:object=a;;id=%01"), Catch::Contains("empty attribute"));
  CHECK_THAT(uri_error("pkcs11:object"), Catch::Contains("is not NAME=VALUE"));
  CHECK_THAT(uri_error("pkcs12:object=a"), Catch::Contains("not a pkcs11: URI"));
}

TEST_CASE("pkcs11 URI: errors and printed URIs never show the PIN") {
  try {
    parse_pkcs11_uri("pkcs11:object=a;object=b?pin-value=s3cret", redact_pkcs11_uri("pkcs11:object=a;object=b?pin-value=s3cret"));
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(std::string(error.what()).find("s3cret") == std::string::npos);
    CHECK(error.where().to_string().find("s3cret") == std::string::npos);
  }
  CHECK(redact_pkcs11_uri("pkcs11:object=a?module-path=/m.so&pin-value=s3cret&x-a=1") == "pkcs11:object=a?module-path=/m.so&pin-value=***&x-a=1");
  CHECK(redact_pkcs11_uri("pkcs11:object=a") == "pkcs11:object=a");
  Pkcs11Uri uri = parse_pkcs11_uri("pkcs11:object=a?pin-value=s3cret");
  CHECK(format_pkcs11_uri(uri).find("s3cret") == std::string::npos);
  // A malformed PIN is named, not quoted (the messages quote other attributes' characters).
  const std::string bad_escape = uri_error("pkcs11:object=a?pin-value=s3%Gcret");
  CHECK_THAT(bad_escape, Catch::Contains("bad %-escape in attribute pin-value"));
  CHECK(bad_escape.find("%Gc") == std::string::npos);
  const std::string bad_char = uri_error("pkcs11:object=a?pin-value=s3\"cret");
  CHECK_THAT(bad_char, Catch::Contains("a character must be %-encoded in attribute pin-value"));
  CHECK(bad_char.find('"') == std::string::npos);
}

TEST_CASE("pkcs11 URI: formatting round-trips through the parser") {
  Pkcs11Uri uri;
  uri.token = "Factory HSM #1";
  uri.object = "ota/signer;v2";
  uri.id = Bytes{0x00, 0x2f, 0xff};
  uri.type = "private";
  uri.module_path = "/usr/lib/x.so";
  std::string text = format_pkcs11_uri(uri);
  CHECK(text == "pkcs11:token=Factory%20HSM%20%231;object=ota%2fsigner%3bv2;id=%00%2f%ff;type=private?module-path=/usr/lib/x.so");
  Pkcs11Uri back = parse_pkcs11_uri(text);
  CHECK(back.token == uri.token);
  CHECK(back.object == uri.object);
  CHECK(back.id == uri.id);
  CHECK(back.module_path == uri.module_path);
}

TEST_CASE("espsecure HSM config: fields, defaults and errors with line numbers") {
  auto dir = fwprov::test::scratch("pkcs11-hsm-config");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  HsmConfig config = read_hsm_config(write("ok.ini",
                                           "# espsecure\n[hsm_config]\npkcs11_lib = /usr/lib/softhsm/libsofthsm2.so\nslot: 1993318765\n"
                                           "label = sbv2\nlabel_pubkey = sbv2-pub\ncredentials = 1234\n"));
  CHECK(config.module == "/usr/lib/softhsm/libsofthsm2.so");
  CHECK(config.slot == 1993318765ul);
  CHECK(config.label == "sbv2");
  CHECK(config.public_label == "sbv2-pub");
  CHECK(config.pin == "1234");
  HsmConfig minimal = read_hsm_config(write("min.ini", "[hsm_config]\npkcs11_lib=/m.so\nslot=0\nlabel=k\n"));
  CHECK_FALSE(minimal.public_label);
  CHECK_FALSE(minimal.pin);

  auto error_of = [&](const std::string& text) -> std::string {
    try {
      read_hsm_config(write("bad.ini", text));
    } catch (const Error& error) {
      CHECK(error.kind() == ErrorKind::Input);
      return error.where().to_string() + ": " + error.message();
    }
    return "";
  };
  CHECK_THAT(error_of("[hsm_config]\npkcs11_lib=/m.so\nslot=x\nlabel=k\n"), Catch::Contains("bad.ini:3") && Catch::Contains("not a number"));
  CHECK_THAT(error_of("[hsm_config]\npkcs11_lib=/m.so\nlabel=k\n"), Catch::Contains("lacks slot"));
  CHECK_THAT(error_of("[other]\npkcs11_lib=/m.so\n"), Catch::Contains("no [hsm_config] section"));
  CHECK_THAT(error_of("[hsm_config]\nmodule=/m.so\n"), Catch::Contains("bad.ini:2") && Catch::Contains("unknown setting 'module'"));
  CHECK_THAT(error_of("[hsm_config\n"), Catch::Contains("without ']'"));
}
