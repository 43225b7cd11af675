// `fwprov flash`: esptool-compatible flashing of an ESP32 over serial or socket://.
#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <future>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "flash_sources.hpp"
#include "port_options.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/esp/loader.hpp"
#include "fwprov/esp/write_plan.hpp"
#include "fwprov/image/patch.hpp"
#include "fwprov/partitions/format.hpp"

namespace fwprov::cli {
namespace {

using namespace fwprov::esp;

struct FlashOptions {
  std::string chip = "auto";
  PortOptions port;
  std::uint32_t baud = 115200;
  std::string before = "default_reset";
  std::string after = "hard_reset";
  std::string stub_file;
  std::string stub_dir;
  bool no_stub = false;
  double timeout_seconds = 3.0;
  int connect_attempts = 7;
  std::string table;                        // --table FILE (CSV or binary) for NAME=FILE items
  std::string partition_table_offset = "0x8000";
  // CHANGE_BAUDRATE in the ROM, then the stub upload at the new rate: --baud-before-stub
  // forces it, --baud-after-stub forbids it (esptool's order), neither: the chip table says.
  bool baud_before_stub = false;
  bool baud_after_stub = false;
};

struct WriteArgs {
  std::vector<std::string> pairs;
  std::string flash_mode = "keep";
  std::string flash_freq = "keep";
  std::string flash_size = "keep";
  bool no_compress = false;
  bool compress_flag = false;  // esptool's -z: compression is the default anyway
  bool no_verify = false;
  bool erase_all = false;
  bool force = false;
  bool skip_unchanged = false;
  std::string from;  // ESP-IDF build/flasher_args.json
};

// --chip NAME: the chip table's entry; "auto": nullptr.
const Target* chip_option(const std::string& name) {
  if (name == "auto") return nullptr;
  if (const Target* target = target_by_name(name)) return target;
  std::string names = "auto";
  for (const auto& target : all_targets()) names += ", " + std::string(target.esptool_name);
  throw Error(ErrorKind::Usage, fmt::format("--chip {}: unknown chip (choose from {})", name, names));
}

std::uint32_t parse_address(const std::string& text, const char* what) {
  auto value = parse_size(text);
  if (!value || *value > 0xFFFFFFFFu) throw Error(ErrorKind::Usage, fmt::format("{} '{}' is not a number (e.g. 0x1000)", what, text));
  return static_cast<std::uint32_t>(*value);
}

std::string size_text(std::uint32_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return fmt::format("{}MB", bytes >> 20);
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{}KB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

// The one port of a single-device operation (only `write` takes several).
std::string chosen_port(const FlashOptions& options) {
  auto ports = selected_ports(options.port);
  if (ports.size() > 1)
    throw Error(ErrorKind::Usage, fmt::format("{} ports selected ({}, {}{}); only `flash write` works on several ports", ports.size(),
                                              ports[0], ports[1], ports.size() > 2 ? ", ..." : ""));
  return ports.front();
}

// A connected session, set up the way esptool does before any flash operation.
class Session {
 public:
  Session(Context& context, const FlashOptions& options) : context_(context), options_(options) {
    const Target* expected = chip_option(options.chip);
    auto before = parse_before_reset(options.before);
    if (!before) throw Error(ErrorKind::Usage, "--before " + options.before + ": expected default_reset, usb_reset, no_reset or no_reset_no_sync");
    auto after = parse_after_reset(options.after);
    if (!after) throw Error(ErrorKind::Usage, "--after " + options.after + ": expected hard_reset, soft_reset, no_reset or no_reset_stub");
    after_ = *after;
    if (options.timeout_seconds <= 0 || options.timeout_seconds > 600) throw Error(ErrorKind::Usage, "--timeout must be between 0 and 600 seconds");
    // A --stub file is read before touching the port, so a bad file fails early.
    if (!options.no_stub && !options.stub_file.empty()) stub_ = load_stub_json(options.stub_file);
    if (after_ == AfterReset::SoftReset && !options.no_stub)
      throw Error(ErrorKind::Usage, "--after soft_reset is not supported by the stub; add --no-stub or use hard_reset");

    LoaderOptions loader_options;
    loader_options.before = *before;
    loader_options.connect_attempts = options.connect_attempts;
    loader_options.command_timeout = Millis(static_cast<std::int64_t>(options.timeout_seconds * 1000));
    loader_options.expected_chip = expected;
    transport_ = open_transport(chosen_port(options), std::min<std::uint32_t>(options.baud, 115200));
    loader_.emplace(*transport_, loader_options);
    context.out.note(fmt::format("Connecting to {} ...", transport_->description()));
    loader_->connect();
    const auto& chip = loader_->chip();
    context.out.note(fmt::format("Chip is {}, MAC {}, crystal {} MHz", chip.description, esp32::format_mac(chip.mac), chip.crystal_mhz));
    start_stub();
    if (options.baud > 115200 && !early_baud_) {
      loader_->change_baud(options.baud);
      context.out.note(fmt::format("Changed baud rate to {}", options.baud));
    }
  }

  // The chip's own stub (by revision on the ESP32-P4), or the ROM loader, said loudly.
  void start_stub() {
    const Target& target = loader_->target();
    if (options_.no_stub) {
      if (loader_->personality() == Personality::Rom) context_.out.note("Using the ROM loader (--no-stub)");
      return;
    }
    const StubBuild* build = target.stub_for(loader_->chip().revision());
    if (build == nullptr) {
      context_.out.warning({{}, fmt::format("no flasher stub exists for the {}; using the ROM loader (slower, no read)", loader_->chip().description)});
      return;
    }
    if (!stub_) {
      if (auto path = find_stub(build->file, options_.stub_dir)) stub_ = load_stub_json(*path);
    }
    if (!stub_) {
      if (loader_->personality() == Personality::Stub) return;  // one is running already
      context_.out.warning({{}, fmt::format("no {}.json flasher stub found (looked in --stub-dir, $FWPROV_STUB_DIR, esptool-js, esptool); "
                                            "FALLING BACK TO THE ROM LOADER: slower, and the {} ROM {}",
                                            build->file, target.display_name,
                                            target.rom_has_slow_read ? "reads flash 64 bytes at a time" : "cannot read flash at all")});
      return;
    }
    if (!build->loads_at(stub_->text_start)) check_stub_load_address(*stub_, build->text_start, target.display_name);
    bool was_running = loader_->personality() == Personality::Stub;
    // At 115200 the ~6.5 KB stub upload costs ~0.6 s; after a ROM CHANGE_BAUDRATE it goes at
    // the new rate. By default only on chips whose stubs keep the ROM's UART divider
    // (Target::stub_keeps_rom_baud, docs/flash.md "Connect").
    bool early = options_.baud_before_stub || (!options_.baud_after_stub && target.stub_keeps_rom_baud &&
                                               !transport_->is_usb_serial_jtag());
    if (early && options_.baud > 115200 && !was_running) {
      loader_->change_baud(options_.baud);
      early_baud_ = true;
      context_.out.note(fmt::format("Changed baud rate to {} (ROM, before the stub)", options_.baud));
    }
    loader_->run_stub(*stub_);
    context_.out.note(was_running ? "Stub already running" : fmt::format("Stub running (from {})", stub_->source.string()));
  }

  Loader& loader() { return *loader_; }

  // RDID, then SPI_ATTACH/SPI_SET_PARAMS with the detected (or given) size.
  std::uint32_t prepare_flash(std::optional<std::uint32_t> size_override = std::nullopt) {
    flash_id_ = loader_->flash_id();
    std::uint32_t size = size_override.value_or(flash_id_.size.value_or(4u << 20));
    if (!flash_id_.size && !size_override)
      context_.out.warning({{}, fmt::format("could not detect the flash size (RDID 0x{:06X}); assuming 4MB", flash_id_.raw)});
    loader_->attach_flash(size);
    flash_size_ = size;
    return size;
  }
  const FlashId& flash_id() const { return flash_id_; }

  void finish() {
    loader_->leave(after_);
    const auto& wire = loader_->wire();
    context_.out.detail(fmt::format("wire: {} bytes sent, {} bytes received", wire.sent, wire.received));
  }

  nlohmann::json chip_json() const {
    const auto& chip = loader_->chip();
    nlohmann::json security = nullptr;
    if (chip.security) {
      const auto& info = *chip.security;
      security = {{"flags", fmt::format("0x{:08X}", info.flags)},
                  {"secure_boot", info.secure_boot()},
                  {"flash_crypt_cnt", info.flash_crypt_cnt},
                  {"flash_encryption", info.flash_encryption()},
                  {"secure_download_mode", info.secure_download_mode()},
                  {"jtag_disabled", info.jtag_soft_disabled() || info.jtag_hard_disabled()}};
      if (info.chip_id) security["chip_id"] = *info.chip_id;
    }
    return {{"chip", chip.name},
            {"esptool_name", std::string(chip.target->esptool_name)},
            {"chip_id", chip.target->image_chip_id},
            {"security", security},
            {"description", chip.description},
            {"revision", fmt::format("v{}.{}", chip.major_revision, chip.minor_revision)},
            {"mac", esp32::format_mac(chip.mac)},
            {"crystal_mhz", chip.crystal_mhz},
            {"loader", loader_->personality() == Personality::Stub ? "stub" : "rom"}};
  }
  nlohmann::json wire_json() const { return {{"sent", loader_->wire().sent}, {"received", loader_->wire().received}}; }

 private:
  Context& context_;
  const FlashOptions& options_;
  AfterReset after_ = AfterReset::HardReset;
  std::optional<StubImage> stub_;
  bool early_baud_ = false;  // --baud-before-stub changed the rate in the ROM already
  std::unique_ptr<Transport> transport_;
  std::optional<Loader> loader_;
  FlashId flash_id_;
  std::uint32_t flash_size_ = 0;
};

// --flash_size detect: the header gets the size read from the chip's JEDEC ID (esptool).
bool detect_size(const WriteArgs& args) { return args.flash_size == "detect"; }

image::FlashParams image_params(const WriteArgs& args, const std::string& size, const Target& target) {
  return image::FlashParams::parse(args.flash_mode, args.flash_freq, size, target.image_chip_id);
}

// The plan for the connected chip. Before connecting, with --chip auto, only the files and
// their overlaps are checked (the frequency names and bootloader offset depend on the chip).
std::vector<PlannedWrite> plan_for(const WriteArgs& args, const std::vector<WriteRequest>& requests, const Target* target,
                                   std::uint32_t flash_size) {
  if (target == nullptr) return plan_writes(requests, image::FlashParams{}, flash_size);
  std::string size = detect_size(args) ? (flash_size != 0 ? size_text(flash_size) : "keep") : args.flash_size;
  return plan_writes(requests, image_params(args, size, *target), flash_size, *target);
}

void report_patches(Context& context, const std::vector<PlannedWrite>& plan) {
  for (const auto& write : plan) {
    if (write.patch_warning) context.out.warning({SourceLocation(write.file.string()), write.patch_note});
    if (write.header_patched) context.out.note(fmt::format("{}: flash parameters set in the image header", write.file.string()));
  }
}

// esptool's chip id / revision checks on every image file, before any byte is written.
void guard_images(Context& context, const std::vector<PlannedWrite>& plan, Session& session, bool force) {
  const auto& chip = session.loader().chip();
  auto problems = image_guard_problems(plan, *chip.target, chip.major_revision, chip.minor_revision);
  if (problems.empty()) return;
  if (!force) {
    std::string joined;
    for (const auto& problem : problems) joined += (joined.empty() ? "" : "; ") + problem;
    throw Error(ErrorKind::Input, joined);
  }
  for (const auto& problem : problems) context.out.warning({{}, problem + " (--force: writing anyway)"});
}

// What to write: the items of the command line (or --from), the flash parameters and chip an
// argument file / flasher_args.json carries where the command line left the defaults, and the
// partition table when names need one and --table gives it.
struct WriteSources {
  FlashInputs inputs;
  WriteArgs args;
  FlashOptions options;
  std::optional<partitions::PartitionTable> table;
  std::uint32_t table_offset = 0x8000;
};

WriteSources write_sources(Context& context, const FlashOptions& options, const WriteArgs& args, const char* command) {
  WriteSources sources;
  sources.args = args;
  sources.options = options;
  if (!args.from.empty() && !args.pairs.empty())
    throw Error(ErrorKind::Usage, fmt::format("{}: give either --from flasher_args.json or ADDRESS FILE pairs, not both", command));
  sources.inputs = args.from.empty() ? parse_flash_items(args.pairs, command) : load_flasher_args(args.from);
  const auto& in = sources.inputs;
  if (sources.args.flash_mode == "keep" && !in.flash_mode.empty()) sources.args.flash_mode = in.flash_mode;
  if (sources.args.flash_freq == "keep" && !in.flash_freq.empty()) sources.args.flash_freq = in.flash_freq;
  if (sources.args.flash_size == "keep" && !in.flash_size.empty()) sources.args.flash_size = in.flash_size;
  if (sources.options.chip == "auto" && !in.chip.empty()) sources.options.chip = in.chip;
  sources.table_offset = parse_address(options.partition_table_offset, "--partition-table-offset");
  if (!options.table.empty()) sources.table = load_partition_table_file(options.table, sources.table_offset, context.out.warning_sink());
  return sources;
}

// The table from the device, when names need it and no --table was given.
void read_device_table(Context& context, Session& session, WriteSources& sources) {
  if (sources.table || !sources.inputs.needs_table()) return;
  context.out.note(fmt::format("Reading the partition table at 0x{:X} ...", sources.table_offset));
  Bytes bytes = session.loader().read_flash(sources.table_offset, partitions::kTableMaxLength, {});
  sources.table = parse_device_partition_table(bytes, sources.table_offset, context.out.warning_sink());
}

std::vector<WriteRequest> requests_of(Context& context, const WriteSources& sources) {
  return resolve_flash_items(sources.inputs, sources.table ? &*sources.table : nullptr, context.out.warning_sink());
}

Md5 padded_md5(const Bytes& bytes) {
  Bytes padded(bytes);
  padded.resize((padded.size() + 3) / 4 * 4, 0xFF);
  return md5(padded);
}

// What `write` knows before any port is opened: the sources, the plan as far as it can be
// made without the chip (all of it with --chip NAME and no names needing the device's table),
// and every image's compression, started in the background so it runs during the connect.
struct PreparedWrite {
  WriteSources sources;
  const Target* expected = nullptr;
  std::optional<std::uint32_t> size_override;
  bool resolved = false;  // the plan does not need the device's partition table
  std::vector<WriteRequest> requests;
  std::vector<PlannedWrite> plan;
  // Shared: several ports read one stream, each while it is still growing. Declared after
  // `plan`, whose bytes the streams read: members are destroyed in reverse order, and a moved
  // plan keeps its buffers.
  std::vector<std::shared_ptr<DeflateStream>> compressing;
};

PreparedWrite prepare_write(Context& context, const FlashOptions& given_options, const WriteArgs& given_args) {
  if (given_args.erase_all && given_args.skip_unchanged) throw Error(ErrorKind::Usage, "--skip-unchanged and --erase-all contradict each other");
  PreparedWrite prepared;
  prepared.sources = write_sources(context, given_options, given_args, "write");
  const WriteArgs& args = prepared.sources.args;
  prepared.expected = chip_option(prepared.sources.options.chip);
  if (args.flash_size != "keep" && !detect_size(args)) prepared.size_override = parse_address(args.flash_size, "--flash_size");
  // Files are read, patched and checked before the port is opened (when names need the
  // device's partition table, only their presence is checked before).
  prepared.resolved = !prepared.sources.inputs.needs_table() || prepared.sources.table;
  if (prepared.resolved) {
    prepared.requests = requests_of(context, prepared.sources);
    prepared.plan = plan_for(args, prepared.requests, prepared.expected, prepared.size_override.value_or(0));
  } else {
    for (const auto& item : prepared.sources.inputs.items) read_file(item.file);
  }
  if (prepared.expected && !detect_size(args)) report_patches(context, prepared.plan);
  if (!args.no_compress)
    for (const auto& write : prepared.plan)
      prepared.compressing.push_back(std::make_shared<DeflateStream>(write.bytes));
  return prepared;
}

struct PortWrite {
  nlohmann::json device, files = nlohmann::json::array(), wire;
};

// One board: connect, make the final plan for the chip found, check, write (or skip) every
// image, reset. `context` gets this port's notes, progress and results.
PortWrite write_port(Context& context, const PreparedWrite& prepared, const FlashOptions& options) {
  const WriteArgs& args = prepared.sources.args;
  Session session(context, options);
  std::uint32_t flash_size = session.prepare_flash(prepared.size_override);
  const Target& target = session.loader().target();
  std::vector<WriteRequest> requests = prepared.requests;
  if (!prepared.resolved) {
    WriteSources sources = prepared.sources;
    read_device_table(context, session, sources);
    requests = requests_of(context, sources);
  }
  const std::vector<PlannedWrite>* plan = &prepared.plan;
  std::vector<PlannedWrite> final_plan;
  std::vector<bool> recompress(prepared.plan.size(), false);
  if (!prepared.expected || detect_size(args) || !prepared.resolved) {
    final_plan = plan_for(args, requests, &target, flash_size);
    report_patches(context, final_plan);
    for (std::size_t i = 0; i < prepared.plan.size() && i < final_plan.size(); ++i) recompress[i] = final_plan[i].bytes != prepared.plan[i].bytes;
    recompress.resize(final_plan.size(), true);
    plan = &final_plan;
  }
  check_fits(*plan, flash_size);
  guard_images(context, *plan, session, args.force);
  if (args.erase_all) {
    context.out.note("Erasing the whole flash ...");
    session.loader().erase_flash(flash_size);
  }
  PortWrite result;
  for (std::size_t i = 0; i < plan->size(); ++i) {
    const auto& write = (*plan)[i];
    if (args.skip_unchanged) {
      auto check_started = std::chrono::steady_clock::now();
      Md5 wanted = padded_md5(write.bytes);
      auto padded_size = static_cast<std::uint32_t>((write.bytes.size() + 3) / 4 * 4);
      if (session.loader().flash_md5(write.offset, padded_size) == wanted) {
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - check_started).count();
        context.out.result(fmt::format("Skipped {} at 0x{:08X}: the flash already holds it (MD5 {})", write.file.string(),
                                       write.offset, to_hex(wanted)));
        result.files.push_back({{"file", write.file.string()}, {"offset", write.offset}, {"size", padded_size},
                                {"md5", to_hex(wanted)}, {"skipped", true}, {"verified", true}, {"seconds", seconds}});
        continue;
      }
    }
    WriteOptions write_options;
    write_options.compress = !args.no_compress;
    // A chip-specific final image (auto-detected chip, detected size) is compressed by write_flash itself.
    if (!args.no_compress && i < prepared.compressing.size() && !recompress[i]) write_options.stream = prepared.compressing[i].get();
    write_options.verify = !args.no_verify;
    write_options.progress = context.out.progress(fmt::format("Writing {} at 0x{:08X}", write.file.filename().string(), write.offset));
    auto file_started = std::chrono::steady_clock::now();
    auto report = session.loader().write_flash(write.offset, write.bytes, write_options);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - file_started).count();
    std::string md5_hex = to_hex(report.md5);
    context.out.result(fmt::format("Wrote {} bytes{} at 0x{:08X} from {} in {:.2f} s{}", report.size,
                                   args.no_compress ? "" : fmt::format(" ({} compressed)", report.payload_size), write.offset,
                                   write.file.string(), seconds, report.verified ? ", MD5 verified" : ""));
    result.files.push_back({{"file", write.file.string()},
                            {"offset", write.offset},
                            {"size", report.size},
                            {"payload_size", report.payload_size},
                            {"compressed", !args.no_compress},
                            {"header_patched", write.header_patched},
                            {"md5", md5_hex},
                            {"skipped", false},
                            {"verified", report.verified}});
    if (context.out.verbose()) result.files.back()["seconds"] = std::round(seconds * 1e6) / 1e6;  // identical runs, identical JSON
  }
  result.device = session.chip_json();
  session.finish();
  result.wire = session.wire_json();
  return result;
}

// One port's outcome in a multi-port write.
struct PortOutcome {
  std::string port;
  bool ok = false;
  int exit_code = 0;
  std::string error;
  PortWrite written;
  double seconds = 0;
};

// `flash -p A -p B ... write`: the same images to every port at once, one thread and one
// connection per port; every image is compressed once, in the background, for all ports. A
// port that fails (no answer, a broken link, an MD5 mismatch, an image for another chip) is
// reported and never disturbs the others.
void run_write_many(Context& context, const FlashOptions& options, const WriteArgs& args, const std::vector<std::string>& ports) {
  if (detect_size(args))
    throw Error(ErrorKind::Usage, "--flash_size detect with several ports: the boards may differ; give the size (e.g. 4MB) or keep");
  auto started = std::chrono::steady_clock::now();
  PreparedWrite prepared = prepare_write(context, options, args);
  context.out.note(fmt::format("Writing {} file(s) to {} ports at once ...", prepared.sources.inputs.items.size(), ports.size()));
  std::vector<PortOutcome> outcomes(ports.size());
  std::vector<std::thread> workers;
  for (std::size_t p = 0; p < ports.size(); ++p) {
    workers.emplace_back([&, p] {
      PortOutcome& outcome = outcomes[p];
      outcome.port = ports[p];
      auto port_started = std::chrono::steady_clock::now();
      Context quiet;  // the sessions' notes would interleave between ports; results come at the end
      quiet.options = context.options;
      quiet.options.quiet = true;
      quiet.options.json = true;
      FlashOptions one = prepared.sources.options;
      one.port = only_port(ports[p]);
      try {
        outcome.written = write_port(quiet, prepared, one);
        outcome.ok = true;
      } catch (const Error& error) {
        outcome.exit_code = exit_code(error.kind());
        outcome.error = error.what();
      } catch (const std::exception& error) {
        outcome.exit_code = exit_code(ErrorKind::Internal);
        outcome.error = error.what();
      }
      outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - port_started).count();
    });
  }
  for (auto& worker : workers) worker.join();
  double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::size_t failed = 0;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& outcome : outcomes) {
    if (!outcome.ok) {
      ++failed;
      if (context.exit_code == 0) context.exit_code = outcome.exit_code;
    }
    list.push_back({{"port", outcome.port},
                    {"ok", outcome.ok},
                    {"seconds", outcome.seconds},
                    {"device", outcome.written.device},
                    {"files", outcome.written.files},
                    {"wire", outcome.written.wire},
                    {"error", outcome.ok ? nlohmann::json(nullptr) : nlohmann::json(outcome.error)},
                    {"exit_code", outcome.exit_code}});
    if (outcome.ok)
      context.out.result(fmt::format("{}: MAC {}, wrote {} file(s){} in {:.2f} s", outcome.port, outcome.written.device.value("mac", "?"),
                                     outcome.written.files.size(), args.no_verify ? "" : ", MD5 verified", outcome.seconds));
    else
      context.out.error(fmt::format("{}: FAILED (exit {}) after {:.2f} s: {}", outcome.port, outcome.exit_code, outcome.seconds, outcome.error));
  }
  context.out.result(fmt::format("{} of {} ports written in {:.2f} s", ports.size() - failed, ports.size(), total));
  if (context.out.json()) {
    nlohmann::json doc = {{"ok", failed == 0}, {"ports", list}, {"failed", failed}};
    context.out.add_timing(doc, "seconds", total);
    context.out.document(doc);
  }
}

