// mfg's config and values CSV files: the input is split at its first NUL byte into the two.
#include "fuzz_support.hpp"
#include "fwprov/nvs/mfg.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto all = fwprov::fuzz::text(data, size);
  auto split = all.find('\0');
  auto config = all.substr(0, split);
  auto values = split == std::string_view::npos ? std::string_view{} : all.substr(split + 1);
  fwprov::fuzz::expect_clean([&] { (void)fwprov::nvs::parse_mfg_input(config, "config.csv", values, "values.csv"); });
  return 0;
}
