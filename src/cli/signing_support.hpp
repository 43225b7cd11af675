#pragma once
// Shared by the keygen, sign, verify, csr and ca commands: passphrase options, key loading and
// the "do not overwrite" rule.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

#include "context.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/pki/passphrase.hpp"

namespace fwprov::cli::signing {

struct PassphraseOptions {
  std::string env;
  std::string file;
  // Adds --passphrase-env / --passphrase-file (mutually exclusive) to `command`.
  void add_to(CLI::App* command, const std::string& what);
  pki::PassphraseSource source() const;
};

// Usage error when `path` exists and --force was not given.
void refuse_overwrite(const std::filesystem::path& path, bool force);

// Creates the folder a new output goes into when it is missing.
void ensure_parent(const std::filesystem::path& path);

// Reads a key from --pubkey / --cert style files: a public key, a certificate, an unencrypted
// private key, or (for secure boot v1) 64 raw bytes X || Y.
pki::PkeyPtr load_verification_key(const std::string& pubkey_path, const std::string& certificate_path);

}  // namespace fwprov::cli::signing
