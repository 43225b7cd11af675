// `fwprov ledger list | show | export`: what the factory ledger knows, for people and for the cloud.
#include <fmt/core.h>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/provision/ledger_open.hpp"
#include "fwprov/provision/recipe.hpp"

namespace fwprov::cli {
namespace {

namespace fs = std::filesystem;
using namespace fwprov::provision;

struct LedgerOptions {
  std::string db;
  std::string recipe;
  std::string key;
  std::string format = "csv";
  std::string output;
};

// --ledger/--db (a file or a postgresql:// URL), the recipe's [ledger], or fwprov-ledger.db here.
std::string resolve_ledger(const LedgerOptions& options) {
  if (!options.db.empty()) {
    check_command_line_ledger(options.db);
    return options.db;
  }
  if (!options.recipe.empty()) return recipe_ledger_location(load_recipe(options.recipe));
  return "fwprov-ledger.db";
}

std::unique_ptr<Ledger> open_for_reading(const LedgerOptions& options) {
  return open_ledger(resolve_ledger(options), {.create = false, .read_only = false});
}

nlohmann::json ledger_certificate_json(const CertificateRow& c) {
  return {{"serial_number", c.record.serial_number}, {"subject", c.record.subject}, {"sha256", c.record.sha256},
          {"public_key_sha256", c.record.public_key_sha256}, {"state", c.state}, {"created", c.created}, {"attempt", c.attempt_id}};
}

nlohmann::json device_json(const DeviceRow& d) {
  nlohmann::json doc = {{"serial", d.serial}, {"mac", d.mac}, {"chip", d.chip}, {"status", d.status}, {"attempts", d.attempts},
                        {"first_seen", d.first_seen}, {"last_seen", d.last_seen}};
  doc["certificate"] = d.certificate ? ledger_certificate_json(*d.certificate) : nlohmann::json(nullptr);
  return doc;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void run_list(Context& context, const LedgerOptions& options) {
  auto ledger = open_for_reading(options);
  auto devices = ledger->list_devices();
  if (context.out.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : devices) list.push_back(device_json(d));
    context.out.document({{"ok", true}, {"devices", list}});
    return;
  }
  context.out.result(fmt::format("{:<16} {:<17} {:<6} {:<10} {:>8}  {}", "SERIAL", "MAC", "CHIP", "STATUS", "ATTEMPTS", "LAST SEEN"));
  for (const auto& d : devices)
    context.out.result(fmt::format("{:<16} {:<17} {:<6} {:<10} {:>8}  {}", d.serial, d.mac, d.chip, d.status, d.attempts, d.last_seen));
  context.out.note(fmt::format("{} device(s)", devices.size()));
}

void run_show(Context& context, const LedgerOptions& options) {
  auto ledger = open_for_reading(options);
  auto detail = ledger->show_device(options.key);
  if (!detail) throw Error(ErrorKind::Input, SourceLocation(redact_ledger_url(resolve_ledger(options)), 0, 0, options.key), "no device with this MAC or serial");
  if (context.out.json()) {
    nlohmann::json doc = device_json(detail->device);
    doc["ok"] = true;
    nlohmann::json attempts = nlohmann::json::array();
    for (const auto& a : detail->attempts)
      attempts.push_back({{"id", a.id}, {"started", a.started}, {"ended", a.ended.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.ended)},
                          {"station", a.station}, {"operator", a.operator_name}, {"fwprov_version", a.fwprov_version},
                          {"recipe_sha256", a.recipe_sha256}, {"result", a.result},
                          {"failed_step", a.failed_step.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.failed_step)},
                          {"error", a.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.error)},
                          {"regions", a.regions}, {"durations_ms", a.durations}, {"security", a.security}});
    nlohmann::json certificates = nlohmann::json::array();
    for (const auto& c : detail->certificates) certificates.push_back(ledger_certificate_json(c));
    doc["attempts"] = attempts;
    doc["certificates"] = certificates;
    context.out.document(doc);
    return;
  }
  const auto& d = detail->device;
  context.out.result(fmt::format("Serial:      {}\nMAC:         {}\nChip:        {}\nStatus:      {}\nFirst seen:  {}\nLast seen:   {}", d.serial,
                                 d.mac, d.chip, d.status, d.first_seen, d.last_seen));
  // Numbered per device (1, 2, ...); the ledger-wide attempt id is in brackets for SQL lookups.
  std::size_t number = 0;
  for (const auto& a : detail->attempts)
    context.out.result(fmt::format("Attempt {}:   {} {} -> {}  station '{}' operator '{}' [id {}]{}", ++number, a.result, a.started,
                                   a.ended.empty() ? "(incomplete)" : a.ended, a.station, a.operator_name, a.id,
                                   a.result == "failed" ? fmt::format("  step {}: {}", a.failed_step, a.error) : ""));
  for (const auto& c : detail->certificates)
    context.out.result(fmt::format("Certificate: {} {} sha256 {} ({})", c.state, c.record.subject, c.record.sha256, c.created));
}

