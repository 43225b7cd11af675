#pragma once
// The PEM labels (RFC 7468 and OpenSSL's traditional ones) fwprov reads and writes: one home
// for the strings that decide what a PEM block holds.
#include <string_view>

namespace fwprov::pki::pem_label {

inline constexpr std::string_view kCertificate = "CERTIFICATE";
inline constexpr std::string_view kX509Certificate = "X509 CERTIFICATE";  // old OpenSSL alias
inline constexpr std::string_view kTrustedCertificate = "TRUSTED CERTIFICATE";
inline constexpr std::string_view kCertificateRequest = "CERTIFICATE REQUEST";
inline constexpr std::string_view kNewCertificateRequest = "NEW CERTIFICATE REQUEST";  // Netscape/old openssl req
inline constexpr std::string_view kPrivateKey = "PRIVATE KEY";                      // PKCS#8
inline constexpr std::string_view kEncryptedPrivateKey = "ENCRYPTED PRIVATE KEY";   // encrypted PKCS#8
inline constexpr std::string_view kRsaPrivateKey = "RSA PRIVATE KEY";               // PKCS#1
inline constexpr std::string_view kEcPrivateKey = "EC PRIVATE KEY";                 // SEC1
inline constexpr std::string_view kDsaPrivateKey = "DSA PRIVATE KEY";               // recognised, unsupported
inline constexpr std::string_view kPublicKey = "PUBLIC KEY";                        // SubjectPublicKeyInfo
inline constexpr std::string_view kRsaPublicKey = "RSA PUBLIC KEY";                 // PKCS#1 RSAPublicKey
inline constexpr std::string_view kEcParameters = "EC PARAMETERS";                  // written by `openssl ecparam -genkey`

// A legacy (pre-PKCS#8) encrypted PEM block carries this header line.
inline constexpr std::string_view kProcTypeEncrypted = "Proc-Type: 4,ENCRYPTED";

}  // namespace fwprov::pki::pem_label
