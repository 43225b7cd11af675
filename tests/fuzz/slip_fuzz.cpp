// The serial link as both ends see it: SLIP frames, then each frame decoded as a request (the
// simulator's side) and as a response (fwprov's side).
#include "fuzz_support.hpp"
#include "fwprov/esp/protocol.hpp"
#include "fwprov/esp/slip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  fuzz::expect_clean([&] {
    esp::SlipDecoder decoder(4096);
    std::vector<esp::SlipFrame> frames;
    // Fed in two pieces: a frame split across reads must decode the same.
    std::size_t half = size / 2;
    decoder.feed(fuzz::bytes(data, half), frames);
    decoder.feed(fuzz::bytes(data + half, size - half), frames);
    for (const auto& frame : frames) {
      (void)esp::decode_request(frame.data);
      (void)esp::decode_response(frame.data);
      (void)esp::slip_encode(frame.data);
    }
  });
  return 0;
}
