#pragma once
// What a PrivateKey holds: the OpenSSL key of a file, or a token key (session + handle).
#include <p11-kit/pkcs11.h>

#include <memory>

#include "fwprov/pki/private_key.hpp"
#include "fwprov/pki/pkcs11_uri.hpp"
#include "pkcs11_module.hpp"

namespace fwprov::pki {

struct TokenKey {
  std::unique_ptr<p11::Session> session;
  CK_OBJECT_HANDLE handle = 0;
  CK_KEY_TYPE key_type = CKK_RSA;
  std::size_t signature_size = 0;  // RSA: modulus bytes; ECDSA: 2 x order bytes
  std::optional<std::vector<CK_MECHANISM_TYPE>> allowed_mechanisms;  // CKA_ALLOWED_MECHANISMS
  std::vector<CK_MECHANISM_TYPE> checked;                             // offered by the token

  Bytes sign(CK_MECHANISM mechanism, ByteView input, const std::string& purpose, const std::string& origin);
};

struct PrivateKey::State {
  PkeyPtr key;  // file: the private key; token: the public half
  X509Ptr certificate;
  std::string origin;
  std::unique_ptr<TokenKey> token;
};

// Opens the single private key `uri` names (type=private added when absent).
PrivateKey open_token_key(const Pkcs11Uri& uri, const std::string& origin, const KeySource& source,
                          const std::optional<std::string>& public_label, const std::optional<std::string>& pin_override);

}  // namespace fwprov::pki