void run_write(Context& context, const FlashOptions& options, const WriteArgs& args) {
  auto ports = selected_ports(options.port);
  if (ports.size() > 1) return run_write_many(context, options, args, ports);
  auto started = std::chrono::steady_clock::now();
  FlashOptions one = options;  // the port chosen here: the session does not list the ports again
  one.port = only_port(ports.front());
  PreparedWrite prepared = prepare_write(context, one, args);
  PortWrite written = write_port(context, prepared, prepared.sources.options);
  double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (context.out.json()) {
    nlohmann::json doc = {{"device", written.device}, {"files", written.files}, {"wire", written.wire}};
    context.out.add_timing(doc, "seconds", total);
    context.out.document(doc);
  }
}

// verify compares with what `write` with the same options sent: the bootloader gets the same
// --flash_mode/--flash_freq/--flash_size patch. A bootloader that differs from its file only in
// header bytes 2-3 (and the digest) is named as such.
void run_verify(Context& context, const FlashOptions& given_options, const WriteArgs& given_args) {
  WriteSources sources = write_sources(context, given_options, given_args, "verify");
  const WriteArgs& args = sources.args;
  const FlashOptions& options = sources.options;
  const Target* expected = chip_option(options.chip);
  if (!sources.inputs.needs_table() || sources.table) plan_for(args, requests_of(context, sources), expected, 0);  // files first
  Session session(context, options);
  std::uint32_t flash_size = session.prepare_flash();
  const Target& target = session.loader().target();
  read_device_table(context, session, sources);
  auto plan = plan_for(args, requests_of(context, sources), &target, flash_size);
  check_fits(plan, flash_size);
  nlohmann::json files = nlohmann::json::array();
  int differing = 0;
  for (const auto& write : plan) {
    Md5 expected_md5 = md5(write.bytes);
    Md5 got = session.loader().flash_md5(write.offset, static_cast<std::uint32_t>(write.bytes.size()));
    bool same = got == expected_md5;
    std::string note;
    if (!same && write.offset == target.bootloader_offset && write.bytes.size() >= 24 && write.bytes[0] == 0xE9) {
      // Only the flash parameters differ? Compare everything but header bytes 2-3 and the digest.
      Bytes head = session.loader().read_flash_if_possible(write.offset, 4);
      if (!head.empty()) {
        Bytes candidate = write.bytes;
        candidate[2] = head[2];
        candidate[3] = head[3];
        auto repatched = image::patch_flash_params(candidate, write.offset,
                                                   image::FlashParams{head[2], static_cast<std::uint8_t>(head[3] & 0x0F),
                                                                      static_cast<std::uint8_t>(head[3] & 0xF0)},
                                                   target.bootloader_offset);
        if (session.loader().flash_md5(write.offset, static_cast<std::uint32_t>(repatched.bytes.size())) == md5(repatched.bytes))
          note = fmt::format(" (only the flash parameters in the bootloader header differ: flash has 0x{:02X}{:02X}, "
                             "the file as written now would have 0x{:02X}{:02X}; pass the --flash_mode/--flash_freq/--flash_size "
                             "that write used)",
                             head[2], head[3], write.bytes[2], write.bytes[3]);
      }
    }
    if (!same) ++differing;
    context.out.result(fmt::format("0x{:08X} {}: {}{}", write.offset, write.file.string(), same ? "OK" : "DIFFERS", note));
    files.push_back({{"file", write.file.string()}, {"offset", write.offset}, {"size", write.bytes.size()},
                     {"expected_md5", to_hex(expected_md5)}, {"flash_md5", to_hex(got)}, {"match", same},
                     {"only_flash_params_differ", !note.empty()}});
  }
  session.finish();
  if (differing) {
    context.out.error(fmt::format("{} of {} regions differ from their files", differing, plan.size()));
    context.exit_code = exit_code(ErrorKind::Mismatch);
  }
  if (context.out.json()) context.out.document({{"ok", differing == 0}, {"files", files}});
}

