// The PEM/DER loader behind inspect, convert, csr, ca, sign and verify.
#include "fuzz_support.hpp"
#include "fwprov/pki/inspect.hpp"
#include "fwprov/pki/pki_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  fuzz::expect_clean([&] {
    auto file = pki::read_pki(fuzz::bytes(data, size), "fuzz");
    (void)pki::describe(file, 0);
  });
  fuzz::expect_clean([&] { (void)pki::encrypted_key_form(fuzz::bytes(data, size)); });
  return 0;
}
