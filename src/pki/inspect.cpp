#include "fwprov/pki/inspect.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <cstdint>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"

namespace fwprov::pki {
namespace {

// "AB:CD:..": the form `openssl x509 -fingerprint` prints.
std::string colon_hex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string text;
  for (std::uint8_t byte : bytes) {
    if (!text.empty()) text += ':';
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0x0f];
  }
  return text;
}

template <typename T, auto I2d>
Bytes der_of(T* object) {
  unsigned char* der = nullptr;
  int length = I2d(object, &der);
  if (length <= 0) {
    ERR_clear_error();
    return {};
  }
  Bytes bytes(der, der + length);
  OPENSSL_free(der);
  return bytes;
}

std::string name_text(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // RFC 2253 escaping, but in certificate order ("CN=.., O=..") and with UTF-8 left readable.
  constexpr unsigned long kFlags = (XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | ASN1_STRFLGS_RFC2253) & ~ASN1_STRFLGS_ESC_MSB;
  X509_NAME_print_ex(bio.get(), name, 0, kFlags);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string time_text(const ASN1_TIME* time) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(time, &tm) != 1) return "invalid";
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string serial_text(const ASN1_INTEGER* serial) {
  BIGNUM* number = ASN1_INTEGER_to_BN(serial, nullptr);
  if (number == nullptr) return {};
  char* hex = BN_bn2hex(number);
  std::string text = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  BN_free(number);
  return text;
}

std::vector<std::string> general_names(const GENERAL_NAMES* names) {
  std::vector<std::string> texts;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    GENERAL_NAME_print(bio.get(), sk_GENERAL_NAME_value(names, i));
    char* data = nullptr;
    long length = BIO_get_mem_data(bio.get(), &data);
    texts.emplace_back(data, static_cast<std::size_t>(length));
  }
  return texts;
}

std::vector<std::string> key_usage_names(X509* cert) {
  struct Bit {
    std::uint32_t mask;
    const char* name;
  };
  static constexpr Bit kBits[] = {
      {KU_DIGITAL_SIGNATURE, "digitalSignature"}, {KU_NON_REPUDIATION, "nonRepudiation"},
      {KU_KEY_ENCIPHERMENT, "keyEncipherment"},   {KU_DATA_ENCIPHERMENT, "dataEncipherment"},
      {KU_KEY_AGREEMENT, "keyAgreement"},         {KU_KEY_CERT_SIGN, "keyCertSign"},
      {KU_CRL_SIGN, "cRLSign"},                   {KU_ENCIPHER_ONLY, "encipherOnly"},
      {KU_DECIPHER_ONLY, "decipherOnly"},
  };
  std::vector<std::string> names;
  if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) == 0) return names;
  std::uint32_t usage = X509_get_key_usage(cert);
  for (const auto& bit : kBits)
    if ((usage & bit.mask) != 0) names.emplace_back(bit.name);
  return names;
}

std::vector<std::string> extended_key_usage_names(X509* cert) {
  std::vector<std::string> names;
  auto* usages = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  if (usages == nullptr) return names;
  for (int i = 0; i < sk_ASN1_OBJECT_num(usages); ++i) {
    const ASN1_OBJECT* usage = sk_ASN1_OBJECT_value(usages, i);
    int nid = OBJ_obj2nid(usage);
    if (nid != NID_undef) {
      names.emplace_back(OBJ_nid2sn(nid));
    } else {
      char text[128] = {};
      OBJ_obj2txt(text, sizeof text, usage, 1);
      names.emplace_back(text);
    }
  }
  sk_ASN1_OBJECT_pop_free(usages, ASN1_OBJECT_free);
  return names;
}

std::string curve_name(const EVP_PKEY* key) {
  char group[80] = {};
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, nullptr) != 1) {
    ERR_clear_error();
    return "explicit parameters";
  }
  const char* nist = EC_curve_nid2nist(OBJ_txt2nid(group));
  return nist != nullptr ? nist : group;
}

}  // namespace

std::string KeyInfo::summary() const {
  if (type == "EC") return "EC " + curve;
  if (type == "RSA") return "RSA " + std::to_string(bits);
  return type;
}

