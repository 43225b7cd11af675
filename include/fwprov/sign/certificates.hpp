#pragma once
// Keys, certificate requests and a small signing CA, all through OpenSSL 3.
#include <filesystem>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/pki/passphrase.hpp"
#include "fwprov/pki/private_key.hpp"

namespace fwprov::sign {

using pki::PkeyPtr;
using pki::X509Ptr;
using pki::X509ReqPtr;

// --- keys ---
enum class KeyType { EcP256, EcP384, EcP192, Rsa2048, Rsa3072, Rsa4096 };
// "ec-p256", "ec-p384", "ec-p192" (ESP32-C2 secure boot v2 only, as espsecure's ecdsa192), "rsa-2048", "rsa-3072", "rsa-4096"; Usage error otherwise.
KeyType parse_key_type(const std::string& text);
const char* key_type_name(KeyType type);
PkeyPtr generate_key(KeyType type);
// PKCS#8 PEM; encrypted with AES-256-CBC when `passphrase` is given.
Bytes private_key_pem(const EVP_PKEY* key, const pki::PassphraseSource& passphrase = {});
Bytes public_key_pem(const EVP_PKEY* key);  // SubjectPublicKeyInfo

// --- names ---
// "CN=dev 1,O=Acme" or "/C=FR/O=Acme/CN=dev 1" (`\,` and `\/` escape). Input error on junk.
using NameEntries = std::vector<std::pair<std::string, std::string>>;
NameEntries parse_subject(const std::string& text);
X509_NAME* make_name(const NameEntries& entries);  // caller owns

// --- certificates ---
Bytes certificate_pem(X509* certificate);
Bytes certificate_der(X509* certificate);
Bytes csr_pem(X509_REQ* request);

// Requests and certificates signed by a key file go through X509_sign; by a token key, the
// TBS part is encoded here, its SHA-256 signed in the token and the signature attached, then
// the result is read back and verified (a bad encoding fails here, not at the device).
X509ReqPtr make_csr(EVP_PKEY* key, const NameEntries& subject);
X509ReqPtr make_csr(const pki::PrivateKey& key, const NameEntries& subject);

struct IssueOptions {
  int days = 365;
};
// A leaf certificate for a device CSR: the CSR's subject and key, signed by the CA with
// SHA-256; basicConstraints CA:FALSE, keyUsage digitalSignature (+ keyEncipherment for RSA),
// extendedKeyUsage clientAuth, subject/authority key identifiers, random 128-bit serial.
// Throws Input error for a CSR whose signature is wrong, Crypto error for a CA key that does
// not match the CA certificate, Input error for a CA certificate that is not a CA.
X509Ptr issue_certificate(X509* ca_certificate, EVP_PKEY* ca_key, X509_REQ* request, const IssueOptions& options,
                          const std::string& csr_origin, const std::string& ca_origin);
X509Ptr issue_certificate(X509* ca_certificate, const pki::PrivateKey& ca_key, X509_REQ* request, const IssueOptions& options,
                          const std::string& csr_origin, const std::string& ca_origin);

// Self-signed code-signing certificate (keyUsage digitalSignature, EKU codeSigning), the one
// the AWS ESP32 workflow flashes as P11_CSK.
X509Ptr make_codesign_certificate(EVP_PKEY* key, const NameEntries& subject, int days);
X509Ptr make_codesign_certificate(const pki::PrivateKey& key, const NameEntries& subject, int days);

// `ca init`: the layout of NXP's generate_signing_artifacts.py under `dir`.
struct CaInitOptions {
  std::string name;          // file prefix and CN stem
  std::string country;       // C
  std::string state;         // ST
  std::string locality;      // L (root only, as the NXP policy drops it from leaves)
  std::string organization;  // O
  int root_days = 7300;
  int app_days = 375;
};
struct CaFile {
  std::filesystem::path path;  // relative to dir
  Bytes data;
  bool secret = false;
};
// Generates the root (RSA-4096) and app.a / app.b (RSA-2048) keys and certificates; keys are
// encrypted with `passphrase`. Returns the files to write (private/, certs/, csr/).
std::vector<CaFile> make_signing_ca(const CaInitOptions& options, const pki::PassphraseSource& passphrase);

}  // namespace fwprov::sign
