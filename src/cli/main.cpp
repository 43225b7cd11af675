// fwprov: the one place that catches errors, prints them and turns them into exit codes.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <string_view>

#include "commands.hpp"
#include "fwprov/core/error.hpp"

#ifndef FWPROV_VERSION
#define FWPROV_VERSION "dev"
#endif

namespace {

using fwprov::cli::Context;

void report(const Context& context, const fwprov::Error& error) {
  context.out.error(error.what());
  if (!context.options.json) return;
  nlohmann::json doc = {{"ok", false},
                        {"error", {{"kind", fwprov::kind_name(error.kind())}, {"message", error.message()}}}};
  const auto& where = error.where();
  if (!where.file.empty()) doc["error"]["file"] = where.file;
  if (where.line != 0) doc["error"]["line"] = where.line;
  if (where.column != 0) doc["error"]["column"] = where.column;
  if (!where.field.empty()) doc["error"]["field"] = where.field;
  context.out.document(doc);
}

using Setup = void (*)(CLI::App&, Context&);
struct Command {
  const char* name;
  Setup setup;
};

// Factory-flow order: keys and certificates, DER, NVS images, partition table and images,
// signatures, flashing.
constexpr Command kCommands[] = {
    {"keygen", fwprov::cli::setup_keygen},         {"csr", fwprov::cli::setup_csr},
    {"ca", fwprov::cli::setup_ca},                 {"convert", fwprov::cli::setup_convert},
    {"keys", fwprov::cli::setup_keys},
    {"inspect", fwprov::cli::setup_inspect},       {"nvs", fwprov::cli::setup_nvs},
    {"mfg", fwprov::cli::setup_mfg},               {"partitions", fwprov::cli::setup_partitions},
    {"otadata", fwprov::cli::setup_otadata},       {"image", fwprov::cli::setup_image},
    {"sign", fwprov::cli::setup_sign},             {"verify", fwprov::cli::setup_verify},
    {"flash", fwprov::cli::setup_flash},           {"help", fwprov::cli::setup_help},
    {"ports", fwprov::cli::setup_ports},
};

// Building every command's options costs more than some whole commands (start-up is most of
// `nvs generate`'s 10 ms budget), so when the command line names one, only that one is built.
// `help`, a bare `--help` and anything unrecognised get all of them, so listings and CLI11's
// own errors are unchanged. Global options are flags without values, so the first argument
// that is not an option is the command.
void register_commands(CLI::App& app, Context& context, int argc, char** argv) {
  std::string_view named;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') {
      named = argv[i];
      break;
    }
  }
  for (const auto& command : kCommands) {
    if (named == command.name && named != "help") {
      command.setup(app, context);
      return;
    }
  }
  for (const auto& command : kCommands) command.setup(app, context);
}

}  // namespace

int main(int argc, char** argv) {
  Context context;
  CLI::App app{"fwprov: take an ESP32-class device from blank chip to provisioned, signed, flashed product.\n"
               "Run `fwprov COMMAND --help` for a command's options, `fwprov help exit-codes` for exit codes.",
               "fwprov"};
  app.set_version_flag("--version", FWPROV_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options are accepted after the subcommand too
  app.add_flag("--json", context.options.json, "Print one JSON document on stdout (for scripts)");
  app.add_flag("-q,--quiet", context.options.quiet, "Print only results and errors");
  app.add_flag("-v,--verbose", context.options.verbose, "Say more about what is done (repeatable)");
  app.add_flag("--no-color", context.options.no_color, "No colours in messages (also: NO_COLOR env)");

  register_commands(app, context, argc, argv);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    context.out.error(error.what());
    context.out.note("run with --help for usage");
    return fwprov::exit_code(fwprov::ErrorKind::Usage);
  } catch (const fwprov::Error& error) {
    report(context, error);
    return fwprov::exit_code(error.kind());
  } catch (const std::exception& error) {
    report(context, fwprov::Error(fwprov::ErrorKind::Internal, std::string("internal error: ") + error.what()));
    return fwprov::exit_code(fwprov::ErrorKind::Internal);
  }
  return context.exit_code;
}
