// `fwprov efuse`: espefuse's commands (summary, dump, burn-key, burn-key-digest, burn-efuse,
// burn-custom-mac, write-protect-efuse, read-protect-efuse, burn-block-data) on a virtual eFuse
// file (--virt) or a device over the serial link (--port). Burning is irreversible: a typed
// BURN on a terminal or --yes in scripts; --dry-run prints the register writes instead.
#include <fmt/core.h>
#include <unistd.h>

#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/efuse/chip_table.hpp"
#include "fwprov/efuse/controller_model.hpp"
#include "fwprov/efuse/efuses.hpp"
#include "fwprov/efuse/loader_port.hpp"
#include "fwprov/efuse/operations.hpp"
#include "fwprov/efuse/summary.hpp"
#include "fwprov/efuse/virtual_port.hpp"
#include "fwprov/esp/loader.hpp"
#include "fwprov/esp/reset.hpp"
#include "fwprov/esp/transport.hpp"

namespace fwprov::cli {
namespace {

using namespace fwprov::efuse;

struct EfuseCliOptions {
  std::string chip = "esp32";
  std::vector<std::string> virt;  // --virt [FILE]
  CLI::Option* virt_option = nullptr;
  std::string path_efuse_file;
  std::string port;
  std::string before = "default_reset";
  std::string after = "hard_reset";
  bool yes = false;
  bool dry_run = false;
  std::string trace_file;
};

struct CommandArgs {
  std::vector<std::string> positional;
  bool no_protect_key = false;
  bool no_write_protect = false;
  bool no_read_protect = false;
  bool show_sensitive_info = false;  // accepted for espefuse scripts; key bytes are never shown
  std::string format = "summary";
  std::string file;
  std::size_t offset = 0;
};

using Stager = std::function<void(Efuses&, Notes&)>;

// Where the registers live: the virtual file's model or the device's loader session.
class Backend {
 public:
  Backend(Context& context, const EfuseCliOptions& options, const ChipTable& chip) : chip_(chip) {
    const bool virt = options.virt_option->count() > 0 || !options.path_efuse_file.empty();
    if (virt && !options.port.empty()) throw Error(ErrorKind::Usage, "give either --virt or --port, not both");
    if (virt) {
      std::string path = options.path_efuse_file;
      // A bare --virt yields one empty value.
      for (const auto& value : options.virt) {
        if (value.empty()) continue;
        if (!path.empty() && path != value) throw Error(ErrorKind::Usage, "--virt " + value + " and --path-efuse-file " + path + " name different files");
        path = value;
      }
      model_ = std::make_unique<ControllerModel>(chip);
      if (!path.empty()) file_ = load_virtual_file(path, *model_);
      port_ = std::make_unique<VirtualPort>(*model_);
      return;
    }
    if (options.port.empty()) throw Error(ErrorKind::Usage, "efuse needs --virt FILE (espefuse's virtual eFuse file) or --port PORT (a device)");
    auto before = esp::parse_before_reset(options.before);
    if (!before) throw Error(ErrorKind::Usage, "--before " + options.before + ": expected default_reset, usb_reset, no_reset or no_reset_no_sync");
    auto after = esp::parse_after_reset(options.after);
    if (!after) throw Error(ErrorKind::Usage, "--after " + options.after + ": expected hard_reset, soft_reset, no_reset or no_reset_stub");
    after_ = *after;
    esp::LoaderOptions loader_options;
    loader_options.before = *before;
    transport_ = esp::open_transport(options.port, 115200);
    loader_ = std::make_unique<esp::Loader>(*transport_, loader_options);
    context.out.note(fmt::format("Connecting to {} ...", transport_->description()));
    loader_->connect();
    const std::string detected = loader_->chip().name;
    if (detected != chip.display_name) {
      throw Error(ErrorKind::Device, "the device is an " + detected + ", not an " + chip.display_name + " (--chip " + chip.name + ")");
    }
    port_ = std::make_unique<LoaderPort>(*loader_, chip);
  }

  RegisterPort& port() { return *port_; }
  bool is_virtual() const { return model_ != nullptr; }
  bool has_file() const { return file_.has_value(); }
  const VirtualFile& file() const { return *file_; }

