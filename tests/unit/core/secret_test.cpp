#include <catch2/catch.hpp>
#include <fstream>

#include "fwprov/core/error.hpp"
#include "fwprov/core/secret.hpp"
#include "test_support.hpp"

using namespace fwprov;

TEST_CASE("wipe empties bytes and text") {
  Bytes key{1, 2, 3, 4};
  wipe(key);
  CHECK(key.empty());
  std::string passphrase = "correct horse";
  wipe(passphrase);
  CHECK(passphrase.empty());
}

TEST_CASE("a secret file reads like any file and moves its bytes") {
  auto dir = test::scratch("secret");
  {
    std::ofstream out(dir / "key.bin", std::ios::binary);
    out << "KEYDATA";
  }
  SecretBytes secret = read_secret_file(dir / "key.bin");
  CHECK(Bytes(secret.view().begin(), secret.view().end()) == Bytes{'K', 'E', 'Y', 'D', 'A', 'T', 'A'});
  SecretBytes moved(std::move(secret));
  CHECK(moved.size() == 7);
  CHECK(secret.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is part of the contract
  CHECK_THROWS_AS(read_secret_file(dir / "missing.bin"), Error);
}
