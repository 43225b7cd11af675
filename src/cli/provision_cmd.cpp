// `fwprov provision`: the whole factory flow for one device, or a station run of N devices on
// one or several ports (one worker each), from a recipe.
#include <fmt/core.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <set>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/provision/esp_link.hpp"
#include "fwprov/provision/ledger_open.hpp"
#include "fwprov/provision/placeholders.hpp"
#include "fwprov/provision/station.hpp"
#include "port_options.hpp"
#include "provision_view.hpp"

#ifndef FWPROV_VERSION
#define FWPROV_VERSION "dev"
#endif

namespace fwprov::cli {
namespace {

namespace fs = std::filesystem;
using namespace fwprov::provision;

struct ProvisionOptions {
  std::string recipe;
  PortOptions port;                // -p (repeatable), --ports, --port-filter
  int count = 0;                   // 0: one device per port
  int retries = 0;
  bool events = false;
  bool dry_run = false;
  std::string mac;
  std::string outdir;
  std::string station;
  std::string operator_name;
  std::string ledger;
  std::string stub;
  bool no_stub = false;
  bool reprovision = false;
  std::uint32_t baud = 0;
  double timeout_seconds = 3.0;
};

// Read by every port's worker thread: a lock-free atomic is both thread- and signal-safe.
std::atomic<bool> g_provision_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);
void on_provision_interrupt(int) { g_provision_stop = true; }

// Waits for the next poll; with one port, returns early when the operator presses Enter on a
// terminal (with several, Enter could not say which port).
void wait_or_enter(bool enter, std::chrono::milliseconds period) {
  if (enter && ::isatty(STDIN_FILENO)) {
    pollfd pfd{STDIN_FILENO, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(period.count())) > 0) {
      char buffer[256];
      [[maybe_unused]] auto n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    }
    return;
  }
  ::poll(nullptr, 0, static_cast<int>(period.count()));
}

// --ledger (a file or a postgresql:// URL), else the recipe's [ledger].
std::string ledger_location(const Recipe& recipe, const ProvisionOptions& options) {
  if (!options.ledger.empty()) return options.ledger;
  return recipe_ledger_location(recipe);
}

// Opens one ledger connection per port worker (the back end serialises serial allocation
// across connections: SQLite's BEGIN IMMEDIATE on one file, PostgreSQL's counter row lock).
std::function<std::unique_ptr<Ledger>()> ledger_factory(const Recipe& recipe, const ProvisionOptions& options) {
  return [place = ledger_location(recipe, options)] { return open_ledger(place); };
}

// The ports to provision on, in order: -p as given, then the listed ports --ports/--port-filter
// select (port_options.hpp). A port named twice would get two workers fighting over one device.
std::vector<std::string> station_ports(const PortOptions& options) {
  std::set<std::string> seen;
  for (const auto& port : options.ports) {
    if (port.empty()) throw Error(ErrorKind::Usage, "-p/--port: an empty port name");
    if (!seen.insert(port).second) throw Error(ErrorKind::Usage, fmt::format("-p/--port: {} is given twice", port));
  }
  return selected_ports(options);  // a listed port that -p named already is not added again
}

void run_dry(Context& context, const RunPlan& plan, const ProvisionOptions& options, Warnings& warnings) {
  if (options.mac.empty() || options.outdir.empty()) throw Error(ErrorKind::Usage, "--dry-run needs --mac MAC and --outdir DIR");
  std::string mac = normalize_mac(options.mac);
  const Recipe& recipe = plan.recipe;
  // The serial this MAC has in the ledger, or the one the next new device would get; nothing is reserved.
  std::string serial = format_serial(recipe.identity.serial, recipe.identity.first);
  if (auto ledger = open_ledger(ledger_location(recipe, options), {.create = false, .read_only = true, .missing_ok = true})) {
    auto device = ledger->find_device(mac);
    serial = device ? device->serial : ledger->peek_serial({recipe.identity.serial, recipe.identity.first});
  }
  DeviceIdentity identity{serial, mac, recipe.device.chip};
  DeviceCredentials credentials = make_credentials(recipe, plan.ca ? &*plan.ca : nullptr, identity);
  auto regions = device_regions(plan, identity, credentials, &warnings);
  fs::path dir(options.outdir);
  fs::create_directories(dir);
  OutputBatch batch;
  nlohmann::json plan_doc = {{"serial", serial}, {"mac", mac}, {"chip", recipe.device.chip}, {"recipe", recipe.file.string()},
                             {"recipe_sha256", to_hex(recipe.sha256)}};
  if (credentials.present) plan_doc["certificate_sha256"] = credentials.certificate_sha256;
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json outputs = nlohmann::json::array();
  for (const auto& region : regions) {
    std::string name = region.target + ".bin";
    // The storage and esp_secure_cert images hold the device's private key: 0600, like a key file.
    bool secret = ((plan.storage_slot && region.target == plan.storage_slot->target) || (plan.secure_cert && region.target == plan.secure_cert->slot.target)) &&
                  credentials.present;
    batch.add(dir / name, region.bytes, secret ? FileMode::Secret : FileMode::Public);
    list.push_back({{"offset", fmt::format("0x{:X}", region.offset)}, {"partition", region.target}, {"file", name},
                    {"size", region.bytes.size()}, {"sha256", to_hex(region.sha256)}, {"source", region.source}});
    outputs.push_back({{"path", (dir / name).string()}, {"size", region.bytes.size()}, {"sha256", to_hex(region.sha256)},
                       {"kind", secret ? "nvs-image-with-private-key" : "flash-image"}});
  }
  plan_doc["regions"] = list;
  std::string plan_text = plan_doc.dump(2) + "\n";
  Bytes plan_bytes(plan_text.begin(), plan_text.end());
  outputs.push_back({{"path", (dir / "flash-plan.json").string()}, {"size", plan_bytes.size()}, {"sha256", to_hex(sha256(plan_bytes))},
                     {"kind", "flash-plan"}});
  batch.add(dir / "flash-plan.json", std::move(plan_bytes));
  batch.commit();
  if (context.out.json()) {
    context.out.document({{"ok", true}, {"dry_run", true}, {"serial", serial}, {"mac", mac}, {"regions", list}, {"outputs", outputs}});
    return;
  }
  for (const auto& entry : list)
    context.out.result(fmt::format("0x{:08X}  {:<16} {:>8} bytes  {}", std::stoul(entry["offset"].get<std::string>(), nullptr, 16),
                                   entry["partition"].get<std::string>(), entry["size"].get<std::size_t>(), (dir / entry["file"].get<std::string>()).string()));
  context.out.result(fmt::format("{}: flash plan for {} ({}), nothing flashed, ledger untouched", (dir / "flash-plan.json").string(), serial, mac));
}

