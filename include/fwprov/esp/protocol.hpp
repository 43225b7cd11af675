#pragma once
// The ESP serial download protocol's one definition: opcodes, packet layout, data-block
// checksum, ROM and stub status formats, and the payloads of each command. fwprov's loader
// session and fwprov-sim both build and parse packets only through this header.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fwprov/core/bytes.hpp"

namespace fwprov::esp {

namespace op {
inline constexpr std::uint8_t FlashBegin = 0x02;
inline constexpr std::uint8_t FlashData = 0x03;
inline constexpr std::uint8_t FlashEnd = 0x04;
inline constexpr std::uint8_t MemBegin = 0x05;
inline constexpr std::uint8_t MemEnd = 0x06;
inline constexpr std::uint8_t MemData = 0x07;
inline constexpr std::uint8_t Sync = 0x08;
inline constexpr std::uint8_t WriteReg = 0x09;
inline constexpr std::uint8_t ReadReg = 0x0A;
inline constexpr std::uint8_t SpiSetParams = 0x0B;
inline constexpr std::uint8_t SpiAttach = 0x0D;
inline constexpr std::uint8_t ReadFlashSlow = 0x0E;
inline constexpr std::uint8_t ChangeBaudrate = 0x0F;
inline constexpr std::uint8_t FlashDeflBegin = 0x10;
inline constexpr std::uint8_t FlashDeflData = 0x11;
inline constexpr std::uint8_t FlashDeflEnd = 0x12;
inline constexpr std::uint8_t SpiFlashMd5 = 0x13;
inline constexpr std::uint8_t GetSecurityInfo = 0x14;
inline constexpr std::uint8_t EraseFlash = 0xD0;
inline constexpr std::uint8_t EraseRegion = 0xD1;
inline constexpr std::uint8_t ReadFlash = 0xD2;
inline constexpr std::uint8_t RunUserCode = 0xD3;
}  // namespace op

std::string opcode_name(std::uint8_t opcode);  // "FLASH_DEFL_DATA", or "0x42" when unknown
bool is_stub_only(std::uint8_t opcode);         // ERASE_FLASH, ERASE_REGION, READ_FLASH, RUN_USER_CODE

inline constexpr std::uint8_t kDirectionRequest = 0x00;
inline constexpr std::uint8_t kDirectionResponse = 0x01;
inline constexpr std::size_t kHeaderSize = 8;
inline constexpr std::size_t kDataHeaderSize = 16;  // *_DATA: length, sequence, 0, 0

// Block sizes the loaders use for writes and RAM uploads.
inline constexpr std::uint32_t kRomFlashBlock = 0x400;
inline constexpr std::uint32_t kStubFlashBlock = 0x4000;
inline constexpr std::uint32_t kRamBlock = 0x1800;
inline constexpr std::uint32_t kOtgBlock = 0x800;  // RAM and stub flash blocks over USB-OTG (S2, S3, P4)
inline constexpr std::uint32_t kSectorSize = 0x1000;

// Who is answering: the mask ROM (4 status bytes) or the RAM stub (2 status bytes).
enum class Personality { Rom, Stub };
std::size_t status_length(Personality who);

struct Request {
  std::uint8_t opcode = 0;
  std::uint32_t checksum = 0;
  Bytes data;
};

struct Response {
  std::uint8_t opcode = 0;
  std::uint32_t value = 0;
  Bytes data;  // payload followed by the status bytes
};

// Packets without SLIP framing.
Bytes encode_request(std::uint8_t opcode, ByteView data, std::uint32_t checksum = 0);
Bytes encode_response(std::uint8_t opcode, std::uint32_t value, ByteView data);

// Why a packet did not parse, for logs and tests.
enum class PacketError { None, TooShort, WrongDirection, SizeMismatch };
std::string_view packet_error_text(PacketError error);

std::optional<Request> decode_request(ByteView packet, PacketError* why = nullptr);
std::optional<Response> decode_response(ByteView packet, PacketError* why = nullptr);

// XOR of all bytes, seeded with 0xEF: the checksum of MEM_DATA/FLASH_DATA/FLASH_DEFL_DATA.
std::uint8_t data_checksum(ByteView data);

// The data field of a *_DATA request: 16-byte header + block.
Bytes data_block_payload(ByteView block, std::uint32_t sequence);
struct DataBlock {
  std::uint32_t length = 0;
  std::uint32_t sequence = 0;
  ByteView bytes;  // points into the request
};
// nullopt when the header is short or its length field disagrees with the bytes present.
std::optional<DataBlock> parse_data_block(ByteView data);

// Status bytes at the end of a response's data.
struct Status {
  bool failed = false;
  std::uint8_t code = 0;  // ROM: byte1; stub: byte0
};
// nullopt when the data is shorter than the personality's status length.
std::optional<Status> parse_status(Personality who, ByteView data);
Bytes make_status(Personality who, std::uint8_t error_code);  // 0 = success
std::string describe_status(Personality who, Status status);  // "ROM error 0x07: checksum mismatch"

// Error codes the loaders return (protocol fact sheet §3).
namespace rom_error {
inline constexpr std::uint8_t BadParameter = 0x01;
inline constexpr std::uint8_t InvalidMessage = 0x05;  // also: unsupported command
inline constexpr std::uint8_t ChecksumMismatch = 0x07;
inline constexpr std::uint8_t FlashReadError = 0x09;
inline constexpr std::uint8_t BadReadLength = 0x0A;
inline constexpr std::uint8_t InflateFailed = 0x0B;
}  // namespace rom_error
namespace stub_error {
inline constexpr std::uint8_t BadDataLength = 0xC0;
inline constexpr std::uint8_t BadChecksum = 0xC1;
inline constexpr std::uint8_t BadBlockSize = 0xC2;
inline constexpr std::uint8_t InvalidCommand = 0xC3;
inline constexpr std::uint8_t FailedSpiOp = 0xC4;
inline constexpr std::uint8_t NotInFlashMode = 0xC6;
inline constexpr std::uint8_t InflateError = 0xC7;
inline constexpr std::uint8_t NotEnoughData = 0xC8;
inline constexpr std::uint8_t TooMuchData = 0xC9;
inline constexpr std::uint8_t EraseUnalignedOffset = 0x32;
inline constexpr std::uint8_t EraseUnalignedLength = 0x33;
inline constexpr std::uint8_t NotImplemented = 0xFF;
}  // namespace stub_error

// --- payloads ----------------------------------------------------------------------------
Bytes sync_payload();                 // 07 07 12 20 + 32 x 55
bool is_sync_payload(ByteView data);
Bytes words_payload(std::initializer_list<std::uint32_t> words);
// Reads little-endian u32 number `index` of a payload; nullopt when it is not there.
std::optional<std::uint32_t> payload_word(ByteView data, std::size_t index);

inline constexpr std::array<std::uint8_t, 4> kStubGreeting = {'O', 'H', 'A', 'I'};

// SPI_ATTACH: 8 bytes to the ROM, 4 to the stub.
Bytes spi_attach_payload(Personality who, std::uint32_t pin_config = 0);
// SPI_SET_PARAMS for a flash of `total_size` bytes with the usual geometry.
Bytes spi_set_params_payload(std::uint32_t total_size);

}  // namespace fwprov::esp
