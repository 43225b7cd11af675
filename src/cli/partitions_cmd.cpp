// `fwprov partitions generate|show|offset|size`: ESP-IDF partition tables, byte-identical to
// gen_esp32part.py, with its option names.
#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/partitions/codec.hpp"
#include "fwprov/partitions/keywords.hpp"
#include "table_options.hpp"

namespace fwprov::cli {
namespace {

using namespace fwprov::partitions;

std::string human_size(std::uint64_t bytes) {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) return fmt::format("{} MiB", bytes / (1024 * 1024));
  if (bytes >= 1024 * 1024) return fmt::format("{:.2f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} KiB", bytes / 1024);
  if (bytes >= 1024) return fmt::format("{:.2f} KiB", static_cast<double>(bytes) / 1024.0);
  return fmt::format("{} B", bytes);
}

std::string flags_text(const Partition& p) {
  std::string flags;
  if (p.encrypted) flags = "encrypted";
  if (p.readonly) flags += flags.empty() ? "readonly" : ",readonly";
  return flags;
}

nlohmann::json partition_json(const Partition& p) {
  nlohmann::json row = {{"name", p.name},         {"type", p.type},     {"subtype", p.subtype},
                        {"offset", p.offset},     {"size", p.size},     {"end", std::uint64_t{p.offset} + p.size},
                        {"encrypted", p.encrypted}, {"readonly", p.readonly}};
  row["offset_hex"] = fmt::format("0x{:x}", p.offset);
  row["size_hex"] = fmt::format("0x{:x}", p.size);
  if (auto name = type_name(p.type)) row["type_name"] = *name;
  if (auto name = subtype_name(p.type, p.subtype)) row["subtype_name"] = *name;
  return row;
}

struct Gap {
  std::uint64_t start, end;
};

// Unused flash between the table sector and the partitions (in address order) and after the last.
std::vector<Gap> find_gaps(const PartitionTable& table, const TableOptions& options) {
  std::vector<const Partition*> sorted;
  for (const auto& p : table.partitions) sorted.push_back(&p);
  std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
  std::vector<Gap> gaps;
  std::uint64_t cursor = std::uint64_t{options.table_offset} + kTableSectorSize;
  for (const auto* p : sorted) {
    if (p->offset > cursor) gaps.push_back({cursor, p->offset});
    cursor = std::max(cursor, std::uint64_t{p->offset} + p->size);
  }
  if (options.flash_size && *options.flash_size > cursor) gaps.push_back({cursor, *options.flash_size});
  return gaps;
}

void print_readable(Context& context, const PartitionTable& table, const TableOptions& options, const std::string& file) {
  auto& out = context.out;
  out.result(fmt::format("Partition table {} (table sector at 0x{:x}, {} partitions)", file, options.table_offset,
                         table.partitions.size()));
  out.result(fmt::format("{:<16}  {:<15}  {:<10}  {:>10}  {:>10}  {:>10}  {:>10}  {}", "Name", "Type", "SubType", "Offset", "End",
                         "Size", "", "Flags"));
  for (const auto& p : table.partitions) {
    const std::string type = type_name(p.type).value_or(fmt::format("0x{:02x}", p.type));
    const std::string subtype = subtype_name(p.type, p.subtype).value_or(fmt::format("0x{:02x}", p.subtype));
    out.result(fmt::format("{:<16}  {:<15}  {:<10}  {:>10}  {:>10}  {:>10}  {:>10}  {}", p.name, type, subtype,
                           fmt::format("0x{:x}", p.offset), fmt::format("0x{:x}", std::uint64_t{p.offset} + p.size),
                           fmt::format("0x{:x}", p.size), human_size(p.size), flags_text(p)));
  }
  const auto gaps = find_gaps(table, options);
  const std::uint64_t used_end = table.end_of_last();
  for (const auto& gap : gaps) {
    const bool tail = options.flash_size && gap.end == *options.flash_size && gap.start >= used_end;
    out.result(fmt::format("{} 0x{:x}-0x{:x}: 0x{:x} ({})", tail ? "free at end of flash:" : "unused gap:", gap.start, gap.end,
                           gap.end - gap.start, human_size(gap.end - gap.start)));
  }
  if (options.flash_size) {
    const std::uint64_t free = *options.flash_size > used_end ? *options.flash_size - used_end : 0;
    out.result(fmt::format("flash {}: partitions end at 0x{:x}, {} free after the last partition", human_size(*options.flash_size),
                           used_end, human_size(free)));
  } else {
    out.result(fmt::format("partitions end at 0x{:x} ({}); give --flash-size to see the free space", used_end, human_size(used_end)));
  }
}

nlohmann::json table_json(const PartitionTable& table, const TableOptions& options, const std::string& file) {
  nlohmann::json doc = {{"ok", true}, {"file", file}, {"table_offset", options.table_offset}, {"end", table.end_of_last()}};
  doc["partitions"] = nlohmann::json::array();
  for (const auto& p : table.partitions) doc["partitions"].push_back(partition_json(p));
  doc["gaps"] = nlohmann::json::array();
  for (const auto& gap : find_gaps(table, options)) doc["gaps"].push_back({{"start", gap.start}, {"end", gap.end}, {"size", gap.end - gap.start}});
  if (options.flash_size) {
    doc["flash_size"] = *options.flash_size;
    doc["free"] = *options.flash_size > table.end_of_last() ? *options.flash_size - table.end_of_last() : 0;
  }
  return doc;
}

PartitionTable load_table(Context& context, const std::string& file, const TableOptions& options, bool strict) {
  Warnings warnings(context.out.warning_sink(), strict);
  return load_table(read_input(file), is_stdio(file) ? "(stdin)" : file, options, warnings);
}

struct TableGenerateArgs {
  std::string input, output;
  TableCliOptions table;
};

void run_table_generate(Context& context, const TableGenerateArgs& args) {
  const TableOptions options = args.table.resolve();
  const Bytes input = read_input(args.input);
  Warnings warnings(context.out.warning_sink(), context.options.strict);
  const PartitionTable table = load_table(input, is_stdio(args.input) ? "(stdin)" : args.input, options, warnings);
  const bool to_csv = looks_binary(input);  // like the reference: a binary input is turned back into CSV
  const Bytes output = to_csv ? to_bytes(to_reference_csv(table)) : encode_table(table, args.input, options);
  // Unlike gen_esp32part.py, a missing output folder is an error, as for every fwprov output
  // (docs/cli-contract.md).
  write_output(context, args.output, output, to_csv ? "csv" : "partition-table");
  if (context.options.json) {
    context.out.document({{"input", args.input},
                          {"output", args.output},
                          {"format", to_csv ? "csv" : "binary"},
                          {"partitions", table.partitions.size()},
                          {"bytes", output.size()},
                          {"md5_row", !to_csv && options.md5},
                          {"sha256", to_hex(sha256(output))}});
    return;
  }
  if (is_stdio(args.output)) return;  // stdout holds the table itself
  context.out.result(fmt::format("{}: {} partitions -> {} ({} bytes{})", args.input, table.partitions.size(), args.output, output.size(),
                                 to_csv ? ", CSV" : options.md5 ? ", with MD5 row" : ", no MD5 row"));
}

struct TableShowArgs {
  std::string file;
  std::string format = "table";
  TableCliOptions table;
};

void run_table_show(Context& context, const TableShowArgs& args) {
  const TableOptions options = args.table.resolve();
  const PartitionTable table = load_table(context, args.file, options, context.options.strict);
  if (context.options.json) return context.out.document(table_json(table, options, args.file));
  if (args.format == "csv") {
    std::string text = to_reference_csv(table);
    text.pop_back();  // result() adds the final newline
    return context.out.result(text);
  }
  print_readable(context, table, options, args.file);
}

struct LookupArgs {
  std::string name, table_file;
  TableCliOptions table;
};

void run_lookup(Context& context, const LookupArgs& args, bool want_offset) {
  const TableOptions options = args.table.resolve();
  const PartitionTable table = load_table(context, args.table_file, options, context.options.strict);
  const Partition* p = table.find(args.name);
  if (p == nullptr) {
    std::string names;
    for (const auto& q : table.partitions) names += (names.empty() ? "" : ", ") + q.name;
    throw Error(ErrorKind::Input, SourceLocation{args.table_file}, fmt::format("no partition named '{}' (the table has: {})", args.name, names));
  }
  if (context.options.json) return context.out.document({{"partition", partition_json(*p)}});
  context.out.result(fmt::format("0x{:x}", want_offset ? p->offset : p->size));
}

}  // namespace

