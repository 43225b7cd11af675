#pragma once
// Text encodings of bytes: hex and base64.
#include <optional>
#include <string>
#include <string_view>

#include "fwprov/core/bytes.hpp"

namespace fwprov {

std::string to_hex(ByteView bytes);                       // lowercase, no separators
std::optional<Bytes> from_hex(std::string_view text);      // even length, [0-9a-fA-F] only

std::string to_base64(ByteView bytes);                     // standard alphabet, padded, one line

struct Base64Decoded {
  Bytes bytes;
  bool had_junk = false;  // characters outside the alphabet were skipped (lenient mode only)
};
// Strict: only the alphabet and correct padding. Lenient: skips non-alphabet characters
// the way Python's base64.b64decode(validate=False) does. nullopt when undecodable.
std::optional<Base64Decoded> from_base64(std::string_view text, bool lenient = false);

}  // namespace fwprov
