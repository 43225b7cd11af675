// PartitionTable <-> the 0xC00-byte binary (gen_esp32part.py to_binary / from_binary).
#include <algorithm>
#include <fmt/core.h>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/partitions/codec.hpp"
#include "fwprov/core/utf8.hpp"
#include "text_input.hpp"

namespace fwprov::partitions {
namespace {

void append_entry(Bytes& out, const Partition& p) {
  out.push_back(kEntryMagic[0]);
  out.push_back(kEntryMagic[1]);
  out.push_back(p.type);
  out.push_back(p.subtype);
  append_u32le(out, p.offset);
  append_u32le(out, p.size);
  std::uint8_t name[kNameSize] = {};
  std::copy_n(p.name.begin(), std::min(p.name.size(), kNameSize), name);  // longer names are cut, like struct '16s'
  out.insert(out.end(), name, name + kNameSize);
  append_u32le(out, p.flags());
}

// Python's repr() of a bytes object, e.g. b'\\xaaQ': the reference prints magic bytes and the
// stored MD5 this way, and keeping its wording keeps messages searchable.
std::string python_bytes_repr(ByteView bytes) {
  std::string out = "b'";
  for (std::uint8_t b : bytes) {
    if (b == '\\' || b == '\'') out += std::string("\\") + static_cast<char>(b);
    else if (b == '\t') out += "\\t";
    else if (b == '\n') out += "\\n";
    else if (b == '\r') out += "\\r";
    else if (b >= 0x20 && b < 0x7F) out += static_cast<char>(b);
    else out += fmt::format("\\x{:02x}", b);
  }
  return out + "'";
}

}  // namespace

bool looks_binary(ByteView data) { return data.size() >= 2 && data[0] == kEntryMagic[0] && data[1] == kEntryMagic[1]; }

Bytes encode_table(const PartitionTable& table, const std::string& file, const TableOptions& options) {
  Bytes out;
  for (const auto& p : table.partitions) append_entry(out, p);
  if (options.md5) {
    const Md5 digest = md5(out);
    out.push_back(kMd5Magic[0]);
    out.push_back(kMd5Magic[1]);
    out.resize(out.size() + kMd5DigestOffset - 2, 0xFF);
    out.insert(out.end(), digest.begin(), digest.end());
  }
  if (out.size() >= kTableMaxLength) {
    const std::size_t limit = (kTableMaxLength - 1) / kEntrySize - (options.md5 ? 1 : 0);
    throw Error(ErrorKind::Input, SourceLocation{file},
                fmt::format("Binary partition table length ({}) longer than max: {} entries{} do not fit in 0x{:x} bytes "
                            "(at most {} entries{})",
                            out.size(), table.partitions.size(), options.md5 ? " plus the MD5 row" : "", kTableMaxLength,
                            limit, options.md5 ? " with the MD5 row" : ""));
  }
  out.resize(kTableMaxLength, 0xFF);
  return out;
}

PartitionTable parse_binary_table(ByteView data, const std::string& file, const TableOptions& options, Warnings& warnings) {
  PartitionTable table;
  Bytes md5_input;  // rows hashed so far (the running digest is needed at every MD5 row)
  for (std::size_t offset = 0; offset < data.size(); offset += kEntrySize) {
    const std::size_t row_index = offset / kEntrySize;
    const SourceLocation where{file, 0, 0, fmt::format("row {} at byte 0x{:x}", row_index, offset)};
    if (data.size() - offset < kEntrySize)
      throw Error(ErrorKind::Input, where, "Partition table length must be a multiple of 32 bytes");
    const ByteView row = data.subspan(offset, kEntrySize);
    if (std::all_of(row.begin(), row.end(), [](std::uint8_t b) { return b == 0xFF; })) return table;
    if (row[0] == kMd5Magic[0] && row[1] == kMd5Magic[1]) {
      const Md5 computed = md5(md5_input);
      const bool matches = std::equal(computed.begin(), computed.end(), row.begin() + kMd5DigestOffset);
      if (options.md5) {
        if (!matches)
          throw Error(ErrorKind::Input, where,
                      fmt::format("MD5 checksums don't match! (computed: 0x{}, parsed: 0x{})", to_hex(computed),
                                  python_bytes_repr(to_bytes(to_hex(row.subspan(kMd5DigestOffset))))));
        continue;
      }
      // With --disable-md5sum the reference parses this row as an entry and crashes on its
      // 0xFF name bytes; skipping it (and saying so) is more useful.
      warnings.warn(where, matches ? "MD5 row skipped (--disable-md5sum: not checked)"
                                   : "MD5 row skipped (--disable-md5sum: not checked; it does not match the rows before it)");
      continue;
    }
    md5_input.insert(md5_input.end(), row.begin(), row.end());
    Partition p;
    p.from_binary = true;
    p.line = row_index + 1;
    if (row[0] != kEntryMagic[0] || row[1] != kEntryMagic[1])
      throw Error(ErrorKind::Input, where,
                  "Invalid magic bytes (" + python_bytes_repr(row.first(2)) + ") for partition definition (expected b'\\xaaP')");
    p.type = row[2];
    p.subtype = row[3];
    p.offset = load_u32le(&row[4]);
    p.size = load_u32le(&row[8]);
    const char* name = reinterpret_cast<const char*>(&row[12]);
    p.name = std::string(name, std::find(name, name + kNameSize, '\0'));
    if (!is_valid_utf8(p.name))
      throw Error(ErrorKind::Input, where, "partition name bytes are not valid UTF-8 (" + to_hex(to_bytes(p.name)) + ")");
    std::uint32_t flags = load_u32le(&row[28]);
    p.encrypted = (flags & kFlagEncrypted) != 0;
    p.readonly = (flags & kFlagReadonly) != 0;
    flags &= ~(kFlagEncrypted | kFlagReadonly);
    if (flags != 0)
      warnings.warn(where, fmt::format("Partition definition had unknown flag(s) 0x{:08x}. Newer binary format?", flags));
    table.partitions.push_back(std::move(p));
  }
  throw Error(ErrorKind::Input, SourceLocation{file}, "Partition table is missing an end-of-table marker");
}

PartitionTable load_table(ByteView data, const std::string& file, const TableOptions& options, Warnings& warnings) {
  PartitionTable table = looks_binary(data) ? parse_binary_table(data, file, options, warnings)
                                            : parse_csv_table(as_chars(data), file, options);
  verify_table(table, file, options, warnings);
  return table;
}

}  // namespace fwprov::partitions