// `read ADDRESS SIZE OUTPUT` or `read NAME OUTPUT` (a partition of --table or the device's table).
void run_read(Context& context, const FlashOptions& options, const std::vector<std::string>& read_args) {
  if (read_args.size() != 2 && read_args.size() != 3)
    throw Error(ErrorKind::Usage, "read takes ADDRESS SIZE OUTPUT, or NAME OUTPUT for a partition");
  if (read_args.size() == 2 && parse_size(read_args[0]))  // an address where a partition name belongs
    throw Error(ErrorKind::Usage, fmt::format("read {} {}: give ADDRESS SIZE OUTPUT, or a partition NAME and OUTPUT", read_args[0], read_args[1]));
  const std::string& out = read_args.back();
  std::optional<partitions::PartitionTable> table;
  const std::uint32_t table_offset = parse_address(options.partition_table_offset, "--partition-table-offset");
  if (!options.table.empty()) table = load_partition_table_file(options.table, table_offset, context.out.warning_sink());
  std::uint32_t address = 0, size = 0;
  if (read_args.size() == 3) {
    address = parse_address(read_args[0], "address");
    size = parse_address(read_args[1], "size");
    if (size == 0) throw Error(ErrorKind::Usage, "read: SIZE must be more than 0");
  } else if (table) {
    const auto& partition = find_partition(*table, read_args[0]);
    address = partition.offset;
    size = partition.size;
  }
  auto out_dir = std::filesystem::path(out).parent_path();
  if (!out_dir.empty() && !std::filesystem::is_directory(out_dir))
    throw Error(ErrorKind::Io, SourceLocation(out), "the output folder does not exist");
  Session session(context, options);
  std::uint32_t flash_size = session.prepare_flash();
  if (read_args.size() == 2 && !table) {
    Bytes bytes = session.loader().read_flash(table_offset, partitions::kTableMaxLength, {});
    const auto device_table = parse_device_partition_table(bytes, table_offset, context.out.warning_sink());
    const auto& partition = find_partition(device_table, read_args[0]);  // a reference into device_table
    address = partition.offset;
    size = partition.size;
  }
  if (static_cast<std::uint64_t>(address) + size > flash_size)
    throw Error(ErrorKind::Usage, fmt::format("read: 0x{:X}+0x{:X} goes beyond the {} flash", address, size, size_text(flash_size)));
  Bytes data = session.loader().read_flash(address, size, context.out.progress(fmt::format("Reading 0x{:08X}", address)));
  session.finish();
  const std::size_t read_bytes = data.size();
  const std::string md5_hex = to_hex(md5(data));
  write_output(context, out, std::move(data), "flash-dump");  // `-`: the bytes to stdout
  if (!is_stdio(out)) context.out.result(fmt::format("Read {} bytes at 0x{:08X} into {}", read_bytes, address, out));
  if (context.out.json())
    context.out.document({{"offset", address}, {"size", read_bytes}, {"file", out}, {"md5", md5_hex}});
}

