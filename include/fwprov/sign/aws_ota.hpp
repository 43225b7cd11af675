#pragma once
// AWS IoT OTA "custom signed" descriptions: the `codeSigning` value for
// `aws iot create-ota-update --files`, and reading a signature back from it or from a job
// document (`sig-sha256-ecdsa` / `sig-sha256-rsa`).
#include <string>

#include "fwprov/core/bytes.hpp"
#include "fwprov/sign/key.hpp"

namespace fwprov::sign::aws {

// "ECDSA" or "RSA".
std::string signature_algorithm(const KeyInfo& info);
// The job-document key the device PAL reads: "sig-sha256-ecdsa" / "sig-sha256-rsa".
std::string job_document_key(const KeyInfo& info);

// {"customCodeSigning": {"signature": {"inlineDocument": b64}, "certificateChain":
// {"certificateName": ...}, "hashAlgorithm": "SHA256", "signatureAlgorithm": ...}}, 2-space
// indented, newline-terminated.
std::string custom_code_signing_json(ByteView signature, const KeyInfo& info, const std::string& certificate_name);

struct ExtractedSignature {
  Bytes signature;
  std::string algorithm;  // "ECDSA" / "RSA" as declared, upper case; may be empty
  std::string hash;       // "SHA256" as declared; may be empty
};
// Finds the signature in any of: fwprov's output, a create-ota-update --files array or object,
// or a job document. Throws Input error naming `origin` when none or malformed.
ExtractedSignature extract_signature(const std::string& json_text, const std::string& origin);

}  // namespace fwprov::sign::aws
