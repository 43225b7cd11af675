#pragma once
// How the tool stores certificates and keys: parsed, then written back canonically (PEM input
// -> PEM + NUL, DER stays DER; keys always in the traditional PKCS#1 / SEC1 form).
#include <string>

#include "fwprov/core/bytes.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/pki/passphrase.hpp"

namespace fwprov::secure_cert {

// The first certificate of a PEM or DER file. Input error naming `origin` when there is none.
Bytes certificate_tlv_data(ByteView file, const std::string& origin);

struct KeyTlvData {
  Bytes data;
  pki::PkeyPtr key;
};
KeyTlvData private_key_tlv_data(ByteView file, const std::string& origin, const pki::PassphraseSource& passphrase);

}  // namespace fwprov::secure_cert
