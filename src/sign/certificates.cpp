// Certificate requests, device certificates from a factory CA, the self-signed code-signing
// certificate, and the NXP-style signing CA (`ca init`).
#include "fwprov/sign/certificates.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <memory>

#include "fwprov/core/error.hpp"
#include "fwprov/sign/ecdsa_encoding.hpp"
#include "fwprov/sign/file_digest.hpp"
#include "fwprov/sign/key.hpp"
#include "openssl_extra.hpp"

namespace fwprov::sign {
namespace {

using detail::crypto_fail;

void add_extension(X509* certificate, X509V3_CTX* ctx, int nid, const char* value) {
  detail::X509ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1)
    crypto_fail(std::string("cannot add certificate extension ") + OBJ_nid2sn(nid) + "=" + value);
}

void set_serial(X509* certificate, const BIGNUM* serial) {
  ASN1_INTEGER* integer = BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(certificate));
  if (integer == nullptr) crypto_fail("cannot set serial number");
}

// 127 random bits with the top bit set: positive, 16 bytes, never zero (RFC 5280 4.1.2.2).
void set_random_serial(X509* certificate) {
  auto serial = detail::bn_new();
  if (BN_rand(serial.get(), 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1) crypto_fail("cannot draw a serial number");
  set_serial(certificate, serial.get());
}

void set_validity(X509* certificate, int days) {
  if (days <= 0) throw Error(ErrorKind::Usage, SourceLocation{"--days"}, "validity must be at least 1 day");
  if (X509_gmtime_adj(X509_getm_notBefore(certificate), 0) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(certificate), days, 0, nullptr) == nullptr)
    crypto_fail("cannot set validity");
}

// A v3 certificate with subject, key, serial and validity; the caller adds extensions and signs.
X509Ptr new_certificate(X509_NAME* subject, EVP_PKEY* public_key, int days) {
  X509Ptr certificate(X509_new());
  if (!certificate || X509_set_version(certificate.get(), 2) != 1 || X509_set_subject_name(certificate.get(), subject) != 1 ||
      X509_set_pubkey(certificate.get(), public_key) != 1)
    crypto_fail("cannot build certificate");
  set_validity(certificate.get(), days);
  return certificate;
}

// sha256WithRSAEncryption (parameters NULL) or ecdsa-with-SHA256 (no parameters).
void set_sha256_algorithm(X509_ALGOR* algorithm, bool rsa) {
  if (X509_ALGOR_set0(algorithm, OBJ_nid2obj(rsa ? NID_sha256WithRSAEncryption : NID_ecdsa_with_SHA256), rsa ? V_ASN1_NULL : V_ASN1_UNDEF,
                      nullptr) != 1)
    crypto_fail("cannot set the signature algorithm");
}

// The token signs SHA-256 of the encoded TBS part: RSA PKCS#1 v1.5, or ECDSA converted to DER.
// Takes the i2d_re_*_tbs buffer and frees it, whatever happens.
Bytes token_signature(const pki::PrivateKey& key, unsigned char* tbs_buffer, int tbs_length, bool rsa) {
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> tbs(tbs_buffer, [](unsigned char* p) { OPENSSL_free(p); });
  if (tbs_length <= 0) crypto_fail("cannot encode the part to be signed");
  Bytes digest = digest_bytes(HashAlgorithm::Sha256, ByteView(tbs.get(), static_cast<std::size_t>(tbs_length)));
  Bytes signature = key.sign_digest(digest, pki::RsaPadding::Pkcs1);
  if (rsa) return signature;
  std::size_t half = signature.size() / 2;
  return ecdsa_der_from_raw(ByteView(signature).first(half), ByteView(signature).subspan(half));
}

// A signature BIT STRING always has 0 unused bits; left to itself, OpenSSL would derive a
// count from the last byte's trailing zero bits, which verifiers reject.
void set_signature_bits(ASN1_BIT_STRING* bits, const Bytes& signature) {
  if (ASN1_BIT_STRING_set(bits, const_cast<std::uint8_t*>(signature.data()), static_cast<int>(signature.size())) != 1)
    crypto_fail("cannot store the signature");
  bits->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
  bits->flags |= ASN1_STRING_FLAG_BITS_LEFT;
}

