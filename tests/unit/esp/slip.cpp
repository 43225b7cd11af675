#include <catch2/catch.hpp>

#include "fwprov/esp/slip.hpp"

using namespace fwprov;
using namespace fwprov::esp;

namespace {
std::vector<SlipFrame> decode_all(ByteView wire, SlipDecoder& decoder) {
  std::vector<SlipFrame> frames;
  decoder.feed(wire, frames);
  return frames;
}
}  // namespace

TEST_CASE("SLIP escapes only C0 and DB, framed by C0") {
  Bytes payload{0x01, 0xC0, 0x02, 0xDB, 0xDC, 0xDD};
  Bytes wire = slip_encode(payload);
  CHECK(wire == Bytes{0xC0, 0x01, 0xDB, 0xDC, 0x02, 0xDB, 0xDD, 0xDC, 0xDD, 0xC0});
}

TEST_CASE("SLIP round trip of every byte value, fed one byte at a time") {
  Bytes payload;
  for (int i = 0; i < 256; ++i) payload.push_back(static_cast<std::uint8_t>(i));
  Bytes wire = slip_encode(payload);
  SlipDecoder decoder;
  std::vector<SlipFrame> frames;
  for (std::uint8_t byte : wire) decoder.feed(ByteView(&byte, 1), frames);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].fault == SlipFault::None);
  CHECK(frames[0].data == payload);
}

TEST_CASE("SLIP decoder skips a boot banner and empty frames") {
  Bytes wire = to_bytes("ets Jun  8 2016 00:22:57\r\nwaiting for download\r\n");
  slip_encode_into(wire, Bytes{0xAA});
  wire.push_back(0xC0);
  wire.push_back(0xC0);
  slip_encode_into(wire, Bytes{0xBB, 0xCC});
  SlipDecoder decoder;
  auto frames = decode_all(wire, decoder);
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].data == Bytes{0xAA});
  CHECK(frames[1].data == Bytes{0xBB, 0xCC});
  CHECK(decoder.garbage_bytes() == 48);
}

TEST_CASE("SLIP decoder reports a bad escape and recovers at the next frame") {
  Bytes wire{0xC0, 0x01, 0xDB, 0x42, 0x02, 0xC0};
  slip_encode_into(wire, Bytes{0x07});
  SlipDecoder decoder;
  auto frames = decode_all(wire, decoder);
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].fault == SlipFault::BadEscape);
  CHECK(frames[1].fault == SlipFault::None);
  CHECK(frames[1].data == Bytes{0x07});
}

TEST_CASE("SLIP decoder flags an oversized frame and keeps the start") {
  SlipDecoder decoder(4);
  auto frames = decode_all(slip_encode(Bytes{1, 2, 3, 4, 5, 6}), decoder);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].fault == SlipFault::TooLong);
  CHECK(frames[0].data == Bytes{1, 2, 3, 4});
}

TEST_CASE("SLIP decoder joining mid-frame gets back in step") {
  // The reader missed the first C0: the payload bytes before the end marker are garbage,
  // the end marker opens a "frame" that the next frame's start marker leaves empty.
  Bytes wire{0x11, 0x22, 0xC0};
  slip_encode_into(wire, Bytes{0x33});
  SlipDecoder decoder;
  auto frames = decode_all(wire, decoder);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].data == Bytes{0x33});
}

TEST_CASE("SLIP escape split across two feeds") {
  SlipDecoder decoder;
  std::vector<SlipFrame> frames;
  decoder.feed(Bytes{0xC0, 0x05, 0xDB}, frames);
  CHECK(frames.empty());
  decoder.feed(Bytes{0xDC, 0xC0}, frames);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].data == Bytes{0x05, 0xC0});
}