void run_provision(Context& context, ProvisionOptions options) {
  Recipe recipe = load_recipe(options.recipe);
  if (!options.stub.empty()) {
    recipe.device.stub = fs::absolute(options.stub);
    recipe.device.no_stub = false;
  }
  if (options.no_stub) {
    recipe.device.stub.reset();
    recipe.device.no_stub = true;
  }
  if (options.baud) recipe.device.baud = options.baud;
  if (options.retries < 0) throw Error(ErrorKind::Usage, "--retries must be 0 or more");
  check_command_line_ledger(options.ledger);
  const auto& port_options = options.port;
  bool ports_given = !port_options.ports.empty() || !port_options.port_globs.empty() || !port_options.port_filters.empty();
  if (!options.dry_run && !ports_given) throw Error(ErrorKind::Usage, "-p/--port is required (or --dry-run --mac MAC --outdir DIR)");
  std::vector<std::string> ports = options.dry_run ? std::vector<std::string>{} : station_ports(port_options);
  if (options.count == 0) options.count = std::max<int>(1, static_cast<int>(ports.size()));
  if (!options.dry_run && (!options.mac.empty() || !options.outdir.empty())) throw Error(ErrorKind::Usage, "--mac and --outdir go with --dry-run");

  Warnings warnings(context.out.warning_sink());
  PrepareOptions prepare;
  prepare.compress = !options.dry_run;
  prepare.load_stub = !options.dry_run;
  prepare.warnings = &warnings;
  RunPlan plan = prepare_run(std::move(recipe), prepare);
  if (plan.recipe.storage.keep_private_keys)
    context.out.warning({SourceLocation(plan.recipe.file.string(), 0, 0, "storage.keep_private_keys"),
                         "device private keys are WRITTEN TO DISK (mode 0600) in " + (plan.recipe.dir / plan.recipe.storage.keys_dir).string()});
  if (options.dry_run) return run_dry(context, plan, options, warnings);

  PipelineOptions pipeline;
  pipeline.station = !options.station.empty() ? options.station : plan.recipe.ledger.station;
  const char* env_operator = std::getenv("FWPROV_OPERATOR");
  pipeline.operator_name = !options.operator_name.empty() ? options.operator_name
                           : (env_operator && *env_operator) ? env_operator
                                                             : plan.recipe.ledger.operator_name;
  pipeline.fwprov_version = FWPROV_VERSION;
  pipeline.reprovision = options.reprovision;

  if (std::string ledger_place = ledger_location(plan.recipe, options); is_ledger_url(ledger_place))
    context.out.note("Ledger: " + redact_ledger_url(ledger_place));
  if (!plan.stub && !plan.recipe.device.no_stub)
    context.out.note("No flasher stub found (give --stub FILE or device.stub); using the ROM loader");
  if (options.timeout_seconds <= 0 || options.timeout_seconds > 600) throw Error(ErrorKind::Usage, "--timeout must be between 0 and 600 seconds");
  EspLinkOptions link_options = esp_link_options(plan.recipe, ports[0], plan.stub ? &*plan.stub : nullptr);
  link_options.command_timeout = esp::Millis(static_cast<std::int64_t>(options.timeout_seconds * 1000));

  StationSetup setup;
  setup.ports = ports;
  setup.count = options.count;
  setup.retries = options.retries;
  setup.open_link = [&link_options](const std::string& port) {
    EspLinkOptions own = link_options;
    own.port = port;
    return open_esp_link(own);
  };
  setup.open_ledger = ledger_factory(plan.recipe, options);
  setup.stop_requested = [] { return g_provision_stop.load(); };
  bool one_port = ports.size() == 1;
  setup.wait = [one_port](std::size_t, std::chrono::milliseconds period) { wait_or_enter(one_port, period); };

  StationView view(context, ports, context.out.json() && (!one_port || options.events));
  StationEvents events = view.events();
  view.started(options.count, options.retries, options.recipe);

  g_provision_stop = false;
  auto previous = std::signal(SIGINT, on_provision_interrupt);
  SteadyClock clock;
  StationResult result;
  try {
    result = run_station(plan, clock, pipeline, setup, events);
  } catch (...) {
    std::signal(SIGINT, previous);
    throw;
  }
  std::signal(SIGINT, previous);
  view.finished(result);
  if (result.first_failure) context.exit_code = exit_code(result.first_failure->kind());
}

}  // namespace

