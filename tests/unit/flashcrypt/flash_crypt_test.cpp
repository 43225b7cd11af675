#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/flashcrypt/flash_crypt.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::flashcrypt;

namespace {

Bytes hex(const char* text) { return from_hex(text).value(); }

Bytes case_file(const std::string& name, const std::string& file) { return read_file(test::golden("flash-encrypt/" + name + "/" + file)); }

FlashKey case_key(const std::string& name, Scheme scheme) { return FlashKey::from_file_bytes(case_file(name, "key.bin"), scheme); }

Bytes pseudo_random(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

Bytes run(ByteView data, const FlashKey& key, std::uint64_t address, Direction direction, std::uint32_t conf = 0xF) {
  return transform_flash(Bytes(data.begin(), data.end()), key, FlashCryptRequest{direction, address, conf, "test"}).data;
}

}  // namespace

TEST_CASE("ESP32 block keys follow the fact sheet's vectors", "[flashcrypt]") {
  const Bytes key = hex("bf8bfbe091cde6bae729182874557ff0cdc8888713bc670ff7b9ba164d315dfe");
  auto block = [&](std::uint64_t offset, std::uint32_t conf) {
    auto k = esp32_block_key(key, offset, conf);
    return to_hex(ByteView(k.data(), k.size()));
  };
  CHECK(block(0x9000, 0x1) == "bf1bfbf291cfa6aae729182874557ff0cdc8888713bc670ff7b9ba164d315dfe");
  CHECK(block(0x9010, 0x1) == block(0x9000, 0x1));  // two blocks share a region key
  CHECK(block(0x9000, 0xF) == "bf1bfbf291cfa6aae73b182a345537f8cdc1888633bc430ff7abba140d3115fe");
  CHECK(block(0x9020, 0xF) == "bf1bdbf295cfa62ac73b1c2a34d537e8ddc18a8633fc4307d7abbe140db115ef");
  CHECK(block(0xFFFFE0, 0xF) == "4074041f6e32194518d6e7d78baa800f32377778ec4398f0084645e9b2cea201");
  CHECK(block(0x123460, 0x0) == to_hex(key));  // conf 0: no tweak
  CHECK_THROWS_AS(esp32_block_key(key, 0x1000000, 0xF), Error);
}

TEST_CASE("ESP32 first block of the 0x9010 case encrypts as the fact sheet says", "[flashcrypt]") {
  const FlashKey key = case_key("esp32_nvs_0x9010_conf1", Scheme::Esp32);
  const Bytes plain = hex("51897f3b29559bde6d0216456ff1e43a");
  CHECK(to_hex(run(plain, key, 0x9010, Direction::Encrypt, 0x1)) == "44ae9428cd641bf783b79cb05b3150dd");
  CHECK(run(hex("44ae9428cd641bf783b79cb05b3150dd"), key, 0x9010, Direction::Decrypt, 0x1) == plain);
}

TEST_CASE("XTS first block of the 0x10000 app case", "[flashcrypt]") {
  const FlashKey key = FlashKey::from_file_bytes(hex("6225f1ab1fb7436d58708b471da46831a38d3985789e02ba5055a4e22bdafe50"), Scheme::Xts);
  // A whole unit, so the first block gets T7 as it does inside the image.
  Bytes unit = hex("e905022004040840ee00000000000000");
  unit.resize(128, 0);
  const Bytes out = run(unit, key, 0x10000, Direction::Encrypt);
  CHECK(to_hex(ByteView(out).first(16)) == "416b8087555f958a3b65552f777be525");
}

TEST_CASE("every block is independent: a sub-range encrypts to the slice of the whole", "[flashcrypt]") {
  const Bytes data = pseudo_random(4096, 7);
  for (Scheme scheme : {Scheme::Esp32, Scheme::Xts}) {
    for (std::size_t key_bytes : {24u, 32u, 64u, 16u}) {
      if ((scheme == Scheme::Esp32) != (key_bytes == 24 || key_bytes == 32) && !(scheme == Scheme::Xts && key_bytes == 32)) continue;
      const FlashKey key = FlashKey::from_file_bytes(pseudo_random(key_bytes, 3), scheme);
      const std::uint64_t base = 0x3F000;
      const Bytes whole = run(data, key, base, Direction::Encrypt);
      REQUIRE(whole.size() == data.size());
      for (auto [from, length] : {std::pair<std::size_t, std::size_t>{16, 16}, {48, 208}, {112, 48}, {1040, 1024}, {4080, 16}}) {
        const Bytes part = run(ByteView(data).subspan(from, length), key, base + from, Direction::Encrypt);
        CHECK(part == Bytes(whole.begin() + static_cast<std::ptrdiff_t>(from), whole.begin() + static_cast<std::ptrdiff_t>(from + length)));
      }
      CHECK(run(whole, key, base, Direction::Decrypt) == data);
      CHECK(run(data, key, base + 0x80, Direction::Encrypt) != whole);  // the address is part of the key
    }
  }
}

TEST_CASE("long inputs: more than one XTS pass, decrypt round trip", "[flashcrypt]") {
  const Bytes data = pseudo_random(300 * 1024 + 48, 11);
  const FlashKey xts = FlashKey::from_file_bytes(pseudo_random(64, 5), Scheme::Xts);
  const Bytes enc = run(data, xts, 0x1FFF0, Direction::Encrypt);
  CHECK(run(enc, xts, 0x1FFF0, Direction::Decrypt) == data);
  const Bytes tail = run(ByteView(data).subspan(200 * 1024 + 32), xts, 0x1FFF0 + 200 * 1024 + 32, Direction::Encrypt);
  CHECK(std::equal(tail.begin(), tail.end(), enc.begin() + 200 * 1024 + 32));
}

TEST_CASE("XTS keys whose halves are equal still work (OpenSSL's XTS mode refuses them)", "[flashcrypt]") {
  Bytes same = pseudo_random(16, 9);
  same.insert(same.end(), same.begin(), same.end());
  const FlashKey key = FlashKey::from_file_bytes(same, Scheme::Xts);
  const Bytes data = pseudo_random(256, 2);
  CHECK(run(run(data, key, 0, Direction::Encrypt), key, 0, Direction::Decrypt) == data);
}

TEST_CASE("key files per scheme", "[flashcrypt]") {
  CHECK(FlashKey::from_file_bytes(Bytes(32), Scheme::Esp32).describe() == "256-bit key");
  CHECK(FlashKey::from_file_bytes(Bytes(24), Scheme::Esp32).describe() == "192-bit key (extended)");
  CHECK(FlashKey::from_file_bytes(Bytes(16), Scheme::Xts).describe() == "128-bit key (extended)");
  CHECK(FlashKey::from_file_bytes(Bytes(64), Scheme::Xts).describe() == "512-bit key");
  Bytes k24 = pseudo_random(24, 1);
  const FlashKey esp24 = FlashKey::from_file_bytes(k24, Scheme::Esp32);
  REQUIRE(esp24.material().size() == 32);
  CHECK(std::equal(k24.begin() + 8, k24.begin() + 16, esp24.material().begin() + 24));
  auto kind_of = [](std::size_t n, Scheme scheme) {
    try {
      FlashKey::from_file_bytes(Bytes(n), scheme, "k.bin");
    } catch (const Error& e) {
      CHECK(e.where().file == "k.bin");
      return e.kind();
    }
    return ErrorKind::Internal;
  };
  for (std::size_t n : {0u, 20u, 31u, 33u, 48u})
    for (Scheme s : {Scheme::Esp32, Scheme::Xts}) CHECK(kind_of(n, s) == ErrorKind::Crypto);
  CHECK(kind_of(16, Scheme::Esp32) == ErrorKind::Crypto);
  CHECK(kind_of(64, Scheme::Esp32) == ErrorKind::Crypto);
  CHECK(kind_of(24, Scheme::Xts) == ErrorKind::Crypto);
}

TEST_CASE("lengths and addresses each scheme refuses", "[flashcrypt]") {
  const FlashKey esp = FlashKey::from_file_bytes(Bytes(32, 1), Scheme::Esp32);
  const FlashKey xts = FlashKey::from_file_bytes(Bytes(32, 1), Scheme::Xts);
  auto kind = [](const FlashKey& key, std::size_t n, std::uint64_t address, Direction d, std::uint32_t conf = 0xF) {
    try {
      transform_flash(Bytes(n, 0xAB), key, FlashCryptRequest{d, address, conf, "test"});
    } catch (const Error& e) {
      return e.kind();
    }
    return ErrorKind::Internal;  // did not throw
  };
  CHECK(kind(esp, 32, 0x1008, Direction::Encrypt) == ErrorKind::Usage);
  CHECK(kind(xts, 32, 0x10004, Direction::Encrypt) == ErrorKind::Usage);
  CHECK(kind(xts, 100, 0x10000, Direction::Encrypt) == ErrorKind::Input);
  CHECK(kind(xts, 0, 0x10000, Direction::Encrypt) == ErrorKind::Input);
  CHECK(kind(xts, 0, 0x10000, Direction::Decrypt) == ErrorKind::Input);
  CHECK(kind(esp, 100, 0x10000, Direction::Decrypt) == ErrorKind::Input);
  CHECK(kind(esp, 32, 0x10000, Direction::Encrypt, 0x10) == ErrorKind::Usage);
  CHECK(kind(esp, 64, 0xFFFFE0, Direction::Encrypt) == ErrorKind::Usage);   // ends past 16 MB
  CHECK(kind(esp, 16, 0x1000000, Direction::Encrypt) == ErrorKind::Usage);  // starts past it
  CHECK(kind(esp, 17, 0xFFFFF0, Direction::Encrypt) == ErrorKind::Usage);   // the pad would
  CHECK(kind(xts, 32, 0xFFFFFFF0, Direction::Encrypt) == ErrorKind::Usage);
  CHECK(kind(esp, 32, 0xFFFFE0, Direction::Encrypt) == ErrorKind::Internal);  // the last 32 bytes are fine
  CHECK(kind(xts, 16, 0xFFFFFFF0, Direction::Encrypt) == ErrorKind::Internal);
}

TEST_CASE("ESP32 partial last block: padded with 0xFF, decrypts to input + pad", "[flashcrypt]") {
  const FlashKey key = case_key("esp32_size_not_multiple_of_16", Scheme::Esp32);
  const Bytes input = case_file("esp32_size_not_multiple_of_16", "input.bin");
  const Bytes expected = case_file("esp32_size_not_multiple_of_16", "expected.bin");
  const auto result = transform_flash(input, key, FlashCryptRequest{Direction::Encrypt, 0x12000, 0xF, "input.bin"});
  REQUIRE(input.size() % 16 != 0);
  CHECK(result.padding == 16 - input.size() % 16);
  REQUIRE(result.data.size() == expected.size());
  const std::size_t whole = input.size() / 16 * 16;
  CHECK(std::equal(result.data.begin(), result.data.begin() + static_cast<std::ptrdiff_t>(whole), expected.begin()));
  Bytes padded = input;
  padded.resize(expected.size(), 0xFF);
  CHECK(run(result.data, key, 0x12000, Direction::Decrypt) == padded);
}

TEST_CASE("ESP32 below 16 MB in the espsecure artifact case matches, the rest is refused", "[flashcrypt]") {
  const std::string name = "esp32_beyond_16MB_espsecure_artifact";
  const FlashKey key = case_key(name, Scheme::Esp32);
  const Bytes input = case_file(name, "input.bin");
  const Bytes expected = case_file(name, "expected.bin");
  REQUIRE(input.size() > 32);
  const Bytes below = run(ByteView(input).first(32), key, 0xFFFFE0, Direction::Encrypt);
  CHECK(std::equal(below.begin(), below.end(), expected.begin()));
  CHECK_THROWS_AS(run(input, key, 0xFFFFE0, Direction::Encrypt), Error);
}

TEST_CASE("flash key file types and generation", "[flashcrypt]") {
  REQUIRE(find_flash_key_file_type("flash-encryption-aes256") != nullptr);
  CHECK(find_flash_key_file_type("flash-encryption-aes256")->bytes == 32);
  CHECK(find_flash_key_file_type("flash-encryption-aes128")->bytes == 16);
  CHECK(find_flash_key_file_type("flash-encryption-xts128")->bytes == 32);
  CHECK(find_flash_key_file_type("flash-encryption-xts256")->bytes == 64);
  CHECK(find_flash_key_file_type("ec-p256") == nullptr);
  for (const auto& type : flash_key_file_types()) {
    const SecretBytes a = generate_flash_key_file(type.bytes);
    const SecretBytes b = generate_flash_key_file(type.bytes);
    CHECK(a.size() == type.bytes);
    CHECK(a.bytes() != b.bytes());
    // Every generated file is a key some scheme takes.
    const bool esp32 = type.bytes == 24 || type.bytes == 32;
    CHECK_NOTHROW(FlashKey::from_file_bytes(a.view(), esp32 ? Scheme::Esp32 : Scheme::Xts));
  }
}