std::string_view validity_name(Validity validity) {
  switch (validity) {
    case Validity::Valid: return "valid";
    case Validity::Expired: return "expired";
    case Validity::NotYetValid: return "not yet valid";
  }
  return "";
}

KeyInfo describe_key(const EVP_PKEY* key) {
  KeyInfo info;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: info.type = "RSA"; break;
    case EVP_PKEY_EC: info.type = "EC"; info.curve = curve_name(key); break;
    case EVP_PKEY_ED25519: info.type = "Ed25519"; break;
    default: {
      const char* name = EVP_PKEY_get0_type_name(key);
      info.type = name != nullptr ? name : "unknown";
    }
  }
  info.bits = EVP_PKEY_get_bits(key);
  Bytes spki = der_of<const EVP_PKEY, i2d_PUBKEY>(key);
  if (!spki.empty()) info.public_key_sha256 = colon_hex(sha256(spki));
  return info;
}

CertificateInfo describe_certificate(X509* certificate, std::time_t now) {
  CertificateInfo info;
  info.subject = name_text(X509_get_subject_name(certificate));
  info.issuer = name_text(X509_get_issuer_name(certificate));
  info.serial = serial_text(X509_get0_serialNumber(certificate));
  const ASN1_TIME* not_before = X509_get0_notBefore(certificate);
  const ASN1_TIME* not_after = X509_get0_notAfter(certificate);
  info.not_before = time_text(not_before);
  info.not_after = time_text(not_after);
  if (X509_cmp_time(not_after, &now) < 0) {
    info.validity = Validity::Expired;
  } else if (X509_cmp_time(not_before, &now) > 0) {
    info.validity = Validity::NotYetValid;
  }
  info.self_signed = X509_self_signed(certificate, 0) == 1;
  // basicConstraints cA=TRUE only: X509_check_ca would also call a v1 self-signed certificate a CA.
  info.is_ca = (X509_get_extension_flags(certificate) & EXFLAG_CA) != 0;
  info.signature_algorithm = OBJ_nid2ln(X509_get_signature_nid(certificate));
  if (const EVP_PKEY* key = X509_get0_pubkey(certificate)) info.key = describe_key(key);
  if (auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr))) {
    info.subject_alt_names = general_names(names);
    GENERAL_NAMES_free(names);
  }
  info.key_usage = key_usage_names(certificate);
  info.extended_key_usage = extended_key_usage_names(certificate);
  info.sha256_fingerprint = colon_hex(sha256(der_of<X509, i2d_X509>(certificate)));
  ERR_clear_error();
  return info;
}

CsrInfo describe_csr(X509_REQ* csr) {
  CsrInfo info;
  info.subject = name_text(X509_REQ_get_subject_name(csr));
  EVP_PKEY* key = X509_REQ_get0_pubkey(csr);
  if (key != nullptr) {
    info.key = describe_key(key);
    info.signature_valid = X509_REQ_verify(csr, key) == 1;
  }
  if (STACK_OF(X509_EXTENSION)* extensions = X509_REQ_get_extensions(csr)) {
    int index = X509v3_get_ext_by_NID(extensions, NID_subject_alt_name, -1);
    if (index >= 0) {
      auto* names = static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(X509v3_get_ext(extensions, index)));
      if (names != nullptr) {
        info.subject_alt_names = general_names(names);
        GENERAL_NAMES_free(names);
      }
    }
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
  }
  info.sha256_fingerprint = colon_hex(sha256(der_of<X509_REQ, i2d_X509_REQ>(csr)));
  ERR_clear_error();
  return info;
}

FileInfo describe(const PkiFile& file, std::time_t now) {
  FileInfo info;
  info.kind = file.kind;
  info.encoding = file.encoding;
  info.structure = file.structure;
  switch (file.kind) {
    case ObjectKind::Certificate:
      for (const auto& certificate : file.certificates) info.certificates.push_back(describe_certificate(certificate.get(), now));
      break;
    case ObjectKind::Csr:
      info.csr = describe_csr(file.csr.get());
      break;
    case ObjectKind::PrivateKey:
    case ObjectKind::PublicKey:
      info.key = describe_key(file.key.get());
      info.key->has_private = file.kind == ObjectKind::PrivateKey;
      break;
  }
  return info;
}

}  // namespace fwprov::pki
