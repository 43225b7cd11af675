#include "fwprov/provision/credentials.hpp"

#include <fmt/core.h>
#include <openssl/bn.h>

#include "fwprov/core/encoding.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/encode.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/provision/placeholders.hpp"
#include "fwprov/sign/certificates.hpp"
#include "fwprov/sign/key.hpp"

namespace fwprov::provision {
namespace {

namespace fs = std::filesystem;

std::string certificate_serial_hex(X509* certificate) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(certificate), nullptr);
  char* hex = bn ? BN_bn2hex(bn) : nullptr;
  std::string text = hex ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  return text;
}

std::string subject_of(X509* certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return text;
}

void fill_certificate_facts(DeviceCredentials& out, X509* certificate, const EVP_PKEY* key) {
  out.present = true;
  out.certificate_der = sign::certificate_der(certificate);
  out.certificate_pem = sign::certificate_pem(certificate);
  out.subject = subject_of(certificate);
  out.certificate_serial = certificate_serial_hex(certificate);
  out.certificate_sha256 = to_hex(sha256(out.certificate_der));
  out.public_key_sha256 = to_hex(sha256(pki::encode_public_key(key, pki::Encoding::Der)));
}

std::function<std::optional<std::string>(const std::string&)> identity_lookup(const DeviceIdentity& identity) {
  return [&identity](const std::string& name) -> std::optional<std::string> {
    if (name == "serial") return identity.serial;
    if (name == "mac") return identity.mac;
    if (name == "chip") return identity.chip;
    return std::nullopt;
  };
}

}  // namespace

FactoryCa load_factory_ca(const fs::path& certificate, const std::string& key_reference, const pki::PassphraseSource& passphrase) {
  FactoryCa ca;
  ca.certificate_origin = certificate.string();
  ca.certificate = pki::load_certificate_file(certificate);
  pki::KeySource source;
  source.passphrase = passphrase;
  ca.key = pki::open_private_key(key_reference, source);
  sign::require_signing_key(ca.key->public_key(), ca.key->origin());
  sign::require_certificate_matches_key(ca.key->public_key(), ca.certificate.get(), ca.key->origin(), ca.certificate_origin);
  ca.certificate_der = sign::certificate_der(ca.certificate.get());
  return ca;
}

std::string device_subject(const Recipe& recipe, const DeviceIdentity& identity) {
  return expand(recipe.credentials.subject, identity_lookup(identity), {recipe.file.string(), 0, 0, "credentials.subject"});
}

DeviceCredentials make_credentials(const Recipe& recipe, const FactoryCa* ca, const DeviceIdentity& identity) {
  DeviceCredentials out;
  const auto& c = recipe.credentials;
  if (c.mode == CredentialMode::None) return out;
  if (c.mode == CredentialMode::Issue) {
    if (!ca) throw Error(ErrorKind::Internal, "make_credentials: mode issue without a CA");
    pki::PkeyPtr key = sign::generate_key(c.key_type);
    auto subject = sign::parse_subject(device_subject(recipe, identity));
    pki::X509ReqPtr request = sign::make_csr(key.get(), subject);
    pki::X509Ptr certificate =
        sign::issue_certificate(ca->certificate.get(), *ca->key, request.get(), sign::IssueOptions{c.days}, "device CSR", ca->certificate_origin);
    fill_certificate_facts(out, certificate.get(), key.get());
    out.private_key_der = SecretBytes(pki::encode_private_key(key.get(), pki::Encoding::Der, pki::KeyFormat::Traditional));
    if (recipe.storage.keep_private_keys) out.private_key_pem = pki::encode_private_key(key.get(), pki::Encoding::Pem, pki::KeyFormat::Traditional);
    return out;
  }
  fs::path folder = recipe.dir / expand(c.folder, identity_lookup(identity), {recipe.file.string(), 0, 0, "credentials.folder"});
  pki::X509Ptr certificate = pki::load_certificate_file(folder / c.cert_file);
  pki::PkeyPtr key = pki::load_private_key_file(folder / c.key_file);
  sign::require_certificate_matches_key(key.get(), certificate.get(), (folder / c.key_file).string(), (folder / c.cert_file).string());
  fill_certificate_facts(out, certificate.get(), key.get());
  out.private_key_der = SecretBytes(pki::encode_private_key(key.get(), pki::Encoding::Der, pki::KeyFormat::Traditional));
  return out;
}

}  // namespace fwprov::provision
