#include <catch2/catch.hpp>

#include "fwprov/core/error.hpp"
#include "fwprov/pki/convert.hpp"
#include "pki_test_support.hpp"

using namespace fwprov;
using namespace fwprov::pki;

TEST_CASE("the default output swaps the extension") {
  CHECK(default_output_path("cert.pem", Encoding::Der) == "cert.der");
  CHECK(default_output_path("dir/device.crt.der", Encoding::Pem) == "dir/device.crt.pem");
  CHECK(default_output_path("ecdsasigner.crt", Encoding::Der) == "ecdsasigner.der");
  CHECK(default_output_path("noext", Encoding::Der) == "noext.der");
}

TEST_CASE("convert reports what it did and marks private keys secret") {
  auto key = test::make_ec("P-256");
  ConvertOptions options;
  options.key_format = KeyFormat::Pkcs8;
  Converted converted = convert(test::pkcs8_pem(key.get()), "key.pem", options);
  CHECK(converted.kind == ObjectKind::PrivateKey);
  CHECK(converted.from == Encoding::Pem);
  CHECK(converted.to == Encoding::Der);
  CHECK(converted.input_structure == KeyStructure::Pkcs8);
  CHECK(converted.output_structure == KeyStructure::Pkcs8);
  CHECK(converted.secret);

  options.key_format = KeyFormat::Traditional;
  options.to = Encoding::Pem;
  Converted sec1 = convert(test::pkcs8_pem(key.get()), "key.pem", options);
  CHECK(sec1.output_structure == KeyStructure::Sec1);
  CHECK(std::string(as_chars(sec1.data)).rfind("-----BEGIN EC PRIVATE KEY-----\n", 0) == 0);
}

TEST_CASE("a chain needs --chain, first and all pick certificates") {
  auto key = test::make_ec("P-256");
  auto first = test::make_certificate(key.get(), "first");
  auto second = test::make_certificate(key.get(), "second");
  Bytes chain = test::certificate_pem(first.get());
  append(chain, test::certificate_pem(second.get()));

  try {
    convert(chain, "chain.pem", {});
    FAIL("a chain without a chain mode must fail");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::Input);
    CHECK_THAT(error.what(), Catch::Contains("chain.pem") && Catch::Contains("2 certificates"));
  }
  ConvertOptions options;
  options.chain = ChainMode::First;
  CHECK(convert(chain, "chain.pem", options).data == encode_certificate(first.get(), Encoding::Der));
  options.chain = ChainMode::All;
  Converted all = convert(chain, "chain.pem", options);
  Bytes expected = encode_certificate(first.get(), Encoding::Der);
  append(expected, encode_certificate(second.get(), Encoding::Der));
  CHECK(all.data == expected);
  CHECK(all.certificates == 2);
  CHECK_FALSE(all.secret);
}