void setup_partitions(CLI::App& app, Context& context) {
  auto* group = app.add_subcommand("partitions", "ESP-IDF partition tables: CSV <-> binary (gen_esp32part.py), show, look up offsets");
  group->require_subcommand(1);
  group->footer("Examples:\n  fwprov partitions generate partitions.csv partition-table.bin --flash-size 4MB\n"
                "  fwprov partitions show partition-table.bin\n  fwprov partitions offset storage --table partitions.csv");

  auto generate = std::make_shared<TableGenerateArgs>();
  auto* gen = group->add_subcommand("generate", "Build the 3072-byte partition-table binary from a CSV (a binary input gives CSV back)");
  gen->add_option("INPUT", generate->input, "Partition table CSV (or binary: then CSV text is written); - reads stdin")->required()->type_name("");
  gen->add_option("OUTPUT", generate->output, "Output file (- for stdout)")->required()->type_name("");
  generate->table.add_to(gen);
  gen->footer("Example:\n  fwprov partitions generate partitions.csv partition-table.bin --flash-size 4MB --offset 0x8000\n"
              "Output is byte-identical to ESP-IDF's gen_esp32part.py with the same options.");
  gen->callback([&context, generate] { run_table_generate(context, *generate); });

  auto show = std::make_shared<TableShowArgs>();
  auto* sh = group->add_subcommand("show", "Print a table (CSV or binary): offsets, ends, sizes, flags, gaps, free space");
  sh->add_option("FILE", show->file, "Partition table, CSV or binary (- reads stdin)")->required()->type_name("");
  sh->add_option("--format", show->format, "table (readable, default) or csv (what gen_esp32part.py prints for a binary)")
      ->check(CLI::IsMember({"table", "csv"}));
  show->table.add_to(sh);
  sh->footer("Examples:\n  fwprov partitions show partition-table.bin --flash-size 4MB\n  fwprov partitions show partitions.csv --format csv\n"
             "  fwprov --json partitions show partition-table.bin");
  sh->callback([&context, show] { run_table_show(context, *show); });

  for (bool want_offset : {true, false}) {
    auto lookup = std::make_shared<LookupArgs>();
    auto* cmd = group->add_subcommand(want_offset ? "offset" : "size",
                                      want_offset ? "Print the flash address of a partition (hex), for scripts"
                                                  : "Print the size of a partition (hex), for scripts");
    cmd->add_option("NAME", lookup->name, "Partition name, e.g. storage")->required()->type_name("");
    cmd->add_option("--table", lookup->table_file, "Partition table, CSV or binary (- reads stdin)")->required()->type_name("FILE");
    lookup->table.add_to(cmd);
    cmd->footer(want_offset ? "Example:\n  fwprov partitions offset storage --table partitions.csv   # prints 0x317000"
                            : "Example:\n  fwprov partitions size storage --table partitions.csv     # prints 0x10000");
    cmd->callback([&context, lookup, want_offset] { run_lookup(context, *lookup, want_offset); });
  }
}

}  // namespace fwprov::cli
