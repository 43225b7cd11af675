#include <catch2/catch.hpp>

#include <zlib.h>

#include <random>
#include <thread>

#include "fwprov/esp/deflate_stream.hpp"
#include "fwprov/esp/loader.hpp"

using namespace fwprov;
using namespace fwprov::esp;

namespace {

// Half random, half repetitive: several deflate blocks, and an output that grows in steps.
Bytes sample_image(std::size_t size) {
  Bytes image(size);
  std::mt19937 rng(7);
  for (std::size_t i = 0; i < size; ++i) image[i] = (i / 4096) % 2 ? static_cast<std::uint8_t>(rng()) : static_cast<std::uint8_t>(i % 61);
  return image;
}

Bytes inflate_all(ByteView compressed) {
  z_stream z{};
  REQUIRE(inflateInit(&z) == Z_OK);
  Bytes out(1 << 22);
  z.next_in = const_cast<Bytef*>(compressed.data());
  z.avail_in = static_cast<uInt>(compressed.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  inflateEnd(&z);
  REQUIRE(rc == Z_STREAM_END);
  return out;
}

}  // namespace

TEST_CASE("DeflateStream yields deflate_image of the 4-byte-padded image") {
  Bytes image = sample_image(300001);  // not a multiple of 4
  Bytes padded = image;
  padded.resize(300004, 0xFF);
  DeflateStream stream(image);
  CHECK(stream.input_size() == padded.size());
  Bytes all = stream.all();
  CHECK(all == deflate_image(padded));
  CHECK(stream.complete());
  CHECK(stream.total() == all.size());
  CHECK(stream.bound() >= all.size());
  CHECK(inflate_all(all) == padded);
  CHECK(stream.expansion() > 1.0);
}

TEST_CASE("DeflateStream reads whole blocks, a short one only at the end, then nothing") {
  Bytes image = sample_image(200000);
  DeflateStream stream(image);
  const std::size_t block = 0x1000;
  Bytes joined;
  for (std::size_t from = 0;; from += block) {
    Bytes part = stream.read(from, block);
    if (part.empty()) break;
    joined.insert(joined.end(), part.begin(), part.end());
    if (part.size() < block) {
      CHECK(stream.complete());
      CHECK(stream.read(from + part.size(), block).empty());
      break;
    }
  }
  CHECK(joined == stream.all());
}

TEST_CASE("several readers of one DeflateStream get the same bytes") {
  Bytes image = sample_image(500000);
  DeflateStream stream(image);
  Bytes a, b;
  auto reader = [&stream](Bytes& into) {
    for (std::size_t from = 0;; from += 0x4000) {
      Bytes part = stream.read(from, 0x4000);
      into.insert(into.end(), part.begin(), part.end());
      if (part.size() < 0x4000) return;
    }
  };
  std::thread first(reader, std::ref(a));
  reader(b);
  first.join();
  CHECK(a == b);
  CHECK(a == stream.all());
}

TEST_CASE("DeflateStream of an empty image is a valid empty zlib stream") {
  DeflateStream stream(ByteView{});
  CHECK(stream.input_size() == 0);
  CHECK(inflate_all(stream.all()).empty());
}