void run_export(Context& context, const LedgerOptions& options) {
  auto ledger = open_for_reading(options);
  auto devices = ledger->list_devices();
  std::string text;
  std::size_t rows = 0;
  if (options.format == "csv") {
    text = "serial,mac,chip,status,attempts,first_seen,last_seen,certificate_sha256,certificate_state,public_key_sha256,subject\n";
    for (const auto& d : devices) {
      const auto* c = d.certificate ? &*d.certificate : nullptr;
      text += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(d.serial), d.mac, d.chip, d.status, d.attempts, d.first_seen,
                          d.last_seen, c ? c->record.sha256 : "", c ? c->state : "", c ? c->record.public_key_sha256 : "",
                          csv_field(c ? c->record.subject : ""));
      ++rows;
    }
  } else if (options.format == "jsonl") {
    for (const auto& d : devices) {
      text += device_json(d).dump() + "\n";
      ++rows;
    }
  } else {
    // AWS IoT bulk registration (start-thing-registration-task): one JSON object per line with the
    // provisioning template's parameters. Only devices that succeeded, with a delivered certificate.
    for (const auto& d : devices) {
      if (d.status != "ok" || !d.certificate || d.certificate->state != "delivered") continue;
      text += nlohmann::json{{"ThingName", d.serial}, {"SerialNumber", d.serial}, {"CertificatePem", d.certificate->record.pem}}.dump() + "\n";
      ++rows;
    }
  }
  Bytes bytes(text.begin(), text.end());
  if (options.output.empty() || options.output == "-") {
    if (context.out.json()) throw Error(ErrorKind::Usage, "--json with export needs -o FILE (stdout carries the JSON document)");
    fmt::print(stdout, "{}", text);
    return;
  }
  write_file_atomic(options.output, bytes);
  if (context.out.json()) {
    context.out.document({{"ok", true}, {"format", options.format}, {"rows", rows},
                          {"outputs", nlohmann::json::array({{{"path", options.output}, {"size", bytes.size()}, {"sha256", to_hex(sha256(bytes))},
                                                              {"kind", "ledger-export-" + options.format}}})}});
    return;
  }
  context.out.result(fmt::format("{}: {} row(s), {}", options.output, rows, options.format));
}

void add_source(CLI::App* command, LedgerOptions& options) {
  auto* db = command->add_option("--ledger,--db", options.db, "Ledger: a SQLite file or a postgresql:// URL without password (default: fwprov-ledger.db here)")
                  ->type_name("FILE|URL");
  command->add_option("--recipe", options.recipe, "Use the ledger a recipe names (ledger.path, ledger.url, ledger.url_env)")->type_name("RECIPE")->excludes(db);
}

}  // namespace

void setup_ledger(CLI::App& app, Context& context) {
  auto options = std::make_shared<LedgerOptions>();
  auto* ledger = app.add_subcommand("ledger", "What the provisioning ledger knows: devices, attempts, certificates; exports for the cloud");
  ledger->require_subcommand(1);
  ledger->footer("Run `fwprov ledger list --help`, `fwprov ledger show --help` or `fwprov ledger export --help`.");

  auto* list = ledger->add_subcommand("list", "One line per device: serial, MAC, chip, status of the last attempt");
  add_source(list, *options);
  list->footer("Example:\n  fwprov ledger list --recipe docs/examples/aws-workshop/recipe.toml");
  list->callback([&context, options] { run_list(context, *options); });

  auto* show = ledger->add_subcommand("show", "A device's attempts (station, operator, hashes, durations, errors) and certificates");
  show->add_option("device", options->key, "The device's MAC (24:0a:c4:12:34:56) or serial number")->required()->type_name("MAC-OR-SERIAL");
  add_source(show, *options);
  show->footer("Example:\n  fwprov --json ledger show ACME-000001 --db fwprov-ledger.db");
  show->callback([&context, options] { run_show(context, *options); });

  auto* exp = ledger->add_subcommand("export", "Every device as CSV, JSON Lines, or AWS IoT bulk registration input");
  exp->add_option("--format", options->format, "csv | jsonl | aws-bulk")->check(CLI::IsMember({"csv", "jsonl", "aws-bulk"}))->capture_default_str();
  exp->add_option("-o,--output", options->output, "File to write (default: stdout)")->type_name("FILE");
  add_source(exp, *options);
  exp->footer(
      "Examples:\n"
      "  fwprov ledger export --format csv -o devices.csv\n"
      "  fwprov ledger export --format aws-bulk -o bulk.jsonl   # aws s3 cp, then aws iot start-thing-registration-task\n"
      "aws-bulk: one line per provisioned device, {\"ThingName\", \"SerialNumber\", \"CertificatePem\"}: the parameters of a\n"
      "provisioning template that registers the certificate (docs/ledger.md has one).");
  exp->callback([&context, options] { run_export(context, *options); });
}

}  // namespace fwprov::cli
