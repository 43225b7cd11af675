// Damaged images never crash the parser or the patcher: every prefix and many byte flips of
// the golden images either parse or raise fwprov::Error.
#include <catch2/catch.hpp>

#include <random>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/image/describe.hpp"
#include "fwprov/image/image.hpp"
#include "fwprov/image/patch.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::image;

namespace {

void exercise(ByteView data) {
  try {
    const auto image = parse_image(data, "fuzz", false);
    (void)find_descriptions(data, image);
  } catch (const Error&) {
  }
  const auto result = patch_flash_params(data, 0x1000, FlashParams::parse("dio", "40m", "4MB"));
  CHECK(result.bytes.size() >= data.size());
}

}  // namespace

TEST_CASE("truncated and bit-flipped images are handled without crashing") {
  const Bytes original = read_file(test::golden("image/bootloader_sha/image.bin"));
  for (std::size_t length = 0; length <= original.size(); length += 7) exercise(ByteView(original).first(length));
  std::mt19937 random(12345);
  for (int round = 0; round < 300; ++round) {
    Bytes damaged = original;
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < flips; ++i) damaged[random() % 64] = static_cast<std::uint8_t>(random());
    exercise(damaged);
  }
}
