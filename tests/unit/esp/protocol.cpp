#include <catch2/catch.hpp>

#include "fwprov/esp/protocol.hpp"

using namespace fwprov;
using namespace fwprov::esp;

TEST_CASE("request packet layout: direction, opcode, size, checksum, data") {
  Bytes packet = encode_request(op::ReadReg, words_payload({0x40001000}));
  CHECK(packet == Bytes{0x00, 0x0A, 0x04, 0x00, 0, 0, 0, 0, 0x00, 0x10, 0x00, 0x40});
  auto request = decode_request(packet);
  REQUIRE(request);
  CHECK(request->opcode == op::ReadReg);
  CHECK(payload_word(request->data, 0) == 0x40001000u);
  CHECK_FALSE(payload_word(request->data, 1));
}

TEST_CASE("observed ESP32 ROM READ_REG reply decodes") {
  // 01 0a 0400 831df000 00000000 (fact sheet §3)
  Bytes packet{0x01, 0x0A, 0x04, 0x00, 0x83, 0x1D, 0xF0, 0x00, 0, 0, 0, 0};
  auto response = decode_response(packet);
  REQUIRE(response);
  CHECK(response->value == 0x00F01D83u);
  auto status = parse_status(Personality::Rom, response->data);
  REQUIRE(status);
  CHECK_FALSE(status->failed);
}

TEST_CASE("malformed packets are rejected with a reason") {
  PacketError why{};
  CHECK_FALSE(decode_response(Bytes{0x01, 0x0A, 0x00}, &why));
  CHECK(why == PacketError::TooShort);
  CHECK_FALSE(decode_response(Bytes{0x00, 0x0A, 0, 0, 0, 0, 0, 0}, &why));
  CHECK(why == PacketError::WrongDirection);
  CHECK_FALSE(decode_response(Bytes{0x01, 0x0A, 0x05, 0, 0, 0, 0, 0, 1, 2}, &why));
  CHECK(why == PacketError::SizeMismatch);
  CHECK_FALSE(decode_request(Bytes{0x01, 0x08, 0, 0, 0, 0, 0, 0}, &why));
  CHECK(why == PacketError::WrongDirection);
  CHECK(decode_request(Bytes{0x00, 0x08, 0, 0, 0, 0, 0, 0}, &why));
  CHECK(why == PacketError::None);
}

TEST_CASE("data checksum is 0xEF xor the block bytes") {
  CHECK(data_checksum({}) == 0xEF);
  CHECK(data_checksum(Bytes{0xEF}) == 0x00);
  CHECK(data_checksum(Bytes{0x01, 0x02, 0x04}) == (0xEF ^ 0x07));
}

TEST_CASE("data block header and parse") {
  Bytes block{1, 2, 3};
  Bytes data = data_block_payload(block, 7);
  REQUIRE(data.size() == 19);
  auto parsed = parse_data_block(data);
  REQUIRE(parsed);
  CHECK(parsed->length == 3);
  CHECK(parsed->sequence == 7);
  CHECK(Bytes(parsed->bytes.begin(), parsed->bytes.end()) == block);
  data.pop_back();  // length field now lies
  CHECK_FALSE(parse_data_block(data));
  CHECK_FALSE(parse_data_block(Bytes(10, 0)));
}

TEST_CASE("status bytes differ between ROM and stub") {
  CHECK(make_status(Personality::Rom, 0) == Bytes{0, 0, 0, 0});
  CHECK(make_status(Personality::Rom, 0x07) == Bytes{1, 7, 0, 0});
  CHECK(make_status(Personality::Stub, 0) == Bytes{0, 0});
  CHECK(make_status(Personality::Stub, 0xC1) == Bytes{0xC1, 0});
  auto rom = parse_status(Personality::Rom, Bytes{0xAA, 0xBB, 1, 5, 0, 0});
  REQUIRE(rom);
  CHECK(rom->failed);
  CHECK(rom->code == 0x05);
  auto stub = parse_status(Personality::Stub, Bytes{0xC1, 0});
  REQUIRE(stub);
  CHECK(stub->failed);
  CHECK(stub->code == 0xC1);
  CHECK_FALSE(parse_status(Personality::Rom, Bytes{0, 0}));
  CHECK(describe_status(Personality::Rom, *rom) == "ROM error 0x05: invalid message or unsupported command");
  CHECK(describe_status(Personality::Stub, *stub) == "stub error 0xC1: data checksum mismatch");
}

TEST_CASE("SYNC payload and SPI payload sizes") {
  Bytes sync = sync_payload();
  REQUIRE(sync.size() == 36);
  CHECK(sync[0] == 0x07);
  CHECK(sync[3] == 0x20);
  CHECK(sync[35] == 0x55);
  CHECK(is_sync_payload(sync));
  sync[10] = 0;
  CHECK_FALSE(is_sync_payload(sync));
  CHECK(spi_attach_payload(Personality::Rom).size() == 8);
  CHECK(spi_attach_payload(Personality::Stub).size() == 4);
  CHECK(spi_set_params_payload(4 << 20).size() == 24);
  CHECK(payload_word(spi_set_params_payload(4 << 20), 1) == (4u << 20));
}

TEST_CASE("opcode names") {
  CHECK(opcode_name(op::FlashDeflData) == "FLASH_DEFL_DATA");
  CHECK(opcode_name(0x42) == "0x42");
  CHECK(is_stub_only(op::ReadFlash));
  CHECK_FALSE(is_stub_only(op::SpiFlashMd5));
}