void setup_provision(CLI::App& app, Context& context) {
  auto options = std::make_shared<ProvisionOptions>();
  auto* cmd = app.add_subcommand("provision", "The whole factory flow for a device from a station recipe: credentials, NVS, flash, ledger");
  cmd->add_option("recipe", options->recipe, "Station recipe (TOML; see docs/provision.md)")->required()->type_name("RECIPE");
  add_port_options(*cmd, options->port, "repeat it for a worker per port");
  auto* count = cmd->add_option("--count", options->count,
                                "Devices in the whole run, across all ports, each next one a new MAC (default: one per port)")->type_name("N");
  cmd->add_option("--retries", options->retries, "More attempts for a device that failed on a link/read-back error, on its port")
      ->type_name("K")->capture_default_str();
  cmd->add_flag("--events", options->events, "With --json: the JSON Lines event stream (step, progress, result, summary) even for one port");
  cmd->add_flag("--dry-run", options->dry_run, "Build one device's images and a flash plan into --outdir; no device, no ledger change");
  cmd->add_option("--mac", options->mac, "MAC of the device to plan for (--dry-run)")->type_name("MAC");
  cmd->add_option("--outdir", options->outdir, "Folder for the images and flash-plan.json (--dry-run)")->type_name("DIR");
  cmd->add_option("--station", options->station, "Station name recorded in the ledger (default: ledger.station)")->type_name("NAME");
  cmd->add_option("--operator", options->operator_name, "Operator recorded in the ledger (default: FWPROV_OPERATOR, ledger.operator)")->type_name("NAME");
  cmd->add_option("--ledger", options->ledger, "Ledger: a SQLite file or a postgresql:// URL without password (default: the recipe's [ledger])")
      ->type_name("FILE|URL");
  auto* stub = cmd->add_option("--stub", options->stub, "Flasher stub JSON (default: device.stub, else an installed esptool/esptool-js)")->type_name("FILE");
  cmd->add_flag("--no-stub", options->no_stub, "Use the ROM loader only")->excludes(stub);
  cmd->add_option("-b,--baud", options->baud, "Baud rate (default: device.baud)")->type_name("BAUD");
  cmd->add_option("--timeout", options->timeout_seconds, "Seconds to wait for a device reply before resending (3 tries)")
      ->type_name("SECONDS")->capture_default_str();
  cmd->add_flag("--reprovision", options->reprovision, "Provision a device the ledger says is done (same serial, new certificate)");
  cmd->footer(
      "Examples:\n"
      "  CA_PASS=... fwprov provision docs/examples/aws-workshop/recipe.toml -p /dev/ttyUSB0\n"
      "  fwprov provision recipe.toml -p /dev/ttyUSB0 --count 20 --station line-1   # station loop\n"
      "  fwprov --json provision recipe.toml -p /dev/ttyUSB0 -p /dev/ttyUSB1 --count 40 --retries 1   # two ports, one stream\n"
      "  fwprov provision recipe.toml --dry-run --mac 24:0a:c4:12:34:56 --outdir out/\n"
      "Per device: connect, identity (serial from the ledger), credentials, nvs, write <partition> (compressed,\n"
      "MD5-verified), verify (storage read back), reset, ledger commit. With --json: one JSON line per device\n"
      "attempt; with several ports (or --events) a JSON Lines event stream ending with a \"summary\" line.\n"
      "Exit 0 only when every device succeeded; else the code of the run's first failed device\n"
      "(3 input, 4 I/O, 5 key, 6 device/link, 7 verification).");
  cmd->callback([&context, options, count] {
    ProvisionOptions run = *options;
    if (count->count() != 0 && run.count < 1) throw Error(ErrorKind::Usage, "--count must be 1 or more");
    if (count->count() == 0) run.count = 0;  // one device per selected port, once the ports are known
    run_provision(context, std::move(run));
  });
}

}  // namespace fwprov::cli
