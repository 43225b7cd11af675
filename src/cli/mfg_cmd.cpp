// `fwprov mfg generate`: one NVS image (and CSV) per device, like ESP-IDF's mfg_gen.py.
#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/nvs/mfg.hpp"
#include "fwprov/nvs/values.hpp"
#include "mfg_output.hpp"

namespace fwprov::cli {
namespace {

namespace fs = std::filesystem;

struct MfgArgs {
  std::vector<std::string> positionals;  // CONFIG VALUES PREFIX SIZE
  int version = 2;
  std::string outdir = ".";
  std::string fileid;
  std::vector<std::string> prefix_num;  // START DIGITS, read like Python's int() (argparse type=int)
  std::string inputkey;
  bool keygen = false;
  unsigned jobs = 0;
  std::string base_dir;
};

// --prefix_num START DIGITS as mfg_gen.py's argparse (type=int) reads them: decimal only, so
// "010" is ten (not octal eight, as CLI11's own integer parsing would make it); START may be
// negative ("-01"); a negative DIGITS makes the reference's format() fail.
std::pair<std::int64_t, unsigned> prefix_counter(const std::vector<std::string>& texts) {
  auto read = [](const std::string& text, const char* name) {
    auto parsed = nvs::parse_python_decimal(text);
    if (!parsed || parsed->too_large || parsed->magnitude > static_cast<std::uint64_t>(INT64_MAX))
      throw Error(ErrorKind::Usage, fmt::format("--prefix_num {} '{}' is not a decimal integer", name, text));
    auto magnitude = static_cast<std::int64_t>(parsed->magnitude);
    return parsed->negative ? -magnitude : magnitude;
  };
  std::int64_t start = read(texts[0], "START");
  std::int64_t digits = read(texts[1], "DIGITS");
  if (digits < 0 || digits > 64) throw Error(ErrorKind::Usage, "--prefix_num DIGITS must be 0..64");
  return {start, static_cast<unsigned>(digits)};
}

void run_mfg(Context& context, const MfgArgs& args) {
  const auto& p = args.positionals;
  nvs::MfgOptions options;
  options.build.partition_size = nvs::parse_partition_size(p[3]);
  options.build.version = args.version == 1 ? nvs::Version::V1 : nvs::Version::V2;
  options.prefix = p[2];
  if (!args.fileid.empty()) options.fileid = args.fileid;
  if (!args.prefix_num.empty()) options.prefix_num = prefix_counter(args.prefix_num);
  if (args.keygen && !args.inputkey.empty()) throw Error(ErrorKind::Usage, "give --inputkey or --keygen, not both");
  Warnings warnings(context.out.warning_sink(), context.options.strict);
  if (!args.inputkey.empty()) options.build.keys = nvs::read_key_file(args.inputkey, &warnings);
  options.keygen = args.keygen;
  options.base_dir = args.base_dir;
  options.jobs = args.jobs != 0 ? args.jobs : std::max(1u, std::thread::hardware_concurrency());
  options.warnings = &warnings;

  auto input = nvs::parse_mfg_input(read_text_file(p[0]), p[0], read_text_file(p[1]), p[1]);
  auto devices = nvs::build_mfg_batch(input, options);

  // Everything is built: now check the targets and write all files at once.
  fs::path outdir(args.outdir);
  struct Planned {
    fs::path csv, bin;
    std::optional<fs::path> key;
  };
  std::vector<Planned> planned;
  planned.reserve(devices.size());
  for (const auto& device : devices) {
    Planned files{outdir / "csv" / (device.name + ".csv"), outdir / "bin" / (device.name + ".bin"), std::nullopt};
    if (device.key_file) files.key = outdir / "keys" / ("keys-" + device.name + ".bin");
    planned.push_back(std::move(files));
  }
  nlohmann::json list = nlohmann::json::array();
  if (context.options.json)
    for (std::size_t i = 0; i < devices.size(); ++i) {
      nlohmann::json entry = {{"name", devices[i].name}, {"row", input.device_lines[i]},
                              {"bin", {{"path", planned[i].bin.string()}, {"sha256", to_hex(sha256(devices[i].image))}}},
                              {"csv", {{"path", planned[i].csv.string()}, {"sha256", to_hex(sha256(to_bytes(devices[i].csv)))}}}};
      if (planned[i].key) entry["keyfile"] = planned[i].key->string();
      list.push_back(entry);
    }
  std::vector<Bytes> csv_bytes;
  csv_bytes.reserve(devices.size());
  std::vector<StagedFile> files;
  files.reserve(devices.size() * 3);
  for (std::size_t i = 0; i < devices.size(); ++i) {
    csv_bytes.push_back(to_bytes(devices[i].csv));
    files.push_back(StagedFile{"csv", planned[i].csv.filename().string(), &csv_bytes.back()});
    files.push_back(StagedFile{"bin", planned[i].bin.filename().string(), &devices[i].image});
    if (planned[i].key) files.push_back(StagedFile{"keys", planned[i].key->filename().string(), &*devices[i].key_file, FileMode::Secret});
  }
  write_batch(outdir, files, options.jobs);
  if (context.options.json) {
    context.out.document({{"ok", true}, {"devices", list}, {"count", devices.size()}});
    return;
  }
  context.out.result(fmt::format("created {} device images in {}", devices.size(), (outdir / "bin").string()));
}

}  // namespace

void setup_mfg(CLI::App& app, Context& context) {
  auto* mfg = app.add_subcommand("mfg", "Mass manufacturing: one NVS image per device from a config CSV and a values CSV (like mfg_gen.py)");
  mfg->require_subcommand(1);
  auto args = std::make_shared<MfgArgs>();
  auto* generate = mfg->add_subcommand("generate", "Build <outdir>/bin/<prefix>-<id>.bin and <outdir>/csv/<prefix>-<id>.csv for every values row");
  args->positionals.resize(4);
  generate->add_option("CONFIG.csv", args->positionals[0], "Config CSV: key,type,encoding rows (namespace rows: name,namespace,)")->required()->type_name("");
  generate->add_option("VALUES.csv", args->positionals[1], "Values CSV: a header of keys, then one row per device")->required()->type_name("");
  generate->add_option("PREFIX", args->positionals[2], "Start of every output file name")->required()->type_name("");
  generate->add_option("SIZE", args->positionals[3], "NVS partition size: 0x3000, 12288 or 12K")->required()->type_name("");
  generate->add_option("--version", args->version, "NVS format 1 or 2 (default 2)")->check(CLI::IsMember({1, 2}));
  generate->add_option("--outdir", args->outdir, "Folder that gets bin/, csv/ (and keys/); created when missing, removed again if the run fails (default: current folder)");
  generate->add_option("--fileid", args->fileid, "Values column whose value names each device's files (default: row number 1, 2, ...)");
  generate->add_option("--prefix_num", args->prefix_num, "START DIGITS: add a counter START, START+1, ... zero-padded to DIGITS to the names")->expected(2);
  generate->add_option("--input-key,--inputkey", args->inputkey, "Encrypt every image with this key file");
  generate->add_flag("--keygen", args->keygen, "Encrypt every image with its own random keys, written to <outdir>/keys/keys-<name>.bin");
  generate->add_option("--jobs,-j", args->jobs, "Devices built in parallel (default: number of cores)");
  generate->add_option("--base-dir", args->base_dir, "Resolve relative paths of file values against this folder (default: current folder)");
  generate->footer(
      "Example: fwprov mfg generate config.csv values.csv dev 0x3000 --fileid serial_no --outdir out\n"
      "config.csv rows: key,type,encoding[,REPEAT]  (namespace rows: name,namespace,)\n"
      "values.csv: a header of keys, then one row per device");
  generate->callback([&context, args] { run_mfg(context, *args); });
}

}  // namespace fwprov::cli
