// Flash encryption: key files of any length for both schemes (Crypto errors with espsecure's
// wording), and the property that decrypting what was encrypted, at the same address, gives
// the input back (plus the ESP32's 0xFF padding), for fuzzed keys, addresses and lengths; a
// 16-aligned tail encrypted alone matches the same bytes of the whole (each block depends only
// on the key and its own address).
// Input: scheme (bit 0: XTS), key length pick, address (4 bytes LE), address pick, FLASH_CRYPT_CONF,
// then the key file's bytes, then the data (tools/fuzz.sh makes seeds of the golden cases).
#include <algorithm>
#include <optional>

#include "fuzz_support.hpp"
#include "fwprov/flashcrypt/flash_crypt.hpp"
#include "fwprov/flashcrypt/flash_key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  using namespace fwprov::flashcrypt;
  constexpr std::size_t kHeader = 8;
  if (size < kHeader) return 0;
  const Scheme scheme = (data[0] & 1) != 0 ? Scheme::Xts : Scheme::Esp32;
  // Pick 0..127: the lengths keygen writes (16/24/32/64); 128..255: any length, pick - 128.
  static constexpr std::size_t kLengths[] = {16, 24, 32, 64};
  const std::size_t key_length = std::min(size - kHeader, data[1] < 128 ? kLengths[data[1] % 4] : std::size_t{data[1]} - 128);
  std::uint64_t address = data[2] | data[3] << 8 | data[4] << 16 | std::uint64_t{data[5]} << 24;
  // Aligned, in-range addresses unless the pick byte asks for the raw value.
  if (data[6] % 16 != 0) address = (address & ~std::uint64_t{15}) % (scheme == Scheme::Esp32 ? kEsp32FlashLimit : kXtsFlashLimit);
  const std::uint8_t conf = data[7];
  const Bytes key_file(data + kHeader, data + kHeader + key_length);
  const Bytes plain(data + kHeader + key_length, data + size);

  std::optional<FlashKey> key;
  fuzz::expect_kinds({ErrorKind::Crypto}, [&] { key.emplace(FlashKey::from_file_bytes(key_file, scheme, "key.bin")); });
  if (!key) return 0;
  (void)key->describe();

  FlashCryptRequest request;
  request.address = address;
  request.flash_crypt_conf = conf < 0xF0 ? conf & 0xF : conf;  // 0xF0..0xFF: out of range, refused
  request.input_name = "plain.bin";
  std::optional<FlashCryptResult> encrypted;
  fuzz::expect_kinds({ErrorKind::Input, ErrorKind::Usage}, [&] { encrypted = transform_flash(plain, *key, request); });
  if (!encrypted) return 0;
  fuzz::require(encrypted->data.size() == plain.size() + encrypted->padding && encrypted->data.size() % kFlashCryptBlock == 0,
                "encrypting gives whole blocks: the input plus its padding");

  request.direction = Direction::Decrypt;
  FlashCryptResult decrypted = transform_flash(encrypted->data, *key, request);
  Bytes expected = plain;
  expected.resize(plain.size() + encrypted->padding, 0xFF);
  fuzz::require(decrypted.data == expected, "decrypt(encrypt(x)) == x (padded with 0xFF)");

  const std::size_t blocks = encrypted->data.size() / kFlashCryptBlock;
  if (blocks >= 2) {
    const std::size_t skip = kFlashCryptBlock * (1 + encrypted->data[0] % (blocks - 1));
    request.direction = Direction::Encrypt;
    request.address = address + skip;
    FlashCryptResult tail = transform_flash(Bytes(expected.begin() + static_cast<std::ptrdiff_t>(skip), expected.end()), *key, request);
    fuzz::require(tail.data == Bytes(encrypted->data.begin() + static_cast<std::ptrdiff_t>(skip), encrypted->data.end()),
                  "a 16-aligned tail encrypts alone as it does within the whole");
  }
  return 0;
}
