#pragma once
// Shared by the keygen, sign, verify, csr and ca commands: passphrase options, key loading and
// the "do not overwrite" rule.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

#include "context.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/pki/passphrase.hpp"
#include "fwprov/pki/private_key.hpp"

namespace fwprov::cli::signing {

struct PassphraseOptions {
  std::string env;
  std::string file;
  // Adds --passphrase-env / --passphrase-file (mutually exclusive) to `command`.
  void add_to(CLI::App* command, const std::string& what);
  pki::PassphraseSource source() const;
};

// Everything a command needs to open a private key that is a file or a `pkcs11:` URI: the
// passphrase options, --pkcs11-module and --pin-env / --pin-file (docs/pkcs11.md).
struct KeyOptions {
  PassphraseOptions passphrase;
  std::string pkcs11_module;
  std::string pin_env;
  std::string pin_file;
  std::string hsm_config;  // only where add_hsm_config_to was called
  // --passphrase-env/--passphrase-file and the token options.
  void add_to(CLI::App* command, const std::string& what);
  // Only the token options (commands that read public keys).
  void add_token_options_to(CLI::App* command);
  // espsecure's --hsm-config FILE; `use` says what the command does with its key.
  void add_hsm_config_to(CLI::App* command, const std::string& use);
  pki::KeySource source(Warnings* warnings) const;
  // The key at a path or a pkcs11: URI; a pin-value warning goes to the user.
  pki::PrivateKey load(const std::string& path_or_uri, Context& context) const;
  // The key the --hsm-config file names.
  pki::PrivateKey load_hsm_config(Context& context) const;
};

// Usage error when `path` exists and --force was not given.
void refuse_overwrite(const std::filesystem::path& path, bool force);

// Creates the folder a new output goes into when it is missing.
void ensure_parent(const std::filesystem::path& path);

// Reads a key from --pubkey / --cert style files: a public key, a certificate, an unencrypted
// private key, or (for secure boot v1) 64 raw bytes X || Y.
// Either may also be a pkcs11: URI (a public-key or certificate object in a token).
pki::PkeyPtr load_verification_key(const std::string& pubkey_path, const std::string& certificate_path,
                                   const pki::KeySource& token_source = {});

}  // namespace fwprov::cli::signing
