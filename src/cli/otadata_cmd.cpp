// `fwprov otadata init|set-boot|show`: OTA data partition images (ESP-IDF's
// gen_empty_partition.py and otatool.py switch_ota_partition), and which slot boots.
#include <fmt/core.h>

#include <memory>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/partitions/codec.hpp"
#include "fwprov/partitions/otadata.hpp"
#include "table_options.hpp"

namespace fwprov::cli {
namespace {

using namespace fwprov::partitions;

PartitionTable load_ota_table(Context& context, const std::string& file, const std::string& table_offset) {
  TableCliOptions cli;
  cli.offset = table_offset;
  Warnings warnings(context.out.warning_sink());
  return load_table(read_input(file), is_stdio(file) ? "(stdin)" : file, cli.resolve(), warnings);
}

const Partition* otadata_partition(const PartitionTable& table) {
  for (const auto& p : table.partitions)
    if (p.type == kTypeData && p.subtype == kDataOta) return &p;
  return nullptr;
}

// Writes the otadata image (a file, or stdout for `-`) and reports it: the result line on
// stdout, or the --json document.
void write_and_report(Context& context, const std::string& output, const Bytes& data, nlohmann::json extra, const std::string& text) {
  write_output(context, output, data, "otadata");
  if (context.options.json) {
    extra["output"] = output;
    extra["bytes"] = data.size();
    extra["sha256"] = to_hex(sha256(data));
    return context.out.document(extra);
  }
  if (!is_stdio(output)) context.out.result(text);
}

struct InitArgs {
  std::string size = "0x2000";
  std::string output;
};

void run_init(Context& context, const InitArgs& args) {
  const auto size = parse_size(args.size);
  if (!size || *size == 0 || *size > kMaxFlashBytes) throw Error(ErrorKind::Usage, "--size '" + args.size + "' is not a partition size (e.g. 0x2000)");
  if (*size != kOtadataSize)
    context.out.warning({SourceLocation{}, fmt::format("size 0x{:x}: ESP-IDF requires the otadata partition to be exactly 0x2000 bytes", *size)});
  const Bytes data = blank_otadata(*size);
  write_and_report(context, args.output, data, {{"state", "blank"}},
                 fmt::format("{}: 0x{:x} bytes of 0xFF (first boot: factory app, or ota_0 without one)", args.output, *size));
}

struct SetBootArgs {
  std::string target, table, input, output, state, table_offset = "0x8000";
};

std::uint32_t parse_state(const std::string& state) {
  if (state == "new") return static_cast<std::uint32_t>(OtaState::New);
  if (state == "pending-verify") return static_cast<std::uint32_t>(OtaState::PendingVerify);
  if (state == "valid") return static_cast<std::uint32_t>(OtaState::Valid);
  if (state == "undefined") return static_cast<std::uint32_t>(OtaState::Undefined);
  throw Error(ErrorKind::Usage, "--state takes new, pending-verify, valid or undefined");
}

void run_set_boot(Context& context, const SetBootArgs& args) {
  const PartitionTable table = load_ota_table(context, args.table, args.table_offset);
  const std::size_t slot = resolve_ota_slot(table, args.target);
  // otatool counts slots by subtype alone; the bootloader counts app rows. Write what otatool
  // writes, and say so when the two disagree.
  const auto slots = otatool_ota_slots(table);
  if (slots != ota_slots(table))
    context.out.warning({SourceLocation{args.table},
                         fmt::format("a non-app partition has an OTA app subtype (0x10-0x1f): otatool.py counts it as a slot "
                                     "({} slots), the bootloader does not ({}); the sequence number follows otatool",
                                     slots.size(), ota_slots(table).size())});
  Bytes current;
  if (args.input.empty()) {
    const Partition* otadata = otadata_partition(table);
    current = blank_otadata(otadata != nullptr ? otadata->size : kOtadataSize);
  } else {
    current = read_input(args.input);
  }
  if (current.size() != 2 * kOtaSectorSize)
    throw Error(ErrorKind::Input, SourceLocation{args.input},
                fmt::format("otadata is 0x{:x} bytes; set-boot needs exactly 0x2000 (two 4 KiB sectors)", current.size()));
  std::optional<std::uint32_t> state;
  if (!args.state.empty()) state = parse_state(args.state);
  const SetBootResult result = set_boot_slot(current, slot, slots.size(), state);
  const auto status = read_otadata(result.data, table, args.output);
  write_and_report(context, args.output, result.data,
                 {{"slot", slot}, {"partition", slots[slot]->name}, {"entry", result.entry}, {"seq", result.seq}},
                 fmt::format("{}: boot {} (slot {}): entry {} seq {}{}", args.output, slots[slot]->name, slot, result.entry, result.seq,
                             status.boot_slot == std::optional<std::size_t>{slot} ? "" : " (warning: the bootloader would not pick it)"));
}

struct OtadataShowArgs {
  std::string file, table, table_offset = "0x8000";
};

void run_otadata_show(Context& context, const OtadataShowArgs& args) {
  const PartitionTable table = load_ota_table(context, args.table, args.table_offset);
  const Bytes data = read_input(args.file);
  const auto status = read_otadata(data, table, args.file);
  const auto slots = ota_slots(table);
  std::string boots;
  if (status.boot_slot) boots = fmt::format("{} (slot {})", slots[*status.boot_slot]->name, *status.boot_slot);
  else if (status.boots_factory) boots = "factory";
  else boots = "nothing (no factory app and no OTA slots)";
  if (context.options.json) {
    nlohmann::json doc = {{"ok", true}, {"file", args.file}, {"ota_slots", slots.size()}, {"boots", boots}};
    doc["entries"] = nlohmann::json::array();
    for (std::size_t i = 0; i < 2; ++i) {
      const auto& e = status.entries[i];
      doc["entries"].push_back({{"entry", i},
                                {"seq", e.seq},
                                {"empty", e.empty()},
                                {"state", ota_state_name(e.state)},
                                {"crc", e.crc},
                                {"crc_valid", e.crc_valid()},
                                {"valid", e.valid_for_bootloader()}});
    }
    if (status.active_entry) doc["active_entry"] = *status.active_entry;
    if (status.boot_slot) doc["boot_slot"] = *status.boot_slot;
    doc["boots_factory"] = status.boots_factory;
    return context.out.document(doc);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& e = status.entries[i];
    if (e.empty()) {
      context.out.result(fmt::format("entry {} (offset 0x{:04x}): empty", i, i * kOtaSectorSize));
      continue;
    }
    context.out.result(fmt::format("entry {} (offset 0x{:04x}): seq {} -> slot {}, state {}, crc 0x{:08x} {}{}", i, i * kOtaSectorSize,
                                   e.seq, slots.empty() ? std::string("?") : std::to_string((e.seq - 1) % slots.size()),
                                   ota_state_name(e.state), e.crc, e.crc_valid() ? "valid" : "INVALID",
                                   e.valid_for_bootloader() ? "" : " (ignored by the bootloader)"));
  }
  context.out.result(fmt::format("active entry: {}", status.active_entry ? std::to_string(*status.active_entry) : "none"));
  context.out.result("boots: " + boots);
}

}  // namespace

void setup_otadata(CLI::App& app, Context& context) {
  auto* group = app.add_subcommand("otadata", "OTA data partition images: blank, 'boot from ota_N' (like otatool), show which slot boots");
  group->require_subcommand(1);
  group->footer("Examples:\n  fwprov otadata init -o ota_data_initial.bin\n"
                "  fwprov otadata set-boot ota_1 --table partitions.csv -o otadata.bin\n"
                "  fwprov otadata show otadata.bin --table partitions.csv");

  auto init = std::make_shared<InitArgs>();
  auto* in = group->add_subcommand("init", "Write the blank otadata image the ESP-IDF build flashes (all 0xFF)");
  in->add_option("--size", init->size, "Partition size (default 0x2000, the only size ESP-IDF accepts)");
  in->add_option("-o,--output", init->output, "Output file, e.g. ota_data_initial.bin (- for stdout)")->required()->type_name("OUT");
  in->footer("Example:\n  fwprov otadata init -o ota_data_initial.bin");
  in->callback([&context, init] { run_init(context, *init); });

  auto set_boot = std::make_shared<SetBootArgs>();
  auto* sb = group->add_subcommand("set-boot", "Make the bootloader start an OTA slot: the bytes ESP-IDF's otatool.py writes");
  sb->add_option("SLOT", set_boot->target, "OTA slot: its partition name (ota_1) or number (1)")->required()->type_name("");
  sb->add_option("--table", set_boot->table, "Partition table (CSV or binary); fixes the number of OTA slots")->required();
  sb->add_option("--in", set_boot->input, "Current otadata contents (0x2000 bytes); default: blank (erased)");
  sb->add_option("-o,--output", set_boot->output, "Output file (- for stdout)")->required()->type_name("OUT");
  sb->add_option("--state", set_boot->state,
                 "Also set the written entry's ota_state: new (for app rollback), pending-verify, valid or undefined "
                 "(default: keep what the sector held, as otatool does)");
  sb->add_option("--offset", set_boot->table_offset, "Partition table offset used to place a CSV table (default 0x8000)");
  sb->footer("Example:\n  fwprov otadata set-boot ota_0 --table partitions.csv -o otadata.bin\n"
             "  fwprov otadata set-boot 1 --table partitions.csv --in otadata.bin -o otadata-next.bin");
  sb->callback([&context, set_boot] { run_set_boot(context, *set_boot); });

  auto show = std::make_shared<OtadataShowArgs>();
  auto* sh = group->add_subcommand("show", "Show both select entries (seq, state, CRC) and which app the bootloader starts");
  sh->add_option("FILE", show->file, "otadata image (0x2000 bytes; - reads stdin)")->required()->type_name("");
  sh->add_option("--table", show->table, "Partition table (CSV or binary)")->required();
  sh->add_option("--offset", show->table_offset, "Partition table offset used to place a CSV table (default 0x8000)");
  sh->footer("Example:\n  fwprov otadata show ota_data_initial.bin --table partitions.csv");
  sh->callback([&context, show] { run_otadata_show(context, *show); });
}

}  // namespace fwprov::cli
