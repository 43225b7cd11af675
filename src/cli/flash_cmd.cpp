// `fwprov flash`: esptool-compatible flashing of an ESP32 over serial or socket://.
#include <fmt/core.h>

#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "flash_regions.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/esp/loader.hpp"
#include "fwprov/esp/ports.hpp"
#include "fwprov/esp/write_plan.hpp"

namespace fwprov::cli {
namespace {

using namespace fwprov::esp;

struct FlashOptions {
  std::string chip = "esp32";
  std::vector<std::string> ports;         // -p, repeatable
  std::vector<std::string> port_globs;    // --ports
  std::vector<std::string> port_filters;  // --port-filter
  std::uint32_t baud = 115200;
  std::string before = "default_reset";
  std::string after = "hard_reset";
  std::string stub_file;
  bool no_stub = false;
  double timeout_seconds = 3.0;
  int connect_attempts = 7;
  bool baud_before_stub = false;  // CHANGE_BAUDRATE in the ROM, then the stub upload at the new rate
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
};

std::uint32_t parse_address(const std::string& text, const char* what) {
  auto value = parse_size(text);
  if (!value || *value > 0xFFFFFFFFu) throw Error(ErrorKind::Usage, fmt::format("{} '{}' is not a number (e.g. 0x1000)", what, text));
  return static_cast<std::uint32_t>(*value);
}

std::vector<WriteRequest> parse_pairs(const std::vector<std::string>& pairs, const char* command) {
  if (pairs.empty() || pairs.size() % 2 != 0)
    throw Error(ErrorKind::Usage, fmt::format("{} needs ADDRESS FILE pairs, e.g. 0x1000 bootloader.bin 0x8000 partition-table.bin", command));
  std::vector<WriteRequest> requests;
  for (std::size_t i = 0; i < pairs.size(); i += 2) requests.push_back({parse_address(pairs[i], "address"), pairs[i + 1]});
  return requests;
}

std::string size_text(std::uint32_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return fmt::format("{}MB", bytes >> 20);
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{}KB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

// The ports a command works on: -p, then the listed ports that --ports/--port-filter select
// (listing never opens a port, so ports that do not match are never probed).
std::vector<std::string> selected_ports(const FlashOptions& options) {
  PortSelection selection;
  selection.explicit_ports = options.ports;
  selection.globs = options.port_globs;
  selection.filter = parse_port_filter(options.port_filters);
  return select_ports(selection, selection.enumerates() ? list_ports() : std::vector<PortInfo>{});
}

// The one port of a single-device operation (only `write` takes several).
std::string chosen_port(const FlashOptions& options) {
  auto ports = selected_ports(options);
  if (ports.size() > 1)
    throw Error(ErrorKind::Usage, fmt::format("{} ports selected ({}, {}{}); only `flash write` works on several ports", ports.size(),
                                              ports[0], ports[1], ports.size() > 2 ? ", ..." : ""));
  return ports.front();
}

// A connected session, set up the way esptool does before any flash operation.
class Session {
 public:
  Session(Context& context, const FlashOptions& options) : context_(context), options_(options) {
    if (options.chip != "esp32" && options.chip != "auto")
      throw Error(ErrorKind::Usage, "--chip " + options.chip + ": only esp32 is supported for now");
    auto before = parse_before_reset(options.before);
    if (!before) throw Error(ErrorKind::Usage, "--before " + options.before + ": expected default_reset, usb_reset, no_reset or no_reset_no_sync");
    auto after = parse_after_reset(options.after);
    if (!after) throw Error(ErrorKind::Usage, "--after " + options.after + ": expected hard_reset, soft_reset, no_reset or no_reset_stub");
    after_ = *after;
    if (options.timeout_seconds <= 0 || options.timeout_seconds > 600) throw Error(ErrorKind::Usage, "--timeout must be between 0 and 600 seconds");
    // Decide on the stub before touching the port, so a bad --stub file fails early.
    if (!options.no_stub) {
      std::optional<std::filesystem::path> path;
      if (!options.stub_file.empty())
        path = options.stub_file;
      else
        path = find_installed_stub();
      if (path) stub_ = load_stub_json(*path);
    }
    if (after_ == AfterReset::SoftReset && stub_)
      throw Error(ErrorKind::Usage, "--after soft_reset is not supported by the ESP32 stub; add --no-stub or use hard_reset");

    LoaderOptions loader_options;
    loader_options.before = *before;
    loader_options.connect_attempts = options.connect_attempts;
    loader_options.command_timeout = Millis(static_cast<std::int64_t>(options.timeout_seconds * 1000));
    transport_ = open_transport(chosen_port(options), std::min<std::uint32_t>(options.baud, 115200));
    loader_.emplace(*transport_, loader_options);
    context.out.note(fmt::format("Connecting to {} ...", transport_->description()));
    loader_->connect();
    const auto& chip = loader_->chip();
    context.out.note(fmt::format("Chip is {}, MAC {}, crystal {} MHz", chip.description, esp32::format_mac(chip.mac), chip.crystal_mhz));
    // Opt-in: at 115200 the ~6.5 KB stub upload costs ~0.6 s; after a ROM CHANGE_BAUDRATE it
    // goes at the new rate. Checked on the simulator only: whether every stub keeps the
    // ROM's UART divider on real chips is not established, so esptool's order is the default.
    bool early_baud = options.baud_before_stub && options.baud > 115200 && stub_ && loader_->personality() == Personality::Rom;
    if (early_baud) {
      loader_->change_baud(options.baud);
      context.out.note(fmt::format("Changed baud rate to {} (ROM, before the stub)", options.baud));
    }
    if (stub_) {
      bool was_running = loader_->personality() == Personality::Stub;
      loader_->run_stub(*stub_);
      context.out.note(was_running ? "Stub already running" : fmt::format("Stub running (from {})", stub_->source.string()));
    } else if (loader_->personality() == Personality::Rom) {
      context.out.note(options.no_stub ? "Using the ROM loader (--no-stub)"
                                       : "No stub found (give --stub FILE, e.g. esptool-js's esp32.json); using the ROM loader");
    }
    if (options.baud > 115200 && !early_baud) {
      loader_->change_baud(options.baud);
      context.out.note(fmt::format("Changed baud rate to {}", options.baud));
    }
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
    return {{"chip", chip.name},
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
  std::unique_ptr<Transport> transport_;
  std::optional<Loader> loader_;
  FlashId flash_id_;
  std::uint32_t flash_size_ = 0;
};

// --flash_size detect: the header gets the size read from the chip's JEDEC ID (esptool).
bool detect_size(const WriteArgs& args) { return args.flash_size == "detect"; }

image::FlashParams image_params(const WriteArgs& args, const std::string& size) {
  return image::FlashParams::parse(args.flash_mode, args.flash_freq, size);
}

// One port's outcome in a multi-port write.
struct PortOutcome {
  std::string port;
  bool ok = false;
  int exit_code = 0;
  std::string error;
  nlohmann::json device;
  nlohmann::json wire;
  double seconds = 0;
};

// `flash -p A -p B ... write`: the same images to every port at once, one thread and one
// connection per port; every image is compressed once, before the threads start. A port that
// fails (no answer, a broken link, an MD5 mismatch) is reported and never disturbs the others.
void run_write_many(Context& context, const FlashOptions& options, const WriteArgs& args, const std::vector<std::string>& ports) {
  if (detect_size(args))
    throw Error(ErrorKind::Usage, "--flash_size detect with several ports: the boards may differ; give the size (e.g. 4MB) or keep");
  auto requests = parse_pairs(args.pairs, "write");
  auto params = image_params(args, args.flash_size);
  std::optional<std::uint32_t> size_override;
  if (args.flash_size != "keep") size_override = parse_address(args.flash_size, "--flash_size");
  auto plan = plan_writes(requests, params, size_override.value_or(0));
  for (const auto& write : plan)
    if (write.patch_warning) context.out.warning({SourceLocation(write.file.string()), write.patch_note});
  auto started = std::chrono::steady_clock::now();
  std::vector<Bytes> compressed(plan.size());
  if (!args.no_compress) {
    std::vector<std::future<Bytes>> compressing;
    for (const auto& write : plan) compressing.push_back(std::async(std::launch::async, deflate_image, ByteView(write.bytes)));
    for (std::size_t i = 0; i < plan.size(); ++i) compressed[i] = compressing[i].get();
  }
  context.out.note(fmt::format("Writing {} file(s) to {} ports at once ...", plan.size(), ports.size()));
  std::vector<PortOutcome> outcomes(ports.size());
  std::vector<std::thread> workers;
  for (std::size_t p = 0; p < ports.size(); ++p) {
    workers.emplace_back([&, p] {
      PortOutcome& outcome = outcomes[p];
      outcome.port = ports[p];
      auto port_started = std::chrono::steady_clock::now();
      Context quiet;  // the session's notes would interleave between ports; results come at the end
      quiet.options = context.options;
      quiet.options.quiet = true;
      quiet.options.json = true;
      FlashOptions one = options;
      one.ports = {ports[p]};
      one.port_globs.clear();
      one.port_filters.clear();
      try {
        Session session(quiet, one);
        std::uint32_t flash_size = session.prepare_flash(size_override);
        check_fits(plan, flash_size);
        if (args.erase_all) session.loader().erase_flash(flash_size);
        for (std::size_t i = 0; i < plan.size(); ++i) {
          WriteOptions write_options;
          write_options.compress = !args.no_compress;
          if (!args.no_compress) write_options.precompressed = &compressed[i];
          write_options.verify = !args.no_verify;
          session.loader().write_flash(plan[i].offset, plan[i].bytes, write_options);
        }
        outcome.device = session.chip_json();
        session.finish();
        outcome.wire = session.wire_json();
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
    list.push_back({{"port", outcome.port}, {"ok", outcome.ok}, {"seconds", outcome.seconds}, {"device", outcome.device},
                    {"wire", outcome.wire}, {"error", outcome.ok ? nlohmann::json(nullptr) : nlohmann::json(outcome.error)},
                    {"exit_code", outcome.exit_code}});
    if (outcome.ok)
      context.out.result(fmt::format("{}: MAC {}, wrote {} file(s){} in {:.2f} s", outcome.port, outcome.device.value("mac", "?"),
                                     plan.size(), args.no_verify ? "" : ", MD5 verified", outcome.seconds));
    else
      context.out.error(fmt::format("{}: FAILED (exit {}) after {:.2f} s: {}", outcome.port, outcome.exit_code, outcome.seconds, outcome.error));
  }
  context.out.result(fmt::format("{} of {} ports written in {:.2f} s", ports.size() - failed, ports.size(), total));
  if (context.out.json()) {
    nlohmann::json files = nlohmann::json::array();
    for (std::size_t i = 0; i < plan.size(); ++i)
      files.push_back({{"file", plan[i].file.string()}, {"offset", plan[i].offset}, {"size", plan[i].bytes.size()},
                       {"payload_size", args.no_compress ? plan[i].bytes.size() : compressed[i].size()}, {"md5", to_hex(md5(plan[i].bytes))}});
    context.out.document({{"ok", failed == 0}, {"files", files}, {"ports", list}, {"failed", failed}, {"seconds", total}});
  }
}

void run_write(Context& context, const FlashOptions& options, const WriteArgs& args) {
  if (auto ports = selected_ports(options); ports.size() > 1) return run_write_many(context, options, args, ports);
  auto requests = parse_pairs(args.pairs, "write");
  auto params = image_params(args, detect_size(args) ? "keep" : args.flash_size);
  std::optional<std::uint32_t> size_override;
  if (args.flash_size != "keep" && !detect_size(args)) size_override = parse_address(args.flash_size, "--flash_size");
  // Files are read, patched and checked before the port is opened.
  auto plan = plan_writes(requests, params, size_override.value_or(0));
  auto report_patches = [&] {
    for (const auto& write : plan) {
      if (write.patch_warning) context.out.warning({SourceLocation(write.file.string()), write.patch_note});
      if (write.header_patched) context.out.note(fmt::format("{}: flash parameters set in the image header", write.file.string()));
    }
  };
  if (!detect_size(args)) report_patches();
  auto started = std::chrono::steady_clock::now();
  // Compress while the session connects and uploads the stub; with a fast connect, region by
  // region so the first block need not wait for the whole image (flash_regions.hpp).
  const std::size_t region_size = options.baud_before_stub ? kPipelineRegion : SIZE_MAX;
  std::optional<RegionCompressor> compressing;
  if (!args.no_compress) compressing.emplace(plan, region_size);
  Session session(context, options);
  std::uint32_t flash_size = session.prepare_flash(size_override);
  if (detect_size(args)) {
    compressing.reset();
    plan = plan_writes(requests, image_params(args, size_text(flash_size)), flash_size);
    report_patches();
    if (!args.no_compress) compressing.emplace(plan, region_size);
  }
  check_fits(plan, flash_size);
  if (args.erase_all) {
    context.out.note("Erasing the whole flash ...");
    session.loader().erase_flash(flash_size);
  }
  nlohmann::json files = nlohmann::json::array();
  std::size_t next_region = 0;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const auto& write = plan[i];
    auto progress = context.out.progress(fmt::format("Writing {} at 0x{:08X}", write.file.filename().string(), write.offset));
    auto file_started = std::chrono::steady_clock::now();
    WriteReport report;
    if (!compressing) {
      WriteOptions write_options;
      write_options.compress = false;
      write_options.verify = !args.no_verify;
      write_options.progress = progress;
      report = session.loader().write_flash(write.offset, write.bytes, write_options);
    } else {
      report.offset = write.offset;
      report.size = static_cast<std::uint32_t>(write.bytes.size());
      report.md5 = md5(write.bytes);
      report.verified = !args.no_verify;
      for (; next_region < compressing->regions().size() && compressing->regions()[next_region].file == i; ++next_region) {
        const auto& region = compressing->regions()[next_region];
        Bytes compressed = compressing->take(next_region);
        WriteOptions write_options;
        write_options.precompressed = &compressed;
        write_options.verify = !args.no_verify;
        std::uint64_t before = region.offset - write.offset;
        if (progress)
          write_options.progress = [&progress, before, &write](std::uint64_t done, std::uint64_t) { progress(before + done, write.bytes.size()); };
        auto part = session.loader().write_flash(region.offset, region.bytes, write_options);
        report.payload_size += part.payload_size;
        report.verified = report.verified && part.verified;
        report.region_attempts = std::max(report.region_attempts, part.region_attempts);
      }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - file_started).count();
    std::string md5_hex = to_hex(report.md5);
    context.out.result(fmt::format("Wrote {} bytes{} at 0x{:08X} from {} in {:.2f} s{}", report.size,
                                   args.no_compress ? "" : fmt::format(" ({} compressed)", report.payload_size), write.offset,
                                   write.file.string(), seconds, report.verified ? ", MD5 verified" : ""));
    files.push_back({{"file", write.file.string()},
                     {"offset", write.offset},
                     {"size", report.size},
                     {"payload_size", report.payload_size},
                     {"compressed", !args.no_compress},
                     {"header_patched", write.header_patched},
                     {"md5", md5_hex},
                     {"verified", report.verified},
                     {"seconds", seconds}});
  }
  auto device = session.chip_json();
  session.finish();
  double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (context.out.json())
    context.out.document({{"ok", true}, {"device", device}, {"files", files}, {"wire", session.wire_json()}, {"seconds", total}});
}

void run_verify(Context& context, const FlashOptions& options, const WriteArgs& args) {
  auto requests = parse_pairs(args.pairs, "verify");
  auto plan = plan_writes(requests, image_params(args, detect_size(args) ? "keep" : args.flash_size));
  Session session(context, options);
  std::uint32_t flash_size = session.prepare_flash();
  if (detect_size(args)) plan = plan_writes(requests, image_params(args, size_text(flash_size)));
  check_fits(plan, flash_size);
  nlohmann::json files = nlohmann::json::array();
  int differing = 0;
  for (const auto& write : plan) {
    Md5 expected = md5(write.bytes);
    Md5 got = session.loader().flash_md5(write.offset, static_cast<std::uint32_t>(write.bytes.size()));
    bool same = got == expected;
    if (!same) ++differing;
    context.out.result(fmt::format("0x{:08X} {}: {}", write.offset, write.file.string(), same ? "OK" : "DIFFERS"));
    files.push_back({{"file", write.file.string()}, {"offset", write.offset}, {"size", write.bytes.size()},
                     {"expected_md5", to_hex(expected)}, {"flash_md5", to_hex(got)}, {"match", same}});
  }
  session.finish();
  if (differing) {
    context.out.error(fmt::format("{} of {} regions differ from their files", differing, plan.size()));
    context.exit_code = exit_code(ErrorKind::Mismatch);
  }
  if (context.out.json()) context.out.document({{"ok", differing == 0}, {"files", files}});
}

void run_read(Context& context, const FlashOptions& options, const std::string& address_text, const std::string& size_text_arg,
              const std::string& out) {
  std::uint32_t address = parse_address(address_text, "address");
  std::uint32_t size = parse_address(size_text_arg, "size");
  if (size == 0) throw Error(ErrorKind::Usage, "read: SIZE must be more than 0");
  auto out_dir = std::filesystem::path(out).parent_path();
  if (!out_dir.empty() && !std::filesystem::is_directory(out_dir))
    throw Error(ErrorKind::Io, SourceLocation(out), "the output folder does not exist");
  Session session(context, options);
  std::uint32_t flash_size = session.prepare_flash();
  if (static_cast<std::uint64_t>(address) + size > flash_size)
    throw Error(ErrorKind::Usage, fmt::format("read: 0x{:X}+0x{:X} goes beyond the {} flash", address, size, size_text(flash_size)));
  Bytes data = session.loader().read_flash(address, size, context.out.progress(fmt::format("Reading 0x{:08X}", address)));
  session.finish();
  write_file_atomic(out, data);
  context.out.result(fmt::format("Read {} bytes at 0x{:08X} into {}", data.size(), address, out));
  if (context.out.json())
    context.out.document({{"ok", true}, {"offset", address}, {"size", data.size()}, {"file", out}, {"md5", to_hex(md5(data))}});
}

void run_erase(Context& context, const FlashOptions& options, const std::vector<std::string>& region) {
  if (region.size() != 0 && region.size() != 2) throw Error(ErrorKind::Usage, "erase takes no arguments (whole chip) or ADDRESS SIZE");
  std::optional<std::pair<std::uint32_t, std::uint32_t>> range;
  if (region.size() == 2) {
    range = std::make_pair(parse_address(region[0], "address"), parse_address(region[1], "size"));
    if (range->first % 0x1000 || range->second % 0x1000 || range->second == 0)
      throw Error(ErrorKind::Usage, "erase: ADDRESS and SIZE must be multiples of 0x1000 (4 KiB sectors), SIZE more than 0");
  }
  Session session(context, options);
  std::uint32_t flash_size = session.prepare_flash();
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
  context.out.result("Chip:      " + chip["description"].get<std::string>());
  context.out.result("MAC:       " + chip["mac"].get<std::string>());
  context.out.result(fmt::format("Crystal:   {} MHz", chip["crystal_mhz"].get<unsigned>()));
  context.out.result(fmt::format("Flash:     manufacturer {:02x}, device {:04x}, size {}", id.manufacturer, id.device, size));
}

void add_image_params(CLI::App* command, WriteArgs& args) {
  command->add_option("--flash_mode,--flash-mode,--fm", args.flash_mode, "Flash mode for the bootloader header at 0x1000: qio|qout|dio|dout|keep")
      ->capture_default_str();
  command->add_option("--flash_freq,--flash-freq,--ff", args.flash_freq, "Flash frequency for the header: 80m|40m|26m|20m|keep")
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

  auto* flash = app.add_subcommand("flash", "Write, read, verify or erase an ESP32's flash over serial (esptool-compatible)");
  flash->require_subcommand(1);
  flash->fallthrough();
  flash->add_option("--chip,-c", options->chip, "Target chip: esp32 (auto is accepted and means esp32)")->capture_default_str();
  flash->add_option("-p,--port", options->ports, "Serial port (/dev/ttyUSB0) or socket://HOST:PORT (raw TCP, as esptool); repeat it to `write` several boards at once")
      ->envname("ESPTOOL_PORT")
      ->type_name("PORT");
  flash->add_option("--ports", options->port_globs, "Choose the listed serial ports whose path matches GLOB (see `fwprov ports`)")
      ->type_name("GLOB");
  flash->add_option("--port-filter", options->port_filters,
                    "Choose the listed serial ports matching FIELD=VALUE[,...] (vid, pid, serial, location), as esptool")
      ->type_name("FILTER");
  flash->add_option("-b,--baud", options->baud, "Baud rate after connecting (syncs at 115200, then CHANGE_BAUDRATE)")
      ->envname("ESPTOOL_BAUD")
      ->capture_default_str();
  flash->add_option("--before", options->before, "Reset before: default_reset|usb_reset|no_reset|no_reset_no_sync (dashes too)")
      ->capture_default_str();
  flash->add_option("--after,-a", options->after, "After: hard_reset|soft_reset|no_reset|no_reset_stub (dashes too)")->capture_default_str();
  auto* stub_option = flash->add_option("--stub", options->stub_file,
                                        "Flasher stub JSON (esptool/esptool-js format); default: the one of an installed esptool or esptool-js");
  flash->add_flag("--no-stub,--no_stub", options->no_stub, "Talk to the ROM loader only (slower; no stub upload)")->excludes(stub_option);
  flash->add_option("--timeout", options->timeout_seconds,
                    "Seconds to wait for a reply before resending (3 tries); longer operations scale it like esptool")
      ->capture_default_str();
  flash->add_flag("--baud-before-stub", options->baud_before_stub,
                  "Change the baud rate in the ROM and upload the stub at -b's rate (faster connect; checked on fwprov-sim only)");
  flash->add_option("--connect-attempts", options->connect_attempts, "Reset+sync rounds before giving up")->capture_default_str();
  flash->footer(
      "Examples:\n"
      "  fwprov flash -p /dev/ttyUSB0 -b 460800 write --flash_mode dio --flash_freq 40m --flash_size 4MB \\\n"
      "      0x1000 bootloader.bin 0x8000 partition-table.bin 0x16000 ota_data_initial.bin 0x20000 firmware.bin\n"
      "  fwprov flash -p socket://127.0.0.1:4000 --stub esp32.json read 0x8000 0xC00 table.bin\n"
      "  fwprov --json flash -p /dev/ttyUSB0 id");

  auto* write_cmd = flash->add_subcommand("write", "Write files at addresses, compressed, each verified by MD5")->alias("write_flash")->alias("write-flash");
  write_cmd->add_option("pairs", write->pairs, "ADDRESS FILE [ADDRESS FILE ...]")->required();
  add_image_params(write_cmd, *write);
  auto* no_compress = write_cmd->add_flag("--no-compress,--no_compress,-u", write->no_compress, "Send the bytes uncompressed (FLASH_DATA)");
  write_cmd->add_flag("--compress,-z", write->compress_flag, "Compress (the default; accepted for esptool command lines)")->excludes(no_compress);
  write_cmd->add_flag("--no-verify,--no_verify", write->no_verify, "Skip the MD5 check after each file");
  write_cmd->add_flag("--erase-all,--erase_all,-e", write->erase_all, "Erase the whole flash first");
  write_cmd->footer("Example:\n  fwprov flash -p /dev/ttyUSB0 -b 460800 write --flash_mode dio --flash_freq 40m --flash_size 4MB \\\n"
                    "      0x1000 bootloader.bin 0x8000 partition-table.bin 0x16000 ota_data_initial.bin 0x20000 firmware.bin\n"
                    "The bootloader at 0x1000 gets the mode/freq/size in its header (as esptool). Exit 7 if a region's MD5 still\n"
                    "differs after one retry.\n"
                    "Several ports (-p A -p B, --ports GLOB, --port-filter): the same files to every board at once, each file\n"
                    "compressed once; one line per port at the end; a failing board never stops the others (exit code of the\n"
                    "first failure).");
  write_cmd->callback([&context, options, write] { run_write(context, *options, *write); });

  auto* verify_cmd = flash->add_subcommand("verify", "Compare flash with files by MD5 (exit 7 when any differs)")->alias("verify_flash")->alias("verify-flash");
  verify_cmd->add_option("pairs", verify->pairs, "ADDRESS FILE [ADDRESS FILE ...]")->required();
  add_image_params(verify_cmd, *verify);
  verify_cmd->footer("Example:\n  fwprov flash -p /dev/ttyUSB0 verify --flash_mode dio --flash_freq 40m --flash_size 4MB 0x1000 bootloader.bin 0x20000 firmware.bin");
  verify_cmd->callback([&context, options, verify] { run_verify(context, *options, *verify); });

  auto* read_cmd = flash->add_subcommand("read", "Read SIZE bytes at ADDRESS into a file")->alias("read_flash")->alias("read-flash");
  read_cmd->add_option("args", *read_args, "ADDRESS SIZE OUTPUT")->required()->expected(3);
  read_cmd->footer("Example:\n  fwprov flash -p /dev/ttyUSB0 read 0x8000 0xC00 partition-table-back.bin");
  read_cmd->callback([&context, options, read_args] { run_read(context, *options, (*read_args)[0], (*read_args)[1], (*read_args)[2]); });

  auto* erase_cmd = flash->add_subcommand("erase", "Erase the whole flash, or ADDRESS SIZE (4 KiB aligned)")->alias("erase_flash")->alias("erase-flash")->alias("erase_region")->alias("erase-region");
  erase_cmd->add_option("region", *erase_args, "[ADDRESS SIZE]");
  erase_cmd->footer("Examples:\n  fwprov flash -p /dev/ttyUSB0 erase                     # whole chip\n"
                    "  fwprov flash -p /dev/ttyUSB0 erase 0x317000 0x10000    # one region");
  erase_cmd->callback([&context, options, erase_args] { run_erase(context, *options, *erase_args); });

  auto* id_cmd = flash->add_subcommand("id", "Show chip, revision, MAC, flash ID and size")->alias("flash_id")->alias("flash-id")->alias("chip_id");
  id_cmd->footer("Example:\n  fwprov --json flash -p /dev/ttyUSB0 id");
  id_cmd->callback([&context, options] { run_id(context, *options); });
}

}  // namespace fwprov::cli
