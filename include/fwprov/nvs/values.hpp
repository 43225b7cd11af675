#pragma once
// The reference's per-value encoding rules (nvs_partition_gen.py), usable without a CSV file:
// how a row's encoding and value text (or file content) become an integer, a string or a blob.
// Both `nvs generate` and the mfg batch convert every value through convert_value().
#include <cstdint>
#include <string>
#include <string_view>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/utf8.hpp"
#include "fwprov/core/diagnostics.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/nvs/format.hpp"

namespace fwprov::nvs {

struct ConvertedValue {
  enum class Kind { Integer, String, Blob };
  Kind kind = Kind::Blob;
  ItemType integer_type = ItemType::Any;  // Integer only
  std::uint64_t integer_bits = 0;         // Integer only: two's complement bits
  Bytes bytes;                            // String (incl. NUL unless a quirk says otherwise) or Blob
};

// Where the value came from, so errors and warnings can name line, column and key.
struct ValueContext {
  SourceLocation value_at;     // the value column of the row
  SourceLocation encoding_at;  // the encoding column of the row
  std::string key;
  Warnings* warnings = nullptr;  // may be null: warnings are then dropped
};

// Encodings (matched case-sensitively for conversion, case-insensitively for the entry kind,
// exactly like the reference):
//   u8 i8 u16 i16 u32 i32 u64 i64  decimal text as Python int() reads it (whitespace, sign,
//                                   leading zeros, single '_' between digits; warns on '_')
//   string    UTF-8 text + NUL            binary   raw bytes (inline text must be ASCII)
//   hex2bin   hex digit pairs, surrounding whitespace ignored
//   base64    lenient like Python's binascii.a2b_base64 (warns on skipped junk / trailing text)
//   blob_fill(N;0xPP), blob_sz_fill(N;0xPP)   text padded with PP to N bytes (sz: u32 length first)
//   STRING / HEX2BIN / BASE64 (any other capitalisation): stored undecoded, no NUL (warns)
// `value` is a data row's text or a file row's content (`from_file`). Throws Input errors.
ConvertedValue convert_value(std::string_view encoding, std::string_view value, bool from_file, const ValueContext& context);

// Python int() on decimal text. nullopt when not a decimal integer; `out_of_range` set when
// it is one but does not fit 64 bits (signed or unsigned). `had_underscore` reports '_'.
struct ParsedInteger {
  bool negative = false;
  std::uint64_t magnitude = 0;
  bool had_underscore = false;
  bool too_large = false;
};
std::optional<ParsedInteger> parse_python_decimal(std::string_view text);
// Range check for an integer type; returns the bits to store or nullopt when out of range.
std::optional<std::uint64_t> fit_integer(const ParsedInteger& value, ItemType type);
// "0..255", "-128..127", ...
std::string integer_range_text(ItemType type);

// Python's binascii.a2b_base64 in its default (non-strict) mode.
struct LenientBase64 {
  Bytes bytes;
  bool ok = false;              // false: "Incorrect padding" / lone trailing symbol
  bool skipped_junk = false;    // non-alphabet characters other than whitespace were skipped
  bool ignored_tail = false;    // non-whitespace text after the closing padding was ignored
};
LenientBase64 decode_base64_like_python(std::string_view text);

using fwprov::is_valid_utf8;  // fwprov/core/utf8.hpp
bool is_ascii(std::string_view text);

}  // namespace fwprov::nvs
