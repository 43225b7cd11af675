#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/load.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::pki;

namespace {

PkeyPtr make_p256() { return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

void write_text(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string encrypted_pkcs8_pem(EVP_PKEY* key, const char* passphrase) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), passphrase, static_cast<int>(std::strlen(passphrase)), nullptr, nullptr);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace

TEST_CASE("an encrypted key loads with the right passphrase from env or file") {
  auto dir = test::scratch("pki-load");
  auto key = make_p256();
  write_text(dir / "key.pem", encrypted_pkcs8_pem(key.get(), "correct horse"));
  write_text(dir / "pass.txt", "correct horse\n");
  ::setenv("FWPROV_TEST_PASS", "correct horse", 1);

  auto from_env = load_private_key_file(dir / "key.pem", PassphraseSource::from_env("FWPROV_TEST_PASS"));
  CHECK(EVP_PKEY_eq(from_env.get(), key.get()) == 1);
  auto from_file = load_private_key_file(dir / "key.pem", PassphraseSource::from_file(dir / "pass.txt"));
  CHECK(EVP_PKEY_eq(from_file.get(), key.get()) == 1);
}

TEST_CASE("missing and wrong passphrases are crypto errors that say which") {
  auto dir = test::scratch("pki-pass");
  auto key = make_p256();
  write_text(dir / "key.pem", encrypted_pkcs8_pem(key.get(), "right"));
  ::setenv("FWPROV_TEST_WRONG", "wrong", 1);
  try {
    load_private_key_file(dir / "key.pem");
    FAIL("no passphrase must fail");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Crypto);
    CHECK_THAT(e.what(), Catch::Contains("encrypted"));
  }
  try {
    load_private_key_file(dir / "key.pem", PassphraseSource::from_env("FWPROV_TEST_WRONG"));
    FAIL("a wrong passphrase must fail");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Crypto);
    CHECK_THAT(e.what(), Catch::Contains("wrong passphrase"));
  }
  ::unsetenv("FWPROV_TEST_UNSET");
  CHECK_THROWS_WITH(PassphraseSource::from_env("FWPROV_TEST_UNSET").read(), Catch::Contains("not set"));
}

TEST_CASE("garbage and empty files are input errors naming the file") {
  auto dir = test::scratch("pki-garbage");
  write_text(dir / "junk.pem", "hello, not a key\n");
  write_text(dir / "empty.pem", "");
  CHECK_THROWS_WITH(load_private_key_file(dir / "junk.pem"), Catch::Contains("junk.pem") && Catch::Contains("not a private key"));
  CHECK_THROWS_WITH(load_private_key_file(dir / "empty.pem"), Catch::Contains("empty"));
  CHECK_THROWS_WITH(load_certificate_file(dir / "junk.pem"), Catch::Contains("no X.509 certificate"));
}