// `erase` (whole chip), `erase ADDRESS SIZE`, or `erase NAME` (a partition).
void run_erase(Context& context, const FlashOptions& options, const std::vector<std::string>& region) {
  if (region.size() > 2) throw Error(ErrorKind::Usage, "erase takes no arguments (whole chip), ADDRESS SIZE, or a partition NAME");
  std::optional<std::pair<std::uint32_t, std::uint32_t>> range;
  const std::uint32_t table_offset = parse_address(options.partition_table_offset, "--partition-table-offset");
  auto check_range = [&] {
    if (range->first % 0x1000 || range->second % 0x1000 || range->second == 0)
      throw Error(ErrorKind::Usage, "erase: ADDRESS and SIZE must be multiples of 0x1000 (4 KiB sectors), SIZE more than 0");
  };
  if (region.size() == 1 && parse_size(region[0]))
    throw Error(ErrorKind::Usage, fmt::format("erase {}: give ADDRESS SIZE (4 KiB aligned), or a partition NAME", region[0]));
  if (region.size() == 2) {
    range = std::make_pair(parse_address(region[0], "address"), parse_address(region[1], "size"));
    check_range();
  } else if (region.size() == 1 && !options.table.empty()) {
    const auto table = load_partition_table_file(options.table, table_offset, context.out.warning_sink());
    const auto& partition = find_partition(table, region[0]);
    range = std::make_pair(partition.offset, partition.size);
    check_range();
  }
  Session session(context, options);
  std::uint32_t flash_size = session.prepare_flash();
  if (region.size() == 1 && !range) {
    Bytes bytes = session.loader().read_flash(table_offset, partitions::kTableMaxLength, {});
    const auto device_table = parse_device_partition_table(bytes, table_offset, context.out.warning_sink());
    const auto& partition = find_partition(device_table, region[0]);
    range = std::make_pair(partition.offset, partition.size);
    check_range();
  }
  if (range) {
    if (static_cast<std::uint64_t>(range->first) + range->second > flash_size)
      throw Error(ErrorKind::Usage, fmt::format("erase: region goes beyond the {} flash", size_text(flash_size)));
    session.loader().erase_region(range->first, range->second);
    context.out.result(fmt::format("Erased 0x{:X} bytes at 0x{:08X}", range->second, range->first));
  } else {
    session.loader().erase_flash(flash_size);
    context.out.result(fmt::format("Erased the whole flash ({})", size_text(flash_size)));
  }
  session.finish();
  if (context.out.json()) context.out.document({{"ok", true}});
}

