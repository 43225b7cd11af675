#pragma once
// What a PKCS#11 module's tokens hold (keys and certificates), each with the `pkcs11:` URI
// that selects it: `fwprov keys list`.
#include <optional>
#include <string>
#include <vector>

#include "fwprov/pki/passphrase.hpp"

namespace fwprov::pki {

struct TokenObject {
  std::string kind;   // "private", "public", "cert"
  std::string label;  // CKA_LABEL
  std::string id_hex; // CKA_ID as hex
  std::string key;    // "RSA-2048", "EC P-256", "" when unknown (certificates: their key)
  std::string subject;  // certificates only
  std::string uri;    // selects exactly this object (token, object, id, type)
};

struct TokenListing {
  unsigned long slot = 0;
  std::string label, manufacturer, model, serial;
  bool logged_in = false;  // private keys are listed only after login
  std::vector<TokenObject> objects;
};

// Every initialized token of `module` (only the one labelled `token` when given). With a PIN
// (`pin.given()`), logs in to list private keys too. Crypto errors as open_private_key's.
std::vector<TokenListing> list_tokens(const std::string& module, const std::optional<std::string>& token, const PassphraseSource& pin);

}  // namespace fwprov::pki