bool is_rsa_key(const EVP_PKEY* key) { return key_info(key).is_rsa(); }

// Signs a certificate whose fields are final. Returns the certificate to use: the same one
// for a key file, a re-read copy for a token key.
X509Ptr sign_certificate(X509Ptr certificate, const pki::PrivateKey& signer) {
  if (!signer.in_token()) {
    if (X509_sign(certificate.get(), signer.openssl_key(), EVP_sha256()) <= 0) crypto_fail("cannot sign certificate");
    return certificate;
  }
  const bool rsa = is_rsa_key(signer.public_key());
  const ASN1_BIT_STRING* bits = nullptr;
  const X509_ALGOR* outer = nullptr;
  X509_get0_signature(&bits, &outer, certificate.get());
  set_sha256_algorithm(const_cast<X509_ALGOR*>(outer), rsa);
  set_sha256_algorithm(const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(certificate.get())), rsa);
  unsigned char* tbs = nullptr;
  int tbs_length = i2d_re_X509_tbs(certificate.get(), &tbs);
  Bytes signature = token_signature(signer, tbs, tbs_length, rsa);
  set_signature_bits(const_cast<ASN1_BIT_STRING*>(bits), signature);
  Bytes der = certificate_der(certificate.get());
  const unsigned char* cursor = der.data();
  X509Ptr reread(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!reread || X509_verify(reread.get(), signer.public_key()) != 1)
    crypto_fail("the certificate signed in the token does not verify with the token's public key");
  return reread;
}

X509ReqPtr sign_request(X509ReqPtr request, const pki::PrivateKey& signer) {
  if (!signer.in_token()) {
    if (X509_REQ_sign(request.get(), signer.openssl_key(), EVP_sha256()) <= 0) crypto_fail("cannot build the certificate request");
    return request;
  }
  const bool rsa = is_rsa_key(signer.public_key());
  X509_ALGOR* algorithm = X509_ALGOR_new();
  if (algorithm == nullptr) crypto_fail("cannot allocate the signature algorithm");
  set_sha256_algorithm(algorithm, rsa);
  int ok = X509_REQ_set1_signature_algo(request.get(), algorithm);
  X509_ALGOR_free(algorithm);
  if (ok != 1) crypto_fail("cannot set the request's signature algorithm");
  unsigned char* tbs = nullptr;
  int tbs_length = i2d_re_X509_REQ_tbs(request.get(), &tbs);
  Bytes signature = token_signature(signer, tbs, tbs_length, rsa);
  ASN1_BIT_STRING* bits = ASN1_BIT_STRING_new();
  if (bits == nullptr) crypto_fail("cannot allocate the signature");
  set_signature_bits(bits, signature);
  X509_REQ_set0_signature(request.get(), bits);
  int length = i2d_X509_REQ(request.get(), nullptr);
  if (length <= 0) crypto_fail("cannot encode the certificate request");
  Bytes der(static_cast<std::size_t>(length));
  unsigned char* out = der.data();
  i2d_X509_REQ(request.get(), &out);
  const unsigned char* cursor = der.data();
  X509ReqPtr reread(d2i_X509_REQ(nullptr, &cursor, static_cast<long>(der.size())));
  if (!reread || X509_REQ_verify(reread.get(), signer.public_key()) != 1)
    crypto_fail("the request signed in the token does not verify with the token's public key");
  return reread;
}

pki::PrivateKey borrowed_key(EVP_PKEY* key, const char* origin) {
  EVP_PKEY_up_ref(key);
  return pki::PrivateKey(PkeyPtr(key), origin);
}

detail::X509NamePtr name_of(const NameEntries& entries) { return detail::X509NamePtr(make_name(entries)); }

void add_if(NameEntries& entries, const char* type, const std::string& value) {
  if (!value.empty()) entries.emplace_back(type, value);
}

}  // namespace

