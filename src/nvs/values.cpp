#include "fwprov/nvs/values.hpp"

#include <array>
#include <charconv>

namespace fwprov::nvs {
namespace {

bool is_python_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view strip(std::string_view text) {
  while (!text.empty() && is_python_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_python_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string shown(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out(text.substr(0, kMax));
  if (text.size() > kMax) out += "...";
  return "'" + out + "'";
}

[[noreturn]] void fail(const SourceLocation& where, const std::string& key, const std::string& message) {
  throw Error(ErrorKind::Input, where, "key '" + key + "': " + message);
}

void warn(const ValueContext& context, const SourceLocation& where, const std::string& message) {
  if (context.warnings != nullptr) context.warnings->warn(where, "key '" + context.key + "': " + message);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Bytes decode_hex(std::string_view value, const ValueContext& context) {
  std::string_view text = strip(value);
  if (text.size() % 2 != 0)
    fail(context.value_at, context.key, "hex2bin value has an odd number of digits (" + std::to_string(text.size()) + ")");
  Bytes out(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_digit(text[i]);
    int lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) {
      std::size_t bad = hi < 0 ? i : i + 1;
      fail(context.value_at, context.key, "hex2bin value has a non-hex character " + shown(text.substr(bad, 1)) + " at position " + std::to_string(bad + 1));
    }
    out[i / 2] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

struct FillEncoding {
  bool with_size = false;
  std::size_t length = 0;
  std::uint8_t pad = 0;
};

// re.match(r'(blob_fill|blob_sz_fill)\((\d+);(0x[0-9a-fA-F]{2})\)', encoding): anchored at
// the start only, like the reference.
std::optional<FillEncoding> parse_fill_encoding(std::string_view encoding) {
  FillEncoding fill;
  std::string_view rest = encoding;
  if (rest.starts_with("blob_sz_fill(")) {
    fill.with_size = true;
    rest.remove_prefix(13);
  } else if (rest.starts_with("blob_fill(")) {
    rest.remove_prefix(10);
  } else {
    return std::nullopt;
  }
  std::size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  std::from_chars(rest.data(), rest.data() + digits, fill.length);
  rest.remove_prefix(digits);
  if (rest.size() < 6 || rest[0] != ';' || rest[1] != '0' || rest[2] != 'x') return std::nullopt;
  int hi = hex_digit(rest[3]);
  int lo = hex_digit(rest[4]);
  if (hi < 0 || lo < 0 || rest[5] != ')') return std::nullopt;
  fill.pad = static_cast<std::uint8_t>(hi << 4 | lo);
  return fill;
}

constexpr std::size_t kMaxFillLength = 16u << 20;

}  // namespace

bool is_ascii(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}


std::optional<ParsedInteger> parse_python_decimal(std::string_view text) {
  text = strip(text);
  ParsedInteger result;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    result.negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  bool previous_was_digit = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_') {
      // A single underscore, only between digits.
      if (!previous_was_digit || i + 1 >= text.size() || text[i + 1] < '0' || text[i + 1] > '9') return std::nullopt;
      result.had_underscore = true;
      previous_was_digit = false;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    previous_was_digit = true;
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (result.magnitude > (UINT64_MAX - digit) / 10) result.too_large = true;
    else result.magnitude = result.magnitude * 10 + digit;
  }
  return result;
}

std::optional<std::uint64_t> fit_integer(const ParsedInteger& value, ItemType type) {
  if (value.too_large) return std::nullopt;
  std::size_t bits = integer_width(type) * 8;
  if (is_signed_integer(type)) {
    std::uint64_t max_positive = (std::uint64_t{1} << (bits - 1)) - 1;
    if (!value.negative) {
      if (value.magnitude > max_positive) return std::nullopt;
      return value.magnitude;
    }
    if (value.magnitude > max_positive + 1) return std::nullopt;
    return ~value.magnitude + 1;  // two's complement
  }
  if (value.negative && value.magnitude != 0) return std::nullopt;
  std::uint64_t max = bits == 64 ? UINT64_MAX : (std::uint64_t{1} << bits) - 1;
  if (value.magnitude > max) return std::nullopt;
  return value.magnitude;
}

std::string integer_range_text(ItemType type) {
  std::size_t bits = integer_width(type) * 8;
  if (is_signed_integer(type)) {
    std::uint64_t max = (std::uint64_t{1} << (bits - 1)) - 1;
    return "-" + std::to_string(max + 1) + ".." + std::to_string(max);
  }
  return "0.." + std::to_string(bits == 64 ? UINT64_MAX : (std::uint64_t{1} << bits) - 1);
}

LenientBase64 decode_base64_like_python(std::string_view text) {
  static constexpr auto kValues = [] {
    std::array<int, 256> table{};
    for (auto& v : table) v = -1;
    constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
    return table;
  }();
  LenientBase64 result;
  result.bytes.reserve(text.size() / 4 * 3 + 3);
  std::uint32_t left = 0;
  int quad = 0;
  int pads = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '=') {
      if (quad >= 2 && quad + ++pads >= 4) {
        for (std::size_t k = i + 1; k < text.size(); ++k)
          if (!is_python_space(text[k])) result.ignored_tail = true;
        result.ok = true;
        return result;
      }
      continue;
    }
    int value = kValues[static_cast<unsigned char>(c)];
    if (value < 0) {
      if (!is_python_space(c)) result.skipped_junk = true;
      continue;
    }
    pads = 0;
    left = (left << 6) | static_cast<std::uint32_t>(value);
    ++quad;
    if (quad == 2) result.bytes.push_back(static_cast<std::uint8_t>(left >> 4));
    else if (quad == 3) result.bytes.push_back(static_cast<std::uint8_t>(left >> 2));
    else if (quad == 4) {
      result.bytes.push_back(static_cast<std::uint8_t>(left));
      quad = 0;
      left = 0;
    }
    left &= 0xFF;  // only the bits not yet emitted matter
  }
  result.ok = quad == 0;
  return result;
}

ConvertedValue convert_value(std::string_view encoding, std::string_view value, bool from_file, const ValueContext& context) {
  ConvertedValue out;
  std::string lower(encoding);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);

