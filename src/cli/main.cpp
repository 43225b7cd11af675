// fwprov: the one place that catches errors, prints them and turns them into exit codes.
// With --json every outcome, argument errors and --help/--version included, is exactly one
// JSON document on stdout (docs/cli-contract.md).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "fwprov/core/cleanup.hpp"
#include "fwprov/core/error.hpp"
#include "version.hpp"

#ifndef FWPROV_VERSION
#define FWPROV_VERSION "dev"
#endif

namespace {

using fwprov::cli::Context;

void report(const Context& context, const fwprov::Error& error) {
  context.out.error(error.what());
  if (!error.hint().empty()) context.out.note("hint: " + error.hint());
  if (!context.options.json) return;
  context.out.discard_document();  // a document kept before the failure is not the outcome
  context.out.document({{"ok", false}, {"error", fwprov::cli::error_json(error)}, {"outputs", nlohmann::json::array()}});
  context.out.flush_document();
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
    {"encrypt", fwprov::cli::setup_encrypt},       {"decrypt", fwprov::cli::setup_decrypt},
    {"secure-cert", fwprov::cli::setup_secure_cert},
    {"flash", fwprov::cli::setup_flash},           {"efuse", fwprov::cli::setup_efuse},
    {"provision", fwprov::cli::setup_provision},   {"ledger", fwprov::cli::setup_ledger},
    {"ports", fwprov::cli::setup_ports},           {"help", fwprov::cli::setup_help},
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

// --json is looked for before parsing, so that an argument error (which stops CLI11 before it
// reaches a later --json) is a JSON document too.
bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--json") return true;
  }
  return false;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "unknown command 'nvs gen'" with the near names, when a command word is not one: the words
// before the first option are command words, each chosen among its parent's subcommands.
std::optional<fwprov::Error> unknown_command(CLI::App& app, int argc, char** argv) {
  CLI::App* current = &app;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word.empty() || word[0] == '-') return std::nullopt;
    auto subcommands = current->get_subcommands([](CLI::App*) { return true; });
    if (subcommands.empty()) return std::nullopt;
    CLI::App* next = nullptr;
    for (auto* sub : subcommands)
      if (sub->get_name() == word) next = sub;
    if (next == nullptr) {
      std::vector<std::string> near;
      for (auto* sub : subcommands) {
        const std::string& name = sub->get_name();
        bool prefix = name.rfind(word, 0) == 0 || std::string_view(word).find(name) != std::string_view::npos;
        if (prefix || edit_distance(word, name) <= std::max<std::size_t>(2, name.size() / 3)) near.push_back(name);
      }
      std::string all;
      for (auto* sub : subcommands) all += (all.empty() ? "" : ", ") + sub->get_name();
      std::string hint = near.empty() ? "commands: " + all : "did you mean: " + fmt::format("{}", fmt::join(near, ", ")) + "?";
      return fwprov::Error(fwprov::ErrorKind::Usage, fwprov::SourceLocation{},
                           "unknown command '" + path + std::string(word) + "'", hint);
    }
    path += std::string(word) + " ";
    current = next;
  }
  return std::nullopt;
}

// The command the parse error belongs to, for "run `fwprov nvs generate --help`".
std::string command_path(const CLI::App& app) {
  std::string path = "fwprov";
  const CLI::App* current = &app;
  for (;;) {
    auto selected = current->get_subcommands();
    if (selected.empty()) break;
    current = selected.front();
    path += " " + current->get_name();
  }
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  fwprov::install_interrupt_cleanup();  // Ctrl-C or a CI timeout leaves no temporary files
  Context context;
  context.options.json = wants_json(argc, argv);
  CLI::App app{"fwprov: take an ESP32-class device from blank chip to provisioned, signed, flashed product.\n"
               "Run `fwprov COMMAND --help` (or `fwprov help COMMAND`) for a command's options,\n"
               "`fwprov help exit-codes` for exit codes; docs/cli-contract.md says what scripts can rely on.",
               "fwprov"};
  app.set_version_flag("--version", fwprov::cli::version_text, "Print the version, git commit, build type and linked library versions");
  app.require_subcommand(1);
  app.fallthrough();  // global options are accepted after the subcommand too
  app.add_flag("--json", context.options.json, "Print exactly one JSON document on stdout, whatever the outcome (for scripts)");
  app.add_flag("-q,--quiet", context.options.quiet, "Print nothing but errors (--json still prints its document)");
  app.add_flag("-v,--verbose", context.options.verbose, "Say more about what is done (repeatable); with --json, add timings");
  app.add_flag("--no-color", context.options.no_color, "No colours in messages (also: NO_COLOR env)");
  app.add_flag("--strict", context.options.strict, "Turn every warning into an error (exit 3)");

  register_commands(app, context, argc, argv);

  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
      if (dynamic_cast<const CLI::CallForVersion*>(&error) != nullptr) {
        if (!context.options.json) return app.exit(error);
        context.out.document(fwprov::cli::version_json());
        context.out.flush_document();
        return 0;
      }
      if (error.get_exit_code() == 0) {  // --help
        if (!context.options.json) return app.exit(error);
        context.out.document({{"help", app.help()}});
        context.out.flush_document();
        return 0;
      }
      if (auto unknown = unknown_command(app, argc, argv)) throw *unknown;
      throw fwprov::Error(fwprov::ErrorKind::Usage, fwprov::SourceLocation{}, error.what(),
                          "run `" + command_path(app) + " --help` for usage");
    }
  } catch (const fwprov::Error& error) {
    report(context, error);
    return fwprov::exit_code(error.kind());
  } catch (const std::exception& error) {
    report(context, fwprov::Error(fwprov::ErrorKind::Internal, std::string("internal error: ") + error.what()));
    return fwprov::exit_code(fwprov::ErrorKind::Internal);
  }
  if (context.exit_code != 0) context.out.mark_failed(context.exit_code);
  context.out.flush_document();
  return context.exit_code;
}