void run_id(Context& context, const FlashOptions& options) {
  Session session(context, options);
  session.prepare_flash();
  const auto& id = session.flash_id();
  auto chip = session.chip_json();
  session.finish();
  std::string size = id.size ? size_text(*id.size) : "unknown";
  if (context.out.json()) {
    chip["flash"] = {{"manufacturer", fmt::format("{:02x}", id.manufacturer)},
                     {"device", fmt::format("{:04x}", id.device)},
                     {"size", id.size ? nlohmann::json(*id.size) : nlohmann::json(nullptr)}};
    context.out.document(chip);
    return;
  }
  context.out.result("Chip:      " + chip["description"].get<std::string>() +
                     fmt::format(" [{}, chip id {}]", chip["esptool_name"].get<std::string>(), chip["chip_id"].get<unsigned>()));
  context.out.result("MAC:       " + chip["mac"].get<std::string>());
  context.out.result(fmt::format("Crystal:   {} MHz", chip["crystal_mhz"].get<unsigned>()));
  context.out.result(fmt::format("Flash:     manufacturer {:02x}, device {:04x}, size {}", id.manufacturer, id.device, size));
  const auto& security = chip["security"];
  if (security.is_null()) {
    context.out.result("Security:  not reported (the ESP32 ROM has no GET_SECURITY_INFO)");
  } else {
    auto yes = [](bool on) { return on ? "yes" : "no"; };
    context.out.result(fmt::format("Security:  flags {}, secure boot {}, flash encryption {} (count {}), secure download mode {}, JTAG disabled {}",
                                   security["flags"].get<std::string>(), yes(security["secure_boot"].get<bool>()),
                                   yes(security["flash_encryption"].get<bool>()), security["flash_crypt_cnt"].get<unsigned>(),
                                   yes(security["secure_download_mode"].get<bool>()), yes(security["jtag_disabled"].get<bool>())));
  }
}

