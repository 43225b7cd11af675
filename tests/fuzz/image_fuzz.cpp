// ESP app and bootloader images as `image info` and `image patch` parse them.
#include "fuzz_support.hpp"
#include "fwprov/image/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fwprov::fuzz::expect_clean([&] {
    auto image = fwprov::image::parse_image(fwprov::fuzz::bytes(data, size), "fuzz", /*limit_segments=*/false);
    (void)image.image_end();
  });
  return 0;
}
