// `fwprov keys list`: the keys and certificates a PKCS#11 token holds, each with the URI that
// selects it for --key / --ca-key.
#include <fmt/core.h>

#include <cstdlib>

#include "commands.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/pki/pkcs11_list.hpp"

namespace fwprov::cli {
namespace {

struct KeysListOptions {
  std::string module;
  std::string token;
  std::string pin_env;
  std::string pin_file;
};

void run_keys_list(const KeysListOptions& options, Context& context) {
  std::string module = options.module;
  if (module.empty())
    if (const char* env = std::getenv("FWPROV_PKCS11_MODULE"); env != nullptr) module = env;
  if (module.empty()) throw Error(ErrorKind::Usage, SourceLocation{"--pkcs11-module"}, "is required (or set FWPROV_PKCS11_MODULE)");
  pki::PassphraseSource pin;
  if (!options.pin_env.empty()) pin = pki::PassphraseSource::from_env(options.pin_env);
  if (!options.pin_file.empty()) pin = pki::PassphraseSource::from_file(options.pin_file);
  auto tokens = pki::list_tokens(module, options.token.empty() ? std::nullopt : std::optional<std::string>(options.token), pin);

  if (context.out.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& token : tokens) {
      nlohmann::json objects = nlohmann::json::array();
      for (const auto& object : token.objects) {
        nlohmann::json entry = {{"type", object.kind}, {"label", object.label}, {"id", object.id_hex}, {"key", object.key}, {"uri", object.uri}};
        if (!object.subject.empty()) entry["subject"] = object.subject;
        objects.push_back(entry);
      }
      list.push_back({{"slot", token.slot}, {"label", token.label}, {"manufacturer", token.manufacturer}, {"model", token.model},
                      {"serial", token.serial}, {"logged_in", token.logged_in}, {"objects", objects}});
    }
    context.out.document({{"ok", true}, {"module", module}, {"tokens", list}});
    return;
  }
  for (const auto& token : tokens) {
    context.out.result(fmt::format("token '{}' (slot {}, {} {}, serial {}){}", token.label, token.slot, token.manufacturer, token.model,
                                   token.serial, token.logged_in ? "" : ", not logged in: private keys not shown"));
    for (const auto& object : token.objects) {
      std::string what = object.key.empty() ? object.kind : object.kind + " " + object.key;
      if (!object.subject.empty()) what += " " + object.subject;
      context.out.result(fmt::format("  {:<18} {}", what, object.uri));
    }
    if (token.objects.empty()) context.out.result("  (no keys or certificates)");
  }
}

}  // namespace

void setup_keys(CLI::App& app, Context& context) {
  auto* keys = app.add_subcommand("keys", "Keys kept in PKCS#11 tokens (HSMs): list them with their pkcs11: URIs");
  keys->require_subcommand(1);
  keys->footer("Run `fwprov keys list --help`.");
  auto options = std::make_shared<KeysListOptions>();
  auto* list = keys->add_subcommand("list", "List the keys and certificates of a PKCS#11 module's tokens, each with its pkcs11: URI");
  list->add_option("--pkcs11-module", options->module, "PKCS#11 module (.so) (default: $FWPROV_PKCS11_MODULE)")->type_name("MODULE.so");
  list->add_option("--token", options->token, "Only the token with this label")->type_name("LABEL");
  auto* by_env = list->add_option("--pin-env", options->pin_env, "Environment variable holding the PIN: log in to list private keys too")->type_name("VAR");
  auto* by_file = list->add_option("--pin-file", options->pin_file, "File whose first line is the PIN")->type_name("FILE");
  by_env->excludes(by_file);
  list->footer(
      "Example:\n"
      "  fwprov keys list --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --token factory --pin-file /run/hsm-pin\n"
      "Each line ends with the URI that selects the object; give it to --key / --ca-key (add\n"
      "?pin-source=file:PATH, or --pin-env / --pin-file). Without a PIN, private keys are hidden by the token.");
  list->callback([options, &context] { run_keys_list(*options, context); });
}

}  // namespace fwprov::cli
