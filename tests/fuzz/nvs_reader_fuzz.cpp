// NVS partition images as a device or a user hands them to `nvs decode` / `nvs check`.
#include "fuzz_support.hpp"
#include "fwprov/nvs/reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fwprov::fuzz::expect_clean([&] {
    auto decoded = fwprov::nvs::read_image(fwprov::fuzz::bytes(data, size));
    auto problems = fwprov::nvs::check_image(decoded);
    for (const auto& item : decoded.items)
      if (item.is_integer()) (void)item.signed_value();
    (void)problems;
  });
  return 0;
}
