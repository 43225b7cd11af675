// Flasher stub JSON (esptool / esptool-js format, --stub): Input errors naming the field.
#include "fuzz_support.hpp"
#include "fwprov/esp/stub.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  fuzz::expect_kinds({ErrorKind::Input}, [&] {
    auto stub = esp::parse_stub_json(fuzz::text(data, size), "stubs/fuzz.json");
    fuzz::require(!stub.text.empty() && stub.entry != 0, "a loaded stub has code and an entry point");
    esp::check_stub_load_address(stub, 0x400BE000, "ESP32");
  });
  return 0;
}