void add_image_params(CLI::App* command, WriteArgs& args) {
  command->add_option("--flash_mode,--flash-mode,--fm", args.flash_mode, "Flash mode for the bootloader header (at the chip's bootloader offset: 0x1000 ESP32/S2, 0x0 most, 0x2000 C5/P4): qio|qout|dio|dout|keep")
      ->capture_default_str();
  command->add_option("--flash_freq,--flash-freq,--ff", args.flash_freq, "Flash frequency for the header: the chip's names (ESP32/S2/S3/C3/P4 80m|40m|26m|20m, C2 60m..15m, H2 48m..12m, C6/C5/C61 80m|40m|20m) or keep")
      ->capture_default_str();
  command->add_option("--flash_size,--flash-size,--fs", args.flash_size,
                      "Flash size: 1MB..128MB sets the header and SPI parameters; keep/detect use the detected size")
      ->capture_default_str();
}

}  // namespace

void setup_flash(CLI::App& app, Context& context) {
  auto options = std::make_shared<FlashOptions>();
  auto write = std::make_shared<WriteArgs>();
  auto verify = std::make_shared<WriteArgs>();
  auto read_args = std::make_shared<std::vector<std::string>>();
  auto erase_args = std::make_shared<std::vector<std::string>>();

  auto* flash = app.add_subcommand("flash", "Write, read, verify or erase the flash of an ESP32, S2, S3, C2, C3, C5, C6, C61, H2 or P4 over serial (esptool-compatible)");
  flash->require_subcommand(1);
  flash->fallthrough();
  std::string chip_names = "auto";
  for (const auto& target : all_targets()) chip_names += ", " + std::string(target.esptool_name);
  flash->add_option("--chip,-c", options->chip, "Target chip: " + chip_names + " (auto detects it, a name refuses any other chip)")
      ->capture_default_str();
  add_port_options(*flash, options->port, "repeat it to `write` several boards at once");
  flash->add_option("-b,--baud", options->baud, "Baud rate after connecting (syncs at 115200, then CHANGE_BAUDRATE)")
      ->envname("ESPTOOL_BAUD")
      ->capture_default_str();
  flash->add_option("--before", options->before, "Reset before: default_reset|usb_reset|no_reset|no_reset_no_sync (dashes too)")
      ->capture_default_str();
  flash->add_option("--after,-a", options->after, "After: hard_reset|soft_reset|no_reset|no_reset_stub (dashes too)")->capture_default_str();
  auto* stub_option = flash->add_option("--stub", options->stub_file,
                                        "Flasher stub JSON (esptool/esptool-js format); default: per chip from --stub-dir, the package's\n"
                                        "share/fwprov/stubs, $FWPROV_STUB_DIR, then an installed esptool-js or esptool");
  flash->add_option("--stub-dir", options->stub_dir,
                    "Folder with the per-chip stub JSONs (esp32s3.json, esp32p4-rev1.json, ...); also $FWPROV_STUB_DIR");
  flash->add_flag("--no-stub,--no_stub", options->no_stub, "Talk to the ROM loader only (slower; no stub upload)")->excludes(stub_option);
  flash->add_option("--table", options->table, "Partition table (CSV or binary) for NAME=FILE, read NAME, erase NAME; default: read it from the device");
  flash->add_option("--partition-table-offset", options->partition_table_offset, "Where the device's partition table is (default 0x8000)")
      ->capture_default_str();
  flash->add_option("--timeout", options->timeout_seconds,
                    "Seconds to wait for a reply before resending (3 tries); longer operations scale it like esptool")
      ->capture_default_str();
  flash->add_option("--connect-attempts", options->connect_attempts, "Reset+sync rounds before giving up")->capture_default_str();
  auto* before_stub = flash->add_flag("--baud-before-stub", options->baud_before_stub,
                                      "Change the baud rate in the ROM and upload the stub at -b's rate (the default on chips "
                                      "whose stubs keep the ROM's UART rate; see docs/flash.md)");
  flash->add_flag("--baud-after-stub", options->baud_after_stub,
                  "Upload the stub at 115200 and change the rate afterwards (esptool's order; the default on ESP32, ESP32-S2, ESP32-P4)")
      ->excludes(before_stub);
  flash->footer(
      "Examples:\n"
      "  fwprov flash -p /dev/ttyUSB0 -b 460800 write --flash_mode dio --flash_freq 40m --flash_size 4MB \\\n"
      "      0x1000 bootloader.bin 0x8000 partition-table.bin 0x16000 ota_data_initial.bin 0x20000 firmware.bin\n"
      "  fwprov flash -p socket://127.0.0.1:4000 --stub esp32.json read 0x8000 0xC00 table.bin\n"
      "  fwprov --json flash -p /dev/ttyUSB0 id");

  auto* write_cmd = flash->add_subcommand("write", "Write files at addresses, compressed, each verified by MD5")->alias("write_flash")->alias("write-flash");
  write_cmd->add_option("ADDRESS FILE", write->pairs, "ADDRESS FILE ... | NAME=FILE ... | @ARGFILE (ESP-IDF build/flash_args)")->type_name("");
  write_cmd->add_option("--from", write->from, "ESP-IDF build/flasher_args.json: its files, addresses, flash settings and chip");
  add_image_params(write_cmd, *write);
  auto* no_compress = write_cmd->add_flag("--no-compress,--no_compress,-u", write->no_compress, "Send the bytes uncompressed (FLASH_DATA)");
  write_cmd->add_flag("--compress,-z", write->compress_flag, "Compress (the default; accepted for esptool command lines)")->excludes(no_compress);
  write_cmd->add_flag("--no-verify,--no_verify", write->no_verify, "Skip the MD5 check after each file");
  write_cmd->add_flag("--erase-all,--erase_all,-e", write->erase_all, "Erase the whole flash first");
  write_cmd->add_flag("--skip-unchanged,--skip-flashed,--skip_flashed", write->skip_unchanged,
                      "Ask the flash's MD5 of each region first; regions that already match are not written");
  write_cmd->add_flag("--force", write->force, "Write images whose header names another chip or excludes this chip's revision");
  write_cmd->footer("Examples:\n  fwprov flash -p /dev/ttyUSB0 -b 460800 write --flash_mode dio --flash_freq 40m --flash_size 4MB \\\n"
                    "      0x1000 bootloader.bin 0x8000 partition-table.bin 0x16000 ota_data_initial.bin 0x20000 firmware.bin\n"
                    "  fwprov flash -p /dev/ttyACM0 write --from build/flasher_args.json      # an ESP-IDF build\n"
                    "  fwprov flash -p /dev/ttyACM0 write @build/flash_args\n"
                    "  fwprov flash -p /dev/ttyUSB0 write storage=storage.bin ota_0=app.bin --table partitions.csv\n"
                    "  fwprov flash -p /dev/ttyUSB0 write --skip-unchanged 0x10000 app.bin   # rework: only what changed\n"
                    "The bootloader at the chip's bootloader offset gets the mode/freq/size in its header (as esptool). Images\n"
                    "for another chip or revision are refused (exit 3) unless --force. Exit 7 if a region's MD5 still differs\n"
                    "after one retry.\n"
                    "Several ports (-p A -p B, --ports GLOB, --port-filter): the same files to every board at once, each file\n"
                    "compressed once; one line per port at the end; a failing board never stops the others (exit code of the\n"
                    "first failure).");
  write_cmd->callback([&context, options, write] { run_write(context, *options, *write); });

  auto* verify_cmd = flash->add_subcommand("verify", "Compare flash with files by MD5 (exit 7 when any differs)")->alias("verify_flash")->alias("verify-flash");
  verify_cmd->add_option("ADDRESS FILE", verify->pairs, "ADDRESS FILE ... | NAME=FILE ... | @ARGFILE")->type_name("");
  verify_cmd->add_option("--from", verify->from, "ESP-IDF build/flasher_args.json");
  add_image_params(verify_cmd, *verify);
  verify_cmd->footer("Example:\n  fwprov flash -p /dev/ttyUSB0 verify --flash_mode dio --flash_freq 40m --flash_size 4MB 0x1000 bootloader.bin 0x20000 firmware.bin");
  verify_cmd->callback([&context, options, verify] { run_verify(context, *options, *verify); });

  auto* read_cmd = flash->add_subcommand("read", "Read SIZE bytes at ADDRESS into a file")->alias("read_flash")->alias("read-flash");
  read_cmd->add_option("ADDRESS SIZE OUTPUT", *read_args, "ADDRESS SIZE OUTPUT, or NAME OUTPUT (a partition); OUTPUT - for stdout")
      ->required()->expected(2, 3)->type_name("");
  read_cmd->footer("Example:\n  fwprov flash -p /dev/ttyUSB0 read 0x8000 0xC00 partition-table-back.bin");
  read_cmd->callback([&context, options, read_args] { run_read(context, *options, *read_args); });

  auto* erase_cmd = flash->add_subcommand("erase", "Erase the whole flash, or ADDRESS SIZE (4 KiB aligned)")->alias("erase_flash")->alias("erase-flash")->alias("erase_region")->alias("erase-region");
  erase_cmd->add_option("region", *erase_args, "[ADDRESS SIZE | NAME]");
  erase_cmd->footer("Examples:\n  fwprov flash -p /dev/ttyUSB0 erase                     # whole chip\n"
                    "  fwprov flash -p /dev/ttyUSB0 erase 0x317000 0x10000    # one region");
  erase_cmd->callback([&context, options, erase_args] { run_erase(context, *options, *erase_args); });

  auto* id_cmd = flash->add_subcommand("id", "Show chip, revision, MAC, flash ID and size, security flags")->alias("flash_id")->alias("flash-id")->alias("chip_id")->alias("chip-id")->alias("read-mac")->alias("read_mac");
  id_cmd->footer("Example:\n  fwprov --json flash -p /dev/ttyUSB0 id");
  id_cmd->callback([&context, options] { run_id(context, *options); });
}

}  // namespace fwprov::cli
