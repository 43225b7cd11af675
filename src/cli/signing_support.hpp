#pragma once
// Shared by the keygen, sign, verify, csr and ca commands: passphrase options and key loading.
// (Outputs are replaced and their folders must exist: docs/cli-contract.md.)
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

// Reads a key from --pubkey / --cert style files: a public key, a certificate, an unencrypted
// private key, or (for secure boot v1) 64 raw bytes X || Y.
pki::PkeyPtr load_verification_key(const std::string& pubkey_path, const std::string& certificate_path);

}  // namespace fwprov::cli::signing
