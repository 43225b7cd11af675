// fwprov: the one place that catches errors, prints them and turns them into exit codes.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

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

  fwprov::cli::setup_keygen(app, context);
  fwprov::cli::setup_csr(app, context);
  fwprov::cli::setup_ca(app, context);
  fwprov::cli::setup_convert(app, context);
  fwprov::cli::setup_inspect(app, context);
  fwprov::cli::setup_nvs(app, context);
  fwprov::cli::setup_mfg(app, context);
  fwprov::cli::setup_partitions(app, context);
  fwprov::cli::setup_otadata(app, context);
  fwprov::cli::setup_image(app, context);
  fwprov::cli::setup_sign(app, context);
  fwprov::cli::setup_verify(app, context);
  fwprov::cli::setup_flash(app, context);
  fwprov::cli::setup_help(app, context);

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
