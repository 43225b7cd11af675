#include "signing_support.hpp"

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/pki/pki_file.hpp"
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


pki::PkeyPtr load_verification_key(const std::string& pubkey_path, const std::string& certificate_path) {
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
    if (pki::encrypted_key_form(raw))
      throw Error(ErrorKind::Usage, SourceLocation{pubkey_path}, "is an encrypted private key, not a public key",
                  "give its public key (`fwprov keygen --pub-out`, `openssl pkey -pubout`) or the certificate with --cert");
    try {
      return pki::load_private_key(raw, pubkey_path);  // an unencrypted private key holds its public half
    } catch (const Error&) {
      throw error;
    }
  }
}

}  // namespace fwprov::cli::signing
