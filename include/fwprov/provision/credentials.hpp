#pragma once
// A device's certificate and private key, made on the station (mode "issue": key, CSR, and a
// certificate from the factory CA) or read from per-device files (mode "files"). The private
// key stays in memory (SecretBytes, wiped) unless the recipe keeps it.
#include <filesystem>
#include <string>

#include "fwprov/core/secret.hpp"
#include <optional>

#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/pki/private_key.hpp"
#include "fwprov/pki/passphrase.hpp"
#include "fwprov/provision/recipe.hpp"

namespace fwprov::provision {

struct FactoryCa {
  pki::X509Ptr certificate;
  std::optional<pki::PrivateKey> key;  // a key file or a pkcs11: URI (a token key)
  Bytes certificate_der;
  std::string certificate_origin;
};

// The one place a factory CA key is loaded: a key file, or a `pkcs11:` URI (module from the
// URI, --pkcs11-module's FWPROV_PKCS11_MODULE; PIN from the URI's pin-source). Errors: Io for
// a missing file, Crypto for a wrong passphrase/PIN or a key that does not match the
// certificate, Input for a certificate that is not a CA or a malformed URI.
FactoryCa load_factory_ca(const std::filesystem::path& certificate, const std::string& key_reference,
                          const pki::PassphraseSource& passphrase);

struct DeviceIdentity {
  std::string serial;
  std::string mac;   // "24:0a:c4:12:34:56"
  std::string chip;  // "esp32"
};

struct DeviceCredentials {
  bool present = false;       // mode "none": nothing
  Bytes certificate_der;
  Bytes certificate_pem;      // for the ledger (aws-bulk export)
  SecretBytes private_key_der;  // traditional DER (SEC1 for EC, PKCS#1 for RSA)
  Bytes private_key_pem;      // filled only when the recipe keeps keys
  std::string subject;        // "CN=ACME-000001, O=Acme"
  std::string certificate_serial;  // hex, as openssl x509 -serial
  std::string certificate_sha256;  // hex of the DER
  std::string public_key_sha256;   // hex of the DER SubjectPublicKeyInfo
};

// Makes (issue) or loads (files) one device's credentials. `ca` must be set for mode issue.
DeviceCredentials make_credentials(const Recipe& recipe, const FactoryCa* ca, const DeviceIdentity& identity);

// The subject text for a device: the recipe's template expanded.
std::string device_subject(const Recipe& recipe, const DeviceIdentity& identity);

}  // namespace fwprov::provision
