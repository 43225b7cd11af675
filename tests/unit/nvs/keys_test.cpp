#include <catch2/catch.hpp>

#include "fwprov/core/file_io.hpp"
#include "fwprov/nvs/builder.hpp"
#include "fwprov/nvs/crypt.hpp"
#include "fwprov/nvs/keys.hpp"
#include "fwprov/nvs/reader.hpp"
#include "test_support.hpp"

using namespace fwprov;

TEST_CASE("HMAC-derived keys match the reference's key file") {
  Bytes hmac_key = read_file(test::golden("nvs-keygen/hmac-derive/hmac_key.bin"));
  Bytes expected = read_file(test::golden("nvs-keygen/hmac-derive/expected-keys.bin"));
  CHECK(nvs::key_file_bytes(nvs::derive_keys_from_hmac(hmac_key)) == expected);
}

TEST_CASE("key files: at least 64 bytes, distinct halves") {
  CHECK_THROWS_AS(nvs::keys_from_bytes(Bytes(63, 1), "k"), Error);
  Bytes same(64, 7);
  CHECK_THROWS_WITH(nvs::keys_from_bytes(same, "k"), Catch::Contains("are equal"));
  auto keys = nvs::random_keys();
  CHECK_NOTHROW(keys.require_distinct_halves("k"));
}

TEST_CASE("encrypting then decrypting an image gives the plain image") {
  auto keys = nvs::random_keys();
  auto build = [&](bool encrypted) {
    nvs::BuildOptions options = nvs::build_options(0x4000);
    if (encrypted) options.keys = keys;
    nvs::ImageBuilder builder(options);
    builder.add_namespace("n");
    builder.add_string("s", nvs::string_bytes("secret text"));
    builder.add_blob("b", Bytes(5000, 0x5A));
    return builder.finish();
  };
  Bytes plain = build(false);
  Bytes encrypted = build(true);
  CHECK(encrypted != plain);
  CHECK(std::equal(plain.begin(), plain.begin() + 64, encrypted.begin()));  // header and bitmap stay plain
  nvs::decrypt_image_in_place(encrypted, keys);
  CHECK(encrypted == plain);
}

TEST_CASE("the encrypted golden image decrypts to one that reads cleanly") {
  Bytes image = read_file(test::golden("nvs/encrypted-v2/expected.bin"));
  nvs::decrypt_image_in_place(image, nvs::read_key_file(test::golden("nvs/encrypted-v2/keys.bin")));
  auto decoded = nvs::read_image(image);
  CHECK(nvs::check_image(decoded).empty());
  CHECK_FALSE(decoded.items.empty());
}
