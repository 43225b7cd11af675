#include <catch2/catch.hpp>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/secure_cert/partition.hpp"
#include "fwprov/secure_cert/tlv.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::secure_cert;

TEST_CASE("TLV CRC starts from 0, not 0xFFFFFFFF", "[secure_cert]") {
  CHECK(tlv_crc(to_bytes("123456789")) == 0xD202D277u);
}

TEST_CASE("TLV encoding: header, padding to 16, CRC, the reader gives it back", "[secure_cert]") {
  for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 100u}) {
    Tlv tlv{tlv_type::kUserData1, 3, 0, Bytes(n, 0xAB)};
    const Bytes encoded = encode_tlv(tlv);
    CHECK(encoded.size() % 16 == 0);
    CHECK(encoded.size() == tlv_size(n));
    CHECK(load_u32le(encoded.data()) == kTlvMagic);
    CHECK(encoded[8] == tlv_type::kUserData1);
    CHECK(encoded[9] == 3);
    CHECK(load_u16le(encoded.data() + 10) == n);
    const auto parsed = read_partition(encoded, "t");
    REQUIRE(parsed.tlvs.size() == 1);
    CHECK(parsed.tlvs[0].crc_ok);
    CHECK(parsed.tlvs[0].tlv.data == tlv.data);
    CHECK(parsed.end == encoded.size());
  }
  CHECK_THROWS_AS(encode_tlv(Tlv{51, 0, 0, Bytes(70000)}), Error);
}

TEST_CASE("the reader stops at the first position without the magic and refuses truncation", "[secure_cert]") {
  Bytes two = encode_tlv(Tlv{51, 0, 0, to_bytes("a")});
  append(two, encode_tlv(Tlv{52, 0, 0, to_bytes("b")}));
  Bytes with_tail = two;
  with_tail.insert(with_tail.end(), 64, 0xFF);
  CHECK(read_partition(with_tail, "t").tlvs.size() == 2);
  CHECK(read_partition(with_tail, "t").end == two.size());
  Bytes cut(two.begin(), two.end() - 4);
  CHECK_THROWS_AS(read_partition(cut, "t"), Error);
  Bytes bad = two;
  bad[13] ^= 1;
  CHECK_FALSE(read_partition(bad, "t").tlvs[0].crc_ok);
}

TEST_CASE("builder refuses more than 8 KiB", "[secure_cert]") {
  PartitionBuilder builder;
  builder.add(Tlv{51, 0, 0, Bytes(4000)});
  builder.add(Tlv{52, 0, 0, Bytes(4000)});
  CHECK_THROWS_AS(builder.add(Tlv{53, 0, 0, Bytes(200)}), Error);
  CHECK(builder.bytes().size() == 2 * tlv_size(4000));
}

TEST_CASE("append-integrity reproduces the golden case and counts subtypes up", "[secure_cert][golden]") {
  const Bytes input = read_file(test::golden("secure-cert/append_integrity/input.bin"));
  const Bytes expected = read_file(test::golden("secure-cert/append_integrity/expected.bin"));
  const auto once = append_integrity(input, "input.bin");
  CHECK(once.file == expected);
  const auto twice = append_integrity(once.file, "x");
  CHECK(twice.subtype == once.subtype + 1);
  CHECK(twice.tlv_offset == once.tlv_offset + 48);  // over the previous integrity TLV, not the marker
  Bytes current = twice.file;
  for (int i = twice.subtype + 1; i <= kMaxIntegritySubtype; ++i) current = append_integrity(current, "x").file;
  CHECK_THROWS_AS(append_integrity(current, "x"), Error);
  CHECK_THROWS_AS(append_integrity(Bytes(64, 0xFF), "x"), Error);
}
