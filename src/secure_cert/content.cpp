#include "fwprov/secure_cert/content.hpp"

#include "fwprov/core/error.hpp"
#include "fwprov/pki/encode.hpp"
#include "fwprov/pki/load.hpp"

namespace fwprov::secure_cert {
namespace {

// PEM text is stored C-string style so the firmware can hand it to mbedTLS as is.
Bytes with_nul(Bytes pem) {
  pem.push_back(0);
  return pem;
}

}  // namespace

Bytes certificate_tlv_data(ByteView file, const std::string& origin) {
  auto certificates = pki::load_certificates(file, origin);
  if (certificates.empty()) throw Error(ErrorKind::Input, SourceLocation{origin}, "no certificate found");
  if (pki::looks_like_pem(file)) return with_nul(pki::encode_certificate(certificates.front().get(), pki::Encoding::Pem));
  return pki::encode_certificate(certificates.front().get(), pki::Encoding::Der);
}

KeyTlvData private_key_tlv_data(ByteView file, const std::string& origin, const pki::PassphraseSource& passphrase) {
  KeyTlvData out;
  out.key = pki::load_private_key(file, origin, passphrase);
  if (pki::looks_like_pem(file))
    out.data = with_nul(pki::encode_private_key(out.key.get(), pki::Encoding::Pem, pki::KeyFormat::Traditional));
  else
    out.data = pki::encode_private_key(out.key.get(), pki::Encoding::Der, pki::KeyFormat::Traditional);
  return out;
}

}  // namespace fwprov::secure_cert
