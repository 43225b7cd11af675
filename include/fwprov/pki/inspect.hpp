#pragma once
// `fwprov inspect`: what a PKI file holds, as plain data the CLI prints as text or JSON.
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/pki/pki_file.hpp"

namespace fwprov::pki {

struct KeyInfo {
  std::string type;               // "RSA", "EC", "Ed25519"
  int bits = 0;                   // modulus or field size
  std::string curve;              // EC: NIST name when there is one ("P-256"), else OpenSSL's ("secp256k1")
  bool has_private = false;
  std::string public_key_sha256;  // of the DER SubjectPublicKeyInfo, "AB:CD:.."; same for a key pair's halves
  std::string summary() const;    // "RSA 2048", "EC P-256", "Ed25519"
};

enum class Validity { Valid, Expired, NotYetValid };

struct CertificateInfo {
  std::string subject;  // in certificate order, e.g. "CN=device-01, O=Acme"
  std::string issuer;
  std::string serial;      // uppercase hex, as `openssl x509 -serial`
  std::string not_before;  // ISO 8601 UTC, "2025-01-31T12:00:00Z"
  std::string not_after;
  Validity validity = Validity::Valid;
  bool self_signed = false;
  bool is_ca = false;
  std::string signature_algorithm;  // e.g. "ecdsa-with-SHA256"
  KeyInfo key;
  std::vector<std::string> subject_alt_names;   // "DNS:a.example", "IP Address:10.0.0.1", ...
  std::vector<std::string> key_usage;           // "digitalSignature", ... (empty: no extension)
  std::vector<std::string> extended_key_usage;  // "codeSigning", "serverAuth", or dotted OIDs
  std::string sha256_fingerprint;               // of the DER, as `openssl x509 -fingerprint -sha256`
};

struct CsrInfo {
  std::string subject;
  KeyInfo key;
  std::vector<std::string> subject_alt_names;
  bool signature_valid = false;  // self-signature made with the requested key
  std::string sha256_fingerprint;  // of the DER request
};

struct FileInfo {
  ObjectKind kind = ObjectKind::Certificate;
  Encoding encoding = Encoding::Der;
  KeyStructure structure = KeyStructure::None;
  std::vector<CertificateInfo> certificates;  // kind Certificate, in file order
  std::optional<KeyInfo> key;                 // kind PrivateKey / PublicKey
  std::optional<CsrInfo> csr;                 // kind Csr
};

KeyInfo describe_key(const EVP_PKEY* key);
// `now` decides Validity; tests pass a fixed time.
CertificateInfo describe_certificate(X509* certificate, std::time_t now);
CsrInfo describe_csr(X509_REQ* csr);
FileInfo describe(const PkiFile& file, std::time_t now);

std::string_view validity_name(Validity validity);  // "valid", "expired", "not yet valid"

}  // namespace fwprov::pki
