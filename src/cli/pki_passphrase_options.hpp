#pragma once
// --passphrase-env / --passphrase-file, shared by the commands that read encrypted private keys.
// Never a passphrase on the command line: it would land in shell history and `ps`.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "fwprov/pki/passphrase.hpp"

namespace fwprov::cli {

struct PassphraseOptions {
  std::string env;
  std::string file;

  pki::PassphraseSource source() const {
    if (!env.empty()) return pki::PassphraseSource::from_env(env);
    if (!file.empty()) return pki::PassphraseSource::from_file(file);
    return {};
  }
};

inline void add_passphrase_options(CLI::App* command, PassphraseOptions& options) {
  auto* env = command->add_option("--passphrase-env", options.env,
                                  "Name of the environment variable that holds the passphrase of an encrypted key");
  env->type_name("VAR");
  auto* file = command->add_option("--passphrase-file", options.file,
                                   "File whose first line is the passphrase of an encrypted key");
  file->type_name("FILE");
  env->excludes(file);
}

}  // namespace fwprov::cli
