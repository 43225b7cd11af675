#include "signing_support.hpp"

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/pki/pkcs11_uri.hpp"
#include "fwprov/sign/espsecure.hpp"

namespace fwprov::cli::signing {

void PassphraseOptions::add_to(CLI::App* command, const std::string& what) {
  auto* by_env = command->add_option("--passphrase-env", env, "Environment variable holding the passphrase " + what)
                     ->type_name("VAR");
  auto* by_file = command->add_option("--passphrase-file", file, "File whose first line is the passphrase " + what)
                      ->type_name("FILE");
  by_env->excludes(by_file);
}

pki::PassphraseSource PassphraseOptions::source() const {
  if (!env.empty()) return pki::PassphraseSource::from_env(env);
  if (!file.empty()) return pki::PassphraseSource::from_file(file);
  return {};
}

void KeyOptions::add_to(CLI::App* command, const std::string& what) {
  passphrase.add_to(command, what);
  add_token_options_to(command);
}

void KeyOptions::add_token_options_to(CLI::App* command) {
  command->add_option("--pkcs11-module", pkcs11_module,
                      "PKCS#11 module (.so) for pkcs11: URIs without module-path (default: $FWPROV_PKCS11_MODULE)")
      ->type_name("MODULE.so");
  auto* by_env = command->add_option("--pin-env", pin_env, "Environment variable holding the token PIN (URIs without pin-source)")->type_name("VAR");
  auto* by_file = command->add_option("--pin-file", pin_file, "File whose first line is the token PIN")->type_name("FILE");
  by_env->excludes(by_file);
}

void KeyOptions::add_hsm_config_to(CLI::App* command, const std::string& use) {
  command->add_option("--hsm-config", hsm_config,
                      "espsecure HSM config (INI [hsm_config]: pkcs11_lib, slot, label, label_pubkey, credentials): " + use)
      ->type_name("FILE");
}

pki::KeySource KeyOptions::source(Warnings* warnings) const {
  pki::KeySource source;
  source.passphrase = passphrase.source();
  source.pkcs11_module = pkcs11_module;
  if (!pin_env.empty()) source.pin = pki::PassphraseSource::from_env(pin_env);
  if (!pin_file.empty()) source.pin = pki::PassphraseSource::from_file(pin_file);
  source.warnings = warnings;
  return source;
}

pki::PrivateKey KeyOptions::load(const std::string& path_or_uri, Context& context) const {
  Warnings warnings(context.out.warning_sink());
  return pki::open_private_key(path_or_uri, source(&warnings));
}

pki::PrivateKey KeyOptions::load_hsm_config(Context& context) const {
  Warnings warnings(context.out.warning_sink());
  return pki::open_hsm_config_key(hsm_config, source(&warnings));
}

void refuse_overwrite(const std::filesystem::path& path, bool force) {
  std::error_code ec;
  if (!force && std::filesystem::exists(path, ec))
    throw Error(ErrorKind::Usage, SourceLocation{path.string()}, "already exists; refusing to overwrite (give --force to replace it)");
}

void ensure_parent(const std::filesystem::path& path) {
  auto parent = path.parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) throw Error(ErrorKind::Io, SourceLocation{parent.string()}, "cannot create folder: " + ec.message());
}

pki::PkeyPtr load_verification_key(const std::string& pubkey_path, const std::string& certificate_path, const pki::KeySource& token_source) {
  for (const std::string* given : {&certificate_path, &pubkey_path})
    if (pki::is_pkcs11_uri(*given)) return pki::open_token_public_key(*given, token_source);
  if (!certificate_path.empty()) {
    pki::X509Ptr certificate = pki::load_certificate_file(certificate_path);
    pki::PkeyPtr key(X509_get_pubkey(certificate.get()));
    if (!key) throw Error(ErrorKind::Input, SourceLocation{certificate_path}, "certificate holds no usable public key");
    return key;
  }
  try {
    return pki::load_public_key_file(pubkey_path);
  } catch (const Error& error) {
    if (error.kind() != ErrorKind::Input) throw;
    Bytes raw = read_file(pubkey_path);
    if (raw.size() == 64) return sign::espsecure::sbv1_public_key_from_raw(raw);  // espsecure v1 raw X || Y
    try {
      return pki::load_private_key(raw, pubkey_path);  // an unencrypted private key holds its public half
    } catch (const Error&) {
      throw error;
    }
  }
}

}  // namespace fwprov::cli::signing
