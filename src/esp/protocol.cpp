#include "fwprov/esp/protocol.hpp"

#include <fmt/core.h>

namespace fwprov::esp {

std::string opcode_name(std::uint8_t opcode) {
  switch (opcode) {
    case op::FlashBegin: return "FLASH_BEGIN";
    case op::FlashData: return "FLASH_DATA";
    case op::FlashEnd: return "FLASH_END";
    case op::MemBegin: return "MEM_BEGIN";
    case op::MemEnd: return "MEM_END";
    case op::MemData: return "MEM_DATA";
    case op::Sync: return "SYNC";
    case op::WriteReg: return "WRITE_REG";
    case op::ReadReg: return "READ_REG";
    case op::SpiSetParams: return "SPI_SET_PARAMS";
    case op::SpiAttach: return "SPI_ATTACH";
    case op::ReadFlashSlow: return "READ_FLASH_SLOW";
    case op::ChangeBaudrate: return "CHANGE_BAUDRATE";
    case op::FlashDeflBegin: return "FLASH_DEFL_BEGIN";
    case op::FlashDeflData: return "FLASH_DEFL_DATA";
    case op::FlashDeflEnd: return "FLASH_DEFL_END";
    case op::SpiFlashMd5: return "SPI_FLASH_MD5";
    case op::GetSecurityInfo: return "GET_SECURITY_INFO";
    case op::EraseFlash: return "ERASE_FLASH";
    case op::EraseRegion: return "ERASE_REGION";
    case op::ReadFlash: return "READ_FLASH";
    case op::RunUserCode: return "RUN_USER_CODE";
    default: return fmt::format("0x{:02X}", opcode);
  }
}

bool is_stub_only(std::uint8_t opcode) {
  return opcode == op::EraseFlash || opcode == op::EraseRegion || opcode == op::ReadFlash || opcode == op::RunUserCode;
}

std::size_t status_length(Personality who) { return who == Personality::Rom ? 4 : 2; }

Bytes encode_request(std::uint8_t opcode, ByteView data, std::uint32_t checksum) {
  Bytes packet;
  packet.reserve(kHeaderSize + data.size());
  packet.push_back(kDirectionRequest);
  packet.push_back(opcode);
  append_u16le(packet, static_cast<std::uint16_t>(data.size()));
  append_u32le(packet, checksum);
  append(packet, data);
  return packet;
}

Bytes encode_response(std::uint8_t opcode, std::uint32_t value, ByteView data) {
  Bytes packet;
  packet.reserve(kHeaderSize + data.size());
  packet.push_back(kDirectionResponse);
  packet.push_back(opcode);
  append_u16le(packet, static_cast<std::uint16_t>(data.size()));
  append_u32le(packet, value);
  append(packet, data);
  return packet;
}

std::string_view packet_error_text(PacketError error) {
  switch (error) {
    case PacketError::None: return "ok";
    case PacketError::TooShort: return "shorter than the 8-byte header";
    case PacketError::WrongDirection: return "wrong direction byte";
    case PacketError::SizeMismatch: return "size field disagrees with the packet length";
  }
  return "?";
}

namespace {

// Common header checks; returns the data size or nullopt.
std::optional<std::size_t> check_header(ByteView packet, std::uint8_t direction, PacketError* why) {
  auto fail = [why](PacketError error) -> std::optional<std::size_t> {
    if (why) *why = error;
    return std::nullopt;
  };
  if (packet.size() < kHeaderSize) return fail(PacketError::TooShort);
  if (packet[0] != direction) return fail(PacketError::WrongDirection);
  std::size_t size = load_u16le(packet.data() + 2);
  if (size != packet.size() - kHeaderSize) return fail(PacketError::SizeMismatch);
  if (why) *why = PacketError::None;
  return size;
}

}  // namespace

std::optional<Request> decode_request(ByteView packet, PacketError* why) {
  if (!check_header(packet, kDirectionRequest, why)) return std::nullopt;
  Request request;
  request.opcode = packet[1];
  request.checksum = load_u32le(packet.data() + 4);
  request.data.assign(packet.begin() + kHeaderSize, packet.end());
  return request;
}

std::optional<Response> decode_response(ByteView packet, PacketError* why) {
  if (!check_header(packet, kDirectionResponse, why)) return std::nullopt;
  Response response;
  response.opcode = packet[1];
  response.value = load_u32le(packet.data() + 4);
  response.data.assign(packet.begin() + kHeaderSize, packet.end());
  return response;
}

std::uint8_t data_checksum(ByteView data) {
  std::uint8_t sum = 0xEF;
  for (std::uint8_t byte : data) sum ^= byte;
  return sum;
}

Bytes data_block_payload(ByteView block, std::uint32_t sequence) {
  Bytes data;
  data.reserve(kDataHeaderSize + block.size());
  append_u32le(data, static_cast<std::uint32_t>(block.size()));
  append_u32le(data, sequence);
  append_u32le(data, 0);
  append_u32le(data, 0);
  append(data, block);
  return data;
}

std::optional<DataBlock> parse_data_block(ByteView data) {
  if (data.size() < kDataHeaderSize) return std::nullopt;
  DataBlock block;
  block.length = load_u32le(data.data());
  block.sequence = load_u32le(data.data() + 4);
  if (block.length != data.size() - kDataHeaderSize) return std::nullopt;
  block.bytes = data.subspan(kDataHeaderSize);
  return block;
}

std::optional<Status> parse_status(Personality who, ByteView data) {
  std::size_t length = status_length(who);
  if (data.size() < length) return std::nullopt;
  const std::uint8_t* status = data.data() + data.size() - length;
  Status result;
  result.failed = status[0] != 0;
  result.code = who == Personality::Rom ? status[1] : status[0];
  return result;
}

Bytes make_status(Personality who, std::uint8_t error_code) {
  if (who == Personality::Rom) {
    if (error_code == 0) return Bytes{0, 0, 0, 0};
    return Bytes{1, error_code, 0, 0};
  }
  return Bytes{error_code, 0};
}

namespace {

std::string_view rom_error_text(std::uint8_t code) {
  switch (code) {
    case 0x01: return "bad parameter";
    case 0x02: return "out of memory";
    case 0x03: return "send failed";
    case 0x04: return "receive failed";
    case 0x05: return "invalid message or unsupported command";
    case 0x06: return "operation result wrong";
    case 0x07: return "checksum mismatch";
    case 0x08: return "flash write verify error";
    case 0x09: return "flash read error";
    case 0x0A: return "bad read length";
    case 0x0B: return "inflate failed";
    case 0x0C: return "inflate Adler-32 mismatch";
    case 0x0D: return "inflate parameter error";
    case 0x0E: return "RAM image size invalid";
    case 0x0F: return "RAM image address invalid";
    default: return "unknown error";
  }
}

std::string_view stub_error_text(std::uint8_t code) {
  switch (code) {
    case 0xC0: return "wrong data length";
    case 0xC1: return "data checksum mismatch";
    case 0xC2: return "block size too large";
    case 0xC3: return "invalid command";
    case 0xC4: return "SPI flash operation failed";
    case 0xC5: return "SPI unlock failed";
    case 0xC6: return "not in flash mode";
    case 0xC7: return "inflate error";
    case 0xC8: return "not enough data";
    case 0xC9: return "too much data";
    case 0x32: return "erase offset not sector aligned";
    case 0x33: return "erase length not sector aligned";
    case 0x63: return "flash read failed during MD5";
    case 0xFF: return "command not implemented";
    default: return "unknown error";
  }
}

}  // namespace

std::string describe_status(Personality who, Status status) {
  if (!status.failed) return "ok";
  if (who == Personality::Rom) return fmt::format("ROM error 0x{:02X}: {}", status.code, rom_error_text(status.code));
  return fmt::format("stub error 0x{:02X}: {}", status.code, stub_error_text(status.code));
}

Bytes sync_payload() {
  Bytes data(36, 0x55);  // filled first: GCC 12 -O3 misreads insert() after a braced init
  data[0] = 0x07;
  data[1] = 0x07;
  data[2] = 0x12;
  data[3] = 0x20;
  return data;
}

bool is_sync_payload(ByteView data) {
  Bytes expected = sync_payload();
  return data.size() == expected.size() && std::equal(data.begin(), data.end(), expected.begin());
}

Bytes words_payload(std::initializer_list<std::uint32_t> words) {
  Bytes data;
  data.reserve(words.size() * 4);
  for (std::uint32_t word : words) append_u32le(data, word);
  return data;
}

std::optional<std::uint32_t> payload_word(ByteView data, std::size_t index) {
  if (data.size() < (index + 1) * 4) return std::nullopt;
  return load_u32le(data.data() + index * 4);
}

Bytes spi_attach_payload(Personality who, std::uint32_t pin_config) {
  if (who == Personality::Rom) return words_payload({pin_config, 0});
  return words_payload({pin_config});
}

Bytes spi_set_params_payload(std::uint32_t total_size) {
  return words_payload({0, total_size, 0x10000, 0x1000, 0x100, 0xFFFF});
}

}  // namespace fwprov::esp
