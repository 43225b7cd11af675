#pragma once
// Byte buffers shared by every library: owned bytes and read-only views.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fwprov {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

Bytes to_bytes(std::string_view text);
std::string_view as_chars(ByteView bytes);

void append(Bytes& out, ByteView more);
void append_u16le(Bytes& out, std::uint16_t value);
void append_u32le(Bytes& out, std::uint32_t value);
std::uint16_t load_u16le(const std::uint8_t* p);
std::uint32_t load_u32le(const std::uint8_t* p);
void store_u16le(std::uint8_t* p, std::uint16_t value);
void store_u32le(std::uint8_t* p, std::uint32_t value);

}  // namespace fwprov
