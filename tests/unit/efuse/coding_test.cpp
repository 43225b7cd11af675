// 3/4 coding and RS(44,32) against the words espefuse wrote in the golden register traces.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "fwprov/efuse/coding.hpp"
#include "test_support.hpp"

namespace {

// The "W addr = value" lines of a golden trace, in order.
std::vector<std::pair<std::uint32_t, std::uint32_t>> trace_writes(const std::string& step) {
  std::ifstream in(fwprov::test::golden("efuse/" + step + "/register-trace.txt"));
  REQUIRE(in);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> writes;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("W ", 0) != 0) continue;
    std::istringstream words(line.substr(2));
    std::string address, equals, value;
    words >> address >> equals >> value;
    writes.emplace_back(static_cast<std::uint32_t>(std::stoul(address, nullptr, 16)),
                        static_cast<std::uint32_t>(std::stoul(value, nullptr, 16)));
  }
  return writes;
}

std::array<std::uint8_t, 4> le(std::uint32_t w) {
  return {static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(w >> 8), static_cast<std::uint8_t>(w >> 16),
          static_cast<std::uint8_t>(w >> 24)};
}

}  // namespace

TEST_CASE("3/4 coding reproduces the words espefuse programmed into ESP32 BLOCK1") {
  // coding34_02: a 24-byte key, stored reversed, programmed through 0x3FF5A098..0x3FF5A0B4.
  std::map<std::uint32_t, std::uint32_t> program;
  for (auto [address, value] : trace_writes("esp32/coding34_02_burn_key_192_no_protect")) {
    if (address >= 0x3FF5A098 && address < 0x3FF5A0B8 && value != 0) program[address] = value;
  }
  REQUIRE(program.size() == 8);
  std::array<std::uint32_t, 8> coded{};
  for (std::size_t i = 0; i < 8; ++i) coded[i] = program.at(0x3FF5A098 + 4 * static_cast<std::uint32_t>(i));

  const auto data = fwprov::efuse::decode_34(coded);
  REQUIRE(data);
  std::array<std::uint8_t, 24> bytes{};
  for (std::size_t w = 0; w < 6; ++w) {
    auto b = le((*data)[w]);
    std::copy(b.begin(), b.end(), bytes.begin() + static_cast<long>(w * 4));
  }
  CHECK(fwprov::efuse::encode_34(bytes) == coded);

  // The data are the key file reversed.
  std::ifstream key(fwprov::test::golden("efuse/esp32/coding34_02_burn_key_192_no_protect/fe_key192.bin"), std::ios::binary);
  std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(key)), std::istreambuf_iterator<char>());
  REQUIRE(file.size() == 24);
  CHECK(std::equal(file.rbegin(), file.rend(), bytes.begin()));

  coded[3] ^= 0x100;  // one flipped bit breaks its group's check bytes
  CHECK_FALSE(fwprov::efuse::decode_34(coded));
}

TEST_CASE("RS(44,32) parity equals espefuse's CHECK_VALUE words for every key-block burn") {
  for (const char* step : {"esp32c3/01_burn_key_flash_encryption", "esp32c3/02_burn_key_digest_rsa3072",
                           "esp32s3/01_burn_key_flash_encryption", "esp32c6/07_burn_key_hmac_up_no_read_protect",
                           "esp32c6/no_protect_03_burn_block_data_user"}) {
    const auto writes = trace_writes(step);
    const std::uint32_t pgm_data0 = writes.front().first;  // espefuse first clears PGM_DATA0..7
    int checked = 0;
    for (std::size_t i = 0; i + 11 <= writes.size(); ++i) {
      // 8 data words to PGM_DATA0..7 immediately followed by CHECK_VALUE0..2.
      bool window = true;
      for (std::size_t k = 0; k < 11; ++k) window &= writes[i + k].first == pgm_data0 + 4 * k;
      if (!window) continue;
      std::array<std::uint8_t, 32> message{};
      for (std::size_t k = 0; k < 8; ++k) {
        auto b = le(writes[i + k].second);
        std::copy(b.begin(), b.end(), message.begin() + static_cast<long>(k * 4));
      }
      const auto parity = fwprov::efuse::rs_parity(message);
      for (std::size_t k = 0; k < 3; ++k) {
        auto b = le(writes[i + 8 + k].second);
        CHECK(std::equal(b.begin(), b.end(), parity.begin() + static_cast<long>(k * 4)));
      }
      ++checked;
      i += 10;
    }
    INFO(step);
    CHECK(checked >= 1);
  }
}
