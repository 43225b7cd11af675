// CSV -> PartitionTable, following gen_esp32part.py's PartitionTable.from_csv and
// PartitionDefinition.from_csv line by line (see docs/partitions.md for the dialect).
#include <cctype>
#include <cstdlib>
#include <fmt/core.h>

#include "fwprov/core/error.hpp"
#include "fwprov/partitions/codec.hpp"
#include "fwprov/partitions/keywords.hpp"
#include "python_int.hpp"
#include "text_input.hpp"

namespace fwprov::partitions {
namespace {

// Python's str.strip(), Unicode spaces included (a no-break space pasted from a web page is
// stripped by the reference too).
std::string_view trim(std::string_view text) { return detail::python_strip(text); }

struct RawRow {
  Partition partition;
  std::optional<std::int64_t> offset;  // nullopt = blank, placed later
  std::int64_t size = 0;                // negative: "up to absolute address -size"
};

std::uint8_t to_byte(std::int64_t value, const char* what, std::string_view text, const std::string& file, std::size_t line) {
  if (value < 0 || value > 0xFF)
    throw Error(ErrorKind::Input, SourceLocation{file, line, 0, what},
                fmt::format("{} '{}' is {}, which does not fit in one byte (0..255)", what, text, value));
  return static_cast<std::uint8_t>(value);
}

bool is_primary_bootloader(const Partition& p) { return p.type == kTypeBootloader && p.subtype == 0x00; }
bool is_recovery_bootloader(const Partition& p) { return p.type == kTypeBootloader && p.subtype == 0x02; }
bool is_primary_table(const Partition& p) { return p.type == kTypePartitionTable && p.subtype == 0x00; }

RawRow parse_row(std::string_view line, const std::string& file, std::size_t line_no, const TableOptions& options) {
  std::vector<std::string_view> fields;
  std::string padded = std::string(line) + ",,,,";  // the reference's "lazy way to support default fields"
  std::string_view rest = padded;
  while (true) {
    const auto comma = rest.find(',');
    fields.push_back(trim(rest.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  RawRow row;
  Partition& p = row.partition;
  p.line = line_no;
  p.name = std::string(fields[0]);
  if (fields[1].empty()) throw Error(ErrorKind::Input, SourceLocation{file, line_no, 2, "type"}, "Field 'type' can't be left empty.");
  p.type = to_byte(detail::parse_field_int(fields[1], type_keywords(), file, line_no), "type", fields[1], file, line_no);
  if (fields[2].empty()) {
    if (p.type == kTypeApp)
      throw Error(ErrorKind::Input, SourceLocation{file, line_no, 3, "subtype"}, "App partition cannot have an empty subtype");
    p.subtype = kDataUndefined;
  } else {
    p.subtype = to_byte(detail::parse_field_int(fields[2], subtype_keywords(p.type), file, line_no), "subtype", fields[2], file, line_no);
  }
  // Bootloader and partition-table rows get their place from the options, not from the CSV.
  const SourceLocation here{file, line_no};
  if (is_primary_bootloader(p)) {
    if (!options.primary_bootloader_offset) throw Error(ErrorKind::Input, here, "Primary bootloader offset is not provided (--primary-bootloader-offset)");
    row.offset = *options.primary_bootloader_offset;
  } else if (is_recovery_bootloader(p)) {
    if (!options.recovery_bootloader_offset) throw Error(ErrorKind::Input, here, "Recovery bootloader offset is not provided (--recovery-bootloader-offset)");
    row.offset = *options.recovery_bootloader_offset;
  } else if (is_primary_table(p)) {
    row.offset = options.table_offset;
  } else if (!fields[3].empty()) {
    row.offset = detail::parse_field_int(fields[3], {}, file, line_no);
  }
  if (p.type == kTypeBootloader) {
    if (!options.primary_bootloader_offset) throw Error(ErrorKind::Input, here, "Primary bootloader offset is not provided (--primary-bootloader-offset)");
    row.size = std::int64_t{options.table_offset} - *options.primary_bootloader_offset;
  } else if (p.type == kTypePartitionTable) {
    row.size = kTableSectorSize;
  } else {
    if (fields[4].empty()) throw Error(ErrorKind::Input, SourceLocation{file, line_no, 5, "size"}, "Size field can't be empty");
    row.size = detail::parse_field_int(fields[4], {}, file, line_no);
  }
  // Flags are split on ':' and compared as written (the reference does not trim them).
  std::string_view flags = fields.size() > 5 ? fields[5] : std::string_view{};
  while (true) {
    const auto colon = flags.find(':');
    const std::string_view flag = flags.substr(0, colon);
    if (flag == "encrypted") p.encrypted = true;
    else if (flag == "readonly") p.readonly = true;
    else if (!flag.empty())
      throw Error(ErrorKind::Input, SourceLocation{file, line_no, 6, "flags"},
                  "CSV flag column contains unknown flag '" + std::string(flag) + "'");
    if (colon == std::string_view::npos) break;
    flags.remove_prefix(colon + 1);
  }
  return row;
}

std::uint32_t offset_alignment(std::uint8_t type) { return type == kTypeApp ? kAppOffsetAlign : kOtherOffsetAlign; }

std::uint32_t to_u32(std::int64_t value, const char* what, const Partition& p, const std::string& file) {
  if (value < 0 || value > 0xFFFFFFFFll)
    throw Error(ErrorKind::Input, SourceLocation{file, p.line, 0, what},
                fmt::format("partition '{}': {} {} does not fit in 32 bits", p.name, what, value));
  return static_cast<std::uint32_t>(value);
}

}  // namespace

PartitionTable parse_csv_table(std::string_view raw_text, const std::string& file, const TableOptions& options) {
  const std::string decoded = detail::decode_text(raw_text, file);
  const std::string_view text = decoded;
  std::vector<RawRow> rows;
  const auto lines = detail::split_lines(text);
  for (std::size_t index = 0; index < lines.size(); ++index) {
    const std::size_t line_no = index + 1;
    const std::string expanded = detail::expand_vars(lines[index]);
    if (expanded.size() > 1 && expanded[0] == '$' && (std::isalpha(static_cast<unsigned char>(expanded[1])) || expanded[1] == '_')) {
      std::size_t end = 1;
      while (end < expanded.size() && detail::is_word_char(expanded[end])) ++end;
      throw Error(ErrorKind::Input, SourceLocation{file, line_no}, "unknown variable '" + expanded.substr(1, end - 1) + "'");
    }
    const std::string_view line = trim(expanded);
    if (line.empty() || line.front() == '#') continue;
    rows.push_back(parse_row(line, file, line_no, options));
  }

  // Fill in blank offsets and negative sizes, in file order.
  PartitionTable table;
  std::int64_t last_end = std::int64_t{options.table_offset} + kTableSectorSize;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    RawRow& row = rows[i];
    Partition& p = row.partition;
    if (is_primary_bootloader(p) || is_primary_table(p)) {
      // Placed by the options; they take no part in placing the other rows.
      p.offset = to_u32(*row.offset, "offset", p, file);
      p.size = to_u32(row.size, "size", p, file);
      table.partitions.push_back(p);
      continue;
    }
    if (row.offset && *row.offset < last_end) {
      // The reference's wording depends on `row == rows[0]`, an equality of name, type,
      // subtype, offset and size.
      const RawRow& first_row = rows.front();
      const bool first = i == 0 || (p.name == first_row.partition.name && p.type == first_row.partition.type &&
                                    p.subtype == first_row.partition.subtype &&
                                    std::int64_t{table.partitions.front().offset} == *row.offset &&
                                    std::int64_t{table.partitions.front().size} == row.size);
      if (first)
        throw Error(ErrorKind::Input, SourceLocation{file, p.line},
                    fmt::format("Partitions overlap. Partition sets offset 0x{:x}. But partition table occupies the whole "
                                "sector 0x{:x}. Use a free offset 0x{:x} or higher.",
                                *row.offset, options.table_offset, last_end));
      throw Error(ErrorKind::Input, SourceLocation{file, p.line},
                  fmt::format("Partitions overlap. Partition sets offset 0x{:x}. Previous partition ends 0x{:x}", *row.offset,
                              last_end));
    }
    std::int64_t offset;
    if (row.offset) {
      offset = *row.offset;
    } else {
      const std::int64_t align = offset_alignment(p.type);
      offset = (last_end + align - 1) / align * align;
    }
    std::int64_t size = row.size < 0 ? -row.size - offset : row.size;
    p.offset = to_u32(offset, "offset", p, file);
    if (row.size < 0 && size < 0)
      throw Error(ErrorKind::Input, SourceLocation{file, p.line, 5, "size"},
                  fmt::format("partition '{}': size {} means 'up to address 0x{:x}', which is below its offset 0x{:x}",
                              p.name, row.size, -row.size, offset));
    p.size = to_u32(size, "size", p, file);
    last_end = offset + size;
    table.partitions.push_back(p);
  }
  return table;
}

}  // namespace fwprov::partitions