  if (encoding.starts_with("blob_fill") || encoding.starts_with("blob_sz_fill")) {
    auto fill = parse_fill_encoding(encoding);
    if (!fill) fail(context.encoding_at, context.key, "encoding '" + std::string(encoding) + "' is not of the form blob_fill(N;0xPP) or blob_sz_fill(N;0xPP)");
    if (from_file) fail(context.encoding_at, context.key, std::string(encoding) + " needs the text in the value column (type data), not a file");
    if (fill->length > kMaxFillLength) fail(context.encoding_at, context.key, "fill length " + std::to_string(fill->length) + " is too large");
    if (value.size() > fill->length)
      fail(context.value_at, context.key, "value is " + std::to_string(value.size()) + " bytes, longer than the fill length " + std::to_string(fill->length));
    out.kind = ConvertedValue::Kind::Blob;
    out.bytes.reserve(fill->length + 4);
    if (fill->with_size) append_u32le(out.bytes, static_cast<std::uint32_t>(value.size()));
    out.bytes.insert(out.bytes.end(), value.begin(), value.end());
    out.bytes.resize(out.bytes.size() + fill->length - value.size(), fill->pad);
    return out;
  }

  if (auto type = integer_type_from_name(lower)) {
    auto parsed = parse_python_decimal(value);
    if (!parsed) fail(context.value_at, context.key, std::string(lower) + " value " + shown(value) + " is not a decimal integer");
    auto bits = fit_integer(*parsed, *type);
    if (!bits)
      fail(context.value_at, context.key, std::string(lower) + " value " + shown(strip(value)) + " is out of range (" + integer_range_text(*type) + ")");
    if (parsed->had_underscore) warn(context, context.value_at, "integer " + shown(strip(value)) + " uses '_' digit separators; read as " + (parsed->negative ? "-" : "") + std::to_string(parsed->magnitude));
    out.kind = ConvertedValue::Kind::Integer;
    out.integer_type = *type;
    out.integer_bits = *bits;
    return out;
  }

  bool is_string = lower == "string";
  bool is_blob = lower == "binary" || lower == "hex2bin" || lower == "base64";
  if (!is_string && !is_blob)
    throw Error(ErrorKind::Input, context.encoding_at,
                "key '" + context.key + "': unsupported encoding '" + std::string(encoding) +
                    "' (known: u8 i8 u16 i16 u32 i32 u64 i64 string hex2bin base64 binary blob_fill(N;0xPP) blob_sz_fill(N;0xPP))");
  out.kind = is_string ? ConvertedValue::Kind::String : ConvertedValue::Kind::Blob;

  if (encoding == "hex2bin") {
    out.bytes = decode_hex(value, context);
  } else if (encoding == "base64") {
    // binascii.a2b_base64 skips junk bytes, but refuses a str with non-ASCII characters
    // (ValueError): inline text crashes the reference, file bytes do not.
    if (!from_file && !is_ascii(value)) fail(context.value_at, context.key, "inline base64 value has non-ASCII characters (the reference crashes on them)");
    auto decoded = decode_base64_like_python(value);
    if (!decoded.ok) fail(context.value_at, context.key, "base64 value has incorrect padding or a truncated last group");
    if (decoded.skipped_junk) warn(context, context.value_at, "base64 value contains characters outside the base64 alphabet; they were skipped");
    if (decoded.ignored_tail) warn(context, context.value_at, "base64 value continues after its closing '=' padding; the rest was ignored");
    out.bytes = std::move(decoded.bytes);
  } else if (encoding == "string") {
    if (from_file && !is_valid_utf8(value)) fail(context.value_at, context.key, "file for a string value is not valid UTF-8");
    out.bytes.reserve(value.size() + 1);
    out.bytes.assign(value.begin(), value.end());
    out.bytes.push_back(0);
  } else {
    // binary, or a capitalised string/hex2bin/base64 that the reference stores undecoded.
    if (is_string && from_file)
      fail(context.encoding_at, context.key, "encoding '" + std::string(encoding) + "' cannot be used with a file row (the reference crashes); use 'string'");
    if (!from_file && lower != "string" && !is_ascii(value))
      fail(context.value_at, context.key, "inline " + std::string(encoding) + " text must be ASCII (the reference stores a wrong length for other text); use a file row");
    if (is_string) warn(context, context.encoding_at, "encoding '" + std::string(encoding) + "' stores the text without a NUL terminator (only lowercase 'string' adds it)");
    else if (lower != "binary") warn(context, context.encoding_at, "encoding '" + std::string(encoding) + "' stores the text undecoded as a blob (only lowercase '" + lower + "' decodes)");
    out.bytes.assign(value.begin(), value.end());
  }
  return out;
}

}  // namespace fwprov::nvs
