// Signature formats a user hands to `verify`: AWS OTA JSON (customCodeSigning or a job
// document) and secure boot v2 signature blocks.
#include "fuzz_support.hpp"
#include "fwprov/sign/aws_ota.hpp"
#include "fwprov/sign/espsecure.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  fuzz::expect_clean([&] { (void)sign::aws::extract_signature(std::string(fuzz::text(data, size)), "fuzz.json"); });
  fuzz::expect_clean([&] { (void)sign::espsecure::sbv2_read_blocks(fuzz::bytes(data, size), "fuzz.bin"); });
  return 0;
}