X509ReqPtr make_csr(EVP_PKEY* key, const NameEntries& subject) { return make_csr(borrowed_key(key, "--key"), subject); }

X509ReqPtr make_csr(const pki::PrivateKey& key, const NameEntries& subject) {
  require_signing_key(key.public_key(), key.origin());
  X509ReqPtr request(X509_REQ_new());
  auto name = name_of(subject);
  if (!request || X509_REQ_set_version(request.get(), 0) != 1 || X509_REQ_set_subject_name(request.get(), name.get()) != 1 ||
      X509_REQ_set_pubkey(request.get(), key.public_key()) != 1)
    crypto_fail("cannot build the certificate request");
  return sign_request(std::move(request), key);
}

X509Ptr issue_certificate(X509* ca_certificate, EVP_PKEY* ca_key, X509_REQ* request, const IssueOptions& options,
                          const std::string& csr_origin, const std::string& ca_origin) {
  return issue_certificate(ca_certificate, borrowed_key(ca_key, "--ca-key"), request, options, csr_origin, ca_origin);
}

X509Ptr issue_certificate(X509* ca_certificate, const pki::PrivateKey& ca_key, X509_REQ* request, const IssueOptions& options,
                          const std::string& csr_origin, const std::string& ca_origin) {
  EVP_PKEY* device_key = X509_REQ_get0_pubkey(request);
  if (device_key == nullptr) throw Error(ErrorKind::Input, SourceLocation{csr_origin}, "request carries no usable public key");
  if (X509_REQ_verify(request, device_key) != 1) {
    pki::take_openssl_error();
    throw Error(ErrorKind::Input, SourceLocation{csr_origin}, "request signature does not verify (corrupted or forged CSR)");
  }
  KeyInfo device = require_signing_key(device_key, csr_origin);
  require_certificate_matches_key(ca_key.public_key(), ca_certificate, ca_key.origin(), ca_origin);
  if (X509_check_ca(ca_certificate) < 1)
    throw Error(ErrorKind::Input, SourceLocation{ca_origin}, "certificate is not a CA certificate (no basicConstraints CA:TRUE)");

  X509Ptr certificate = new_certificate(X509_REQ_get_subject_name(request), device_key, options.days);
  set_random_serial(certificate.get());
  if (X509_set_issuer_name(certificate.get(), X509_get_subject_name(ca_certificate)) != 1) crypto_fail("cannot set issuer");
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca_certificate, certificate.get(), nullptr, nullptr, 0);
  add_extension(certificate.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(certificate.get(), &ctx, NID_key_usage, device.is_rsa() ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
  add_extension(certificate.get(), &ctx, NID_ext_key_usage, "clientAuth");
  add_extension(certificate.get(), &ctx, NID_subject_key_identifier, "hash");
  add_extension(certificate.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  return sign_certificate(std::move(certificate), ca_key);
}

X509Ptr make_codesign_certificate(EVP_PKEY* key, const NameEntries& subject, int days) {
  return make_codesign_certificate(borrowed_key(key, "--key"), subject, days);
}

X509Ptr make_codesign_certificate(const pki::PrivateKey& key, const NameEntries& subject, int days) {
  require_signing_key(key.public_key(), key.origin());
  auto name = name_of(subject);
  X509Ptr certificate = new_certificate(name.get(), key.public_key(), days);
  set_random_serial(certificate.get());
  if (X509_set_issuer_name(certificate.get(), name.get()) != 1) crypto_fail("cannot set issuer");
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, certificate.get(), certificate.get(), nullptr, nullptr, 0);
  add_extension(certificate.get(), &ctx, NID_key_usage, "critical,digitalSignature");
  add_extension(certificate.get(), &ctx, NID_ext_key_usage, "codeSigning");
  add_extension(certificate.get(), &ctx, NID_subject_key_identifier, "hash");
  return sign_certificate(std::move(certificate), key);
}

std::vector<CaFile> make_signing_ca(const CaInitOptions& options, const pki::PassphraseSource& passphrase) {
  if (options.name.empty() || options.name.find('/') != std::string::npos)
    throw Error(ErrorKind::Usage, SourceLocation{"--name"}, "CA name must be non-empty and contain no '/'");
  if (!passphrase.given())
    throw Error(ErrorKind::Usage, "ca init encrypts its keys: give --passphrase-env VAR or --passphrase-file FILE");
  passphrase.read();  // fail early (unset variable, empty file) before the slow key generation
  const std::string& ca = options.name;
  std::vector<CaFile> files;

  // Root: RSA-4096, self-signed, 7300 days, CA extensions as the NXP template's v3_ca.
  PkeyPtr root_key = generate_key(KeyType::Rsa4096);
  NameEntries root_subject;
  add_if(root_subject, "C", options.country);
  add_if(root_subject, "ST", options.state);
  add_if(root_subject, "L", options.locality);
  add_if(root_subject, "O", options.organization);
  root_subject.emplace_back("CN", ca + " CA Root");
  auto root_name = name_of(root_subject);
  X509Ptr root = new_certificate(root_name.get(), root_key.get(), options.root_days);
  set_random_serial(root.get());
  X509_set_issuer_name(root.get(), root_name.get());
  X509V3_CTX root_ctx;
  X509V3_set_ctx(&root_ctx, root.get(), root.get(), nullptr, nullptr, 0);
  add_extension(root.get(), &root_ctx, NID_subject_key_identifier, "hash");
  add_extension(root.get(), &root_ctx, NID_authority_key_identifier, "keyid:always,issuer");
  add_extension(root.get(), &root_ctx, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(root.get(), &root_ctx, NID_key_usage, "critical,digitalSignature,cRLSign,keyCertSign");
  pki::PrivateKey root_signer = borrowed_key(root_key.get(), "root key");
  root = sign_certificate(std::move(root), root_signer);
  files.push_back({"private/" + ca + ".root.ca.key.pem", private_key_pem(root_key.get(), passphrase), true});
  files.push_back({"certs/" + ca + ".root.ca.crt.pem", certificate_pem(root.get()), false});

  // Bank A / B: RSA-2048 code-signing certificates, serials 0x1000 and 0x1001 as the NXP CA.
  struct Bank {
    const char* suffix;
    const char* label;
    unsigned long serial;
  };
  for (const Bank& bank : {Bank{"app.a", "A", 0x1000}, Bank{"app.b", "B", 0x1001}}) {
    PkeyPtr key = generate_key(KeyType::Rsa2048);
    NameEntries subject;
    add_if(subject, "C", options.country);
    add_if(subject, "ST", options.state);
    add_if(subject, "O", options.organization);
    subject.emplace_back("CN", ca + " Application " + bank.label);
    X509ReqPtr request = make_csr(key.get(), subject);
    auto name = name_of(subject);
    X509Ptr certificate = new_certificate(name.get(), key.get(), options.app_days);
    auto serial = detail::bn_new();
    BN_set_word(serial.get(), bank.serial);
    set_serial(certificate.get(), serial.get());
    X509_set_issuer_name(certificate.get(), root_name.get());
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, root.get(), certificate.get(), nullptr, nullptr, 0);
    add_extension(certificate.get(), &ctx, NID_basic_constraints, "CA:FALSE");
    add_extension(certificate.get(), &ctx, NID_subject_key_identifier, "hash");
    add_extension(certificate.get(), &ctx, NID_authority_key_identifier, "keyid,issuer:always");
    add_extension(certificate.get(), &ctx, NID_key_usage, "critical,digitalSignature");
    add_extension(certificate.get(), &ctx, NID_ext_key_usage, "codeSigning");
    certificate = sign_certificate(std::move(certificate), root_signer);
    std::string stem = ca + "." + bank.suffix;
    files.push_back({"private/" + stem + ".key.pem", private_key_pem(key.get(), passphrase), true});
    files.push_back({"csr/" + stem + ".csr.pem", csr_pem(request.get()), false});
    files.push_back({"certs/" + stem + ".crt.pem", certificate_pem(certificate.get()), false});
  }
  return files;
}

}  // namespace fwprov::sign
