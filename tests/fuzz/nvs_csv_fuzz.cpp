// The NVS CSV front end of `nvs generate`: key,type,encoding,value rows.
#include "fuzz_support.hpp"
#include "fwprov/nvs/csv_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fwprov::fuzz::expect_clean([&] { (void)fwprov::nvs::parse_input_csv(fwprov::fuzz::text(data, size), "fuzz.csv"); });
  return 0;
}
