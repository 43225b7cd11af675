// Every success case in tests/golden/flash-encrypt through the library: exact bytes where the
// case says "exact", and the inverse operation gives the input back.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "fwprov/core/file_io.hpp"
#include "fwprov/flashcrypt/flash_crypt.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::flashcrypt;

TEST_CASE("golden flash-encrypt cases: exact bytes and round trip", "[flashcrypt][golden]") {
  std::size_t exact = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::golden("flash-encrypt"))) {
    if (!entry.is_directory()) continue;
    const auto args = nlohmann::json::parse(read_text_file(entry.path() / "args.json"));
    if (args["compare"] != "exact") continue;
    if (entry.path().filename().string().find("artifact") != std::string::npos) continue;  // refused, see above
    INFO(entry.path().filename().string());
    const Scheme scheme = args["aes_xts"].get<bool>() ? Scheme::Xts : Scheme::Esp32;
    const FlashKey key = FlashKey::from_file_bytes(read_file(entry.path() / "key.bin"), scheme);
    FlashCryptRequest request;
    request.direction = args["operation"] == "encrypt-flash-data" ? Direction::Encrypt : Direction::Decrypt;
    request.address = args["address"].get<std::uint64_t>();
    if (args.contains("flash_crypt_conf") && args["flash_crypt_conf"].is_number()) request.flash_crypt_conf = args["flash_crypt_conf"].get<std::uint32_t>();
    const Bytes input = read_file(entry.path() / "input.bin");
    const Bytes expected = read_file(entry.path() / "expected.bin");
    const auto result = transform_flash(input, key, request);
    CHECK(result.data == expected);
    request.direction = request.direction == Direction::Encrypt ? Direction::Decrypt : Direction::Encrypt;
    CHECK(transform_flash(expected, key, request).data == input);
    ++exact;
  }
  CHECK(exact >= 24);
}
