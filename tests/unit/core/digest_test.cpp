#include <catch2/catch.hpp>

#include <fstream>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "test_support.hpp"

using namespace fwprov;

TEST_CASE("sha256 and md5 match FIPS/RFC test vectors") {
  CHECK(to_hex(sha256(to_bytes("abc"))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(to_hex(md5(to_bytes("abc"))) == "900150983cd24fb0d6963f7d28e17f72");
}

TEST_CASE("streaming digest of a file equals the one-shot digest") {
  auto dir = test::scratch("digest");
  Bytes data(200000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
  std::ofstream(dir / "f.bin", std::ios::binary).write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  CHECK(sha256_file(dir / "f.bin") == sha256(data));
  Digester md5_stream(DigestAlgorithm::Md5);
  md5_stream.update(ByteView(data).first(1000));
  md5_stream.update(ByteView(data).subspan(1000));
  auto streamed = md5_stream.finish();
  auto one_shot = md5(data);
  CHECK(streamed == Bytes(one_shot.begin(), one_shot.end()));
}