  // A scratch copy of the controller to burn into for --dry-run: the virtual model itself, or
  // the device's register window read over the link.
  std::unique_ptr<ControllerModel> snapshot() {
    auto copy = std::make_unique<ControllerModel>(chip_);
    for (std::uint32_t offset = 0; offset < chip_.window_size; offset += 4) {
      copy->set_reg(offset, is_virtual() ? model_->reg(offset) : port_->read(chip_.base + offset));
    }
    return copy;
  }

  // The virtual file, rewritten atomically (also when it did not exist: espefuse creates it).
  std::optional<nlohmann::json> save() {
    if (!model_ || !file_) return std::nullopt;
    save_virtual_file(*file_, *model_);
    const Bytes image = model_->image();
    return nlohmann::json{{"path", file_->path.string()}, {"size", image.size()}, {"sha256", to_hex(sha256(image))},
                          {"kind", "efuse-virtual"}};
  }

  void finish() {
    if (loader_) loader_->leave(after_);
  }

 private:
  const ChipTable& chip_;
  std::unique_ptr<ControllerModel> model_;
  std::optional<VirtualFile> file_;
  std::unique_ptr<esp::Transport> transport_;
  std::unique_ptr<esp::Loader> loader_;
  esp::AfterReset after_ = esp::AfterReset::HardReset;
  std::unique_ptr<RegisterPort> port_;
};

ByteView efuse_text_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

void write_trace(const EfuseCliOptions& options, const TracingPort& tracer) {
  if (options.trace_file.empty()) return;
  std::string text;
  for (const auto& line : tracer.lines()) text += line + "\n";
  write_file_atomic(options.trace_file, efuse_text_bytes(text));
}

void confirm_burn(Context& context, const EfuseCliOptions& options) {
  if (options.yes) return;
  if (!isatty(STDIN_FILENO)) {
    throw Error(ErrorKind::Usage,
                "burning eFuses is irreversible: confirm by typing BURN on a terminal, or pass --yes (--do-not-confirm) in scripts; nothing burned");
  }
  context.out.note("This is an irreversible operation! Type 'BURN' (all capitals) to continue.");
  std::string line;
  std::getline(std::cin, line);
  if (line != "BURN") throw Error(ErrorKind::Usage, "not confirmed (expected BURN): nothing burned");
}

void report_notes(Context& context, const Notes& notes) {
  for (const auto& note : notes) context.out.note(note);
}

void run_burn(Context& context, const EfuseCliOptions& options, const std::string& command, const Stager& stager) {
  const ChipTable& chip = chip_table(options.chip);
  Backend backend(context, options, chip);
  TracingPort tracer(backend.port());
  Efuses efuses(chip, tracer);
  Notes notes;
  stager(efuses, notes);  // every refusal happens here, before a single write
  report_notes(context, notes);

  if (options.dry_run) {
    auto scratch = backend.snapshot();
    VirtualPort scratch_port(*scratch, backend.is_virtual() ? VirtualPort::UpdateStyle::EspefuseVirtual
                                                            : VirtualPort::UpdateStyle::ReadModifyWrite);
    TracingPort dry_tracer(scratch_port);
    Efuses dry(chip, dry_tracer);
    Notes dry_notes;
    stager(dry, dry_notes);
    dry.burn(dry_notes);
    const auto writes = dry_tracer.write_lines();
    backend.finish();
    write_trace(options, dry_tracer);
    if (context.options.json) {
      context.out.document({{"ok", true}, {"command", command}, {"chip", chip.name}, {"dry_run", true},
                            {"register_writes", writes}, {"outputs", nlohmann::json::array()}});
      return;
    }
    context.out.note(fmt::format("--dry-run: {} register writes would be made, nothing burned:", writes.size()));
    for (const auto& line : writes) context.out.result(line);
    return;
  }

  confirm_burn(context, options);
  Notes burn_notes;
  try {
    efuses.burn(burn_notes);
  } catch (const Error&) {
    // Bits that were burned stay burned on a chip; the virtual file says so too.
    backend.save();
    write_trace(options, tracer);
    throw;
  }
  report_notes(context, burn_notes);
  auto output = backend.save();
  backend.finish();
  write_trace(options, tracer);
  if (context.options.json) {
    nlohmann::json outputs = nlohmann::json::array();
    if (output) outputs.push_back(*output);
    context.out.document({{"ok", true}, {"command", command}, {"chip", chip.name}, {"notes", notes},
                          {"register_writes", tracer.write_lines().size()}, {"outputs", outputs}});
    return;
  }
  context.out.note("Successful.");
}

void run_show(Context& context, const EfuseCliOptions& options, const std::string& command, const CommandArgs& args) {
  const ChipTable& chip = chip_table(options.chip);
  Backend backend(context, options, chip);
  TracingPort tracer(backend.port());
  Efuses efuses(chip, tracer);
  if (args.format != "summary" && args.format != "json") {
    throw Error(ErrorKind::Usage, "--format takes summary or json");
  }
  const bool coding_errors = command == "summary" && efuses.check_for_summary();
  if (coding_errors) context.out.warning({SourceLocation{}, "the coding scheme reports bit errors in some blocks"});
  std::string text;
  if (command == "dump") {
    text = dump_text(efuses);
  } else if (args.format == "json") {
    text = summary_json_text(efuses);
  } else {
    text = summary_text(efuses);
  }
  nlohmann::json outputs = nlohmann::json::array();
  // espefuse creates a missing virtual file even for a read-only command; so does fwprov.
  if (backend.has_file() && !backend.file().existed && !options.dry_run) outputs.push_back(*backend.save());
  if (!args.file.empty()) {
    write_file_atomic(args.file, efuse_text_bytes(text));
    outputs.push_back({{"path", args.file}, {"size", text.size()}, {"sha256", to_hex(sha256(efuse_text_bytes(text)))},
                       {"kind", command == "dump" ? "efuse-dump" : "efuse-summary"}});
  }
  backend.finish();
  write_trace(options, tracer);
  if (context.options.json) {
    nlohmann::json doc = {{"ok", true}, {"command", command}, {"chip", chip.name}, {"outputs", outputs}};
    if (command == "dump") {
      nlohmann::json blocks = nlohmann::json::array();
      for (const auto& block : chip.blocks) blocks.push_back({{"name", block.name}, {"index", block.index}, {"words", efuses.words(block.index)}});
      doc["blocks"] = blocks;
    } else {
      doc["efuses"] = summary_json(efuses);
    }
    context.out.document(doc);
    return;
  }
  if (args.file.empty()) {
    if (!text.empty() && text.back() == '\n') text.pop_back();
    context.out.result(text);
  } else {
    context.out.note("Saved to " + args.file);
  }
}

std::vector<KeyRequest> key_requests(const ChipTable& chip, const std::vector<std::string>& positional, bool digest) {
  const bool esp32 = chip.coding == CodingFamily::Esp32;
  // ESP32: burn-key BLOCK KEYFILE..., burn-key-digest KEYFILE; newer chips: BLOCK KEYFILE PURPOSE...
  const std::size_t group = esp32 ? (digest ? 1 : 2) : 3;
  const char* shape = esp32 ? (digest ? "KEYFILE" : "BLOCK KEYFILE [BLOCK KEYFILE ...]")
                            : "BLOCK KEYFILE PURPOSE [BLOCK KEYFILE PURPOSE ...]";
  if (positional.empty() || positional.size() % group != 0 || (esp32 && digest && positional.size() != 1)) {
    throw Error(ErrorKind::Usage, fmt::format("{} on {} takes {}", digest ? "burn-key-digest" : "burn-key", chip.display_name, shape));
  }
  std::vector<KeyRequest> out;
  for (std::size_t i = 0; i < positional.size(); i += group) {
    KeyRequest request;
    if (group == 1) {
      request.origin = positional[i];
    } else {
      request.block = positional[i];
      request.origin = positional[i + 1];
      if (group == 3) request.purpose = positional[i + 2];
    }
    out.push_back(std::move(request));
  }
  return out;
}

KeyProtection protection_of(const CommandArgs& args) {
  KeyProtection protection;
  protection.write_protect = !(args.no_write_protect || args.no_protect_key);
  protection.read_protect = !(args.no_read_protect || args.no_protect_key);
  return protection;
}

void dispatch(Context& context, const EfuseCliOptions& options, const std::string& command, const CommandArgs& args) {
  if (command == "summary" || command == "dump") return run_show(context, options, command, args);
  const ChipTable& chip = chip_table(options.chip);
  if (command == "burn-key" || command == "burn-key-digest") {
    const bool digest = command == "burn-key-digest";
    auto requests = key_requests(chip, args.positional, digest);
    Notes warnings;
    for (auto& request : requests) {
      request.key = digest ? secure_boot_key_digest(request.origin, chip, warnings) : read_file(request.origin);
    }
    for (const auto& warning : warnings) context.out.warning({SourceLocation{}, warning});
    const KeyProtection protection = protection_of(args);
    return run_burn(context, options, command, [&](Efuses& efuses, Notes& notes) {
      if (digest) {
        stage_burn_key_digest(efuses, requests, protection, notes);
      } else {
        stage_burn_key(efuses, requests, protection, notes);
      }
    });
  }
  if (command == "burn-efuse") {
    if (args.positional.empty() || args.positional.size() % 2 != 0) throw Error(ErrorKind::Usage, "burn-efuse takes NAME VALUE [NAME VALUE ...]");
    std::vector<std::pair<std::string, std::string>> pairs;
    for (std::size_t i = 0; i < args.positional.size(); i += 2) pairs.emplace_back(args.positional[i], args.positional[i + 1]);
    return run_burn(context, options, command, [&](Efuses& efuses, Notes& notes) { stage_burn_efuse(efuses, pairs, notes); });
  }
  if (command == "burn-custom-mac") {
    if (args.positional.size() != 1) throw Error(ErrorKind::Usage, "burn-custom-mac takes one MAC (AA:BB:CC:DD:EE:FF)");
    return run_burn(context, options, command,
                    [&](Efuses& efuses, Notes& notes) { stage_burn_custom_mac(efuses, args.positional[0], notes); });
  }
  if (command == "write-protect-efuse") {
    return run_burn(context, options, command, [&](Efuses& efuses, Notes& notes) { stage_write_protect(efuses, args.positional, notes); });
  }
  if (command == "read-protect-efuse") {
    return run_burn(context, options, command, [&](Efuses& efuses, Notes& notes) { stage_read_protect(efuses, args.positional, notes); });
  }
  if (command == "burn-block-data") {
    if (args.positional.empty() || args.positional.size() % 2 != 0) throw Error(ErrorKind::Usage, "burn-block-data takes BLOCK FILE [BLOCK FILE ...]");
    std::vector<std::pair<std::string, Bytes>> blocks;
    for (std::size_t i = 0; i < args.positional.size(); i += 2) blocks.emplace_back(args.positional[i], read_file(args.positional[i + 1]));
    return run_burn(context, options, command,
                    [&](Efuses& efuses, Notes& notes) { stage_burn_block_data(efuses, blocks, args.offset, notes); });
  }
  throw Error(ErrorKind::Internal, "unhandled efuse command " + command);
}

}  // namespace

void setup_efuse(CLI::App& app, Context& context) {
  auto options = std::make_shared<EfuseCliOptions>();
  auto args = std::make_shared<CommandArgs>();
  auto* efuse = app.add_subcommand("efuse",
                                   "Read and burn eFuses (espefuse's commands) on a virtual eFuse file or a device.\n"
                                   "Burning is irreversible: a typed BURN on a terminal, --yes in scripts, --dry-run to see the register writes.\n"
                                   "Examples:\n"
                                   "  fwprov efuse --chip esp32c3 --virt efuse.bin summary --format json\n"
                                   "  fwprov efuse --chip esp32c3 --port /dev/ttyUSB0 burn-key BLOCK_KEY0 key.bin XTS_AES_128_KEY\n"
                                   "  fwprov efuse --chip esp32 --virt efuse.bin --yes burn-efuse FLASH_CRYPT_CNT 1");
  efuse->require_subcommand(1);
  efuse->fallthrough();
  efuse->add_option("-c,--chip", options->chip, "Chip: esp32, esp32c3, esp32s3, esp32c6")->capture_default_str();
  options->virt_option =
      efuse->add_option("--virt", options->virt, "Work on espefuse's virtual eFuse FILE (missing or empty: a blank chip, created)")
          ->expected(0, 1)
          ->type_name("[FILE]");
  efuse->add_option("--path-efuse-file", options->path_efuse_file, "The virtual eFuse FILE (espefuse's spelling: --virt --path-efuse-file FILE)")
      ->type_name("FILE");
  efuse->add_option("-p,--port", options->port, "Serial port (/dev/ttyUSB0) or socket://HOST:PORT of the device")->type_name("PORT");
  efuse->add_option("--before", options->before, "Reset before: default_reset|usb_reset|no_reset|no_reset_no_sync")->type_name("MODE")->capture_default_str();
  efuse->add_option("--after", options->after, "After: hard_reset|soft_reset|no_reset|no_reset_stub")->type_name("MODE")->capture_default_str();
  efuse->add_flag("-y,--yes,--do-not-confirm", options->yes, "Burn without the typed BURN confirmation (scripts)");
  efuse->add_flag("--dry-run", options->dry_run, "Print the register writes a burn would make; burn nothing");
  efuse->add_option("--trace", options->trace_file, "Write every register access to FILE (espefuse's register-trace notation)")
      ->type_name("FILE");

  struct Sub {
    const char* name;
    const char* help;
    const char* positional;
    const char* positional_help;
  };
  const Sub subs[] = {
      {"summary", "Print every eFuse with its value and protection", nullptr, nullptr},
      {"dump", "Print every block's raw words", nullptr, nullptr},
      {"burn-key", "Burn keys: ESP32 BLOCK KEYFILE...; C3/S3/C6 BLOCK KEYFILE PURPOSE...", "ARGS",
       "BLOCK KEYFILE [PURPOSE] groups (ESP32 blocks: flash_encryption, secure_boot_v1, BLOCK1-3)"},
      {"burn-key-digest", "Burn a secure boot v2 public-key digest: ESP32 KEYFILE; C3/S3/C6 BLOCK KEYFILE PURPOSE", "ARGS",
       "KEYFILE (ESP32) or BLOCK KEYFILE SECURE_BOOT_DIGESTn (PEM public key or key pair)"},
      {"burn-efuse", "Burn named fields: NAME VALUE [NAME VALUE ...]", "ARGS", "NAME VALUE pairs"},
      {"burn-custom-mac", "Burn a custom MAC address (AA:BB:CC:DD:EE:FF)", "MAC", "the MAC address"},
      {"write-protect-efuse", "Set the write-protection bit of fields or blocks (protects their whole group)", "NAME", "eFuse names"},
      {"read-protect-efuse", "Set the read-protection bit of key blocks or fields", "NAME", "eFuse or block names"},
      {"burn-block-data", "Burn raw bytes into blocks: BLOCK FILE [BLOCK FILE ...]", "ARGS", "BLOCK FILE pairs"},
  };
  for (const Sub& sub : subs) {
    auto* command = efuse->add_subcommand(sub.name, sub.help);
    command->fallthrough();
    if (sub.positional != nullptr) command->add_option(sub.positional, args->positional, sub.positional_help)->required();
    const std::string name = sub.name;
    if (name == "summary") {
      command->add_option("--format", args->format, "summary (text) or json (espefuse's JSON shape)")->capture_default_str();
      command->add_option("--file", args->file, "Write to FILE instead of stdout")->type_name("FILE");
    }
    if (name == "dump") command->add_option("--file", args->file, "Write to FILE instead of stdout")->type_name("FILE");
    if (name == "burn-key" || name == "burn-key-digest") {
      command->add_flag("--no-protect-key", args->no_protect_key, "ESP32: leave the key readable and writable");
      command->add_flag("--no-write-protect", args->no_write_protect, "Leave the key block writable");
      command->add_flag("--show-sensitive-info", args->show_sensitive_info, "Accepted for espefuse scripts; keys are never printed");
    }
    if (name == "burn-key") command->add_flag("--no-read-protect", args->no_read_protect, "Leave the key block readable");
    if (name == "burn-block-data") command->add_option("--offset", args->offset, "Byte offset inside the block");
    command->callback([&context, options, args, name] { dispatch(context, *options, name, *args); });
  }
}

}  // namespace fwprov::cli
