// `keys list`: tokens and their key/certificate objects, with a URI for each.
#include "fwprov/pki/pkcs11_list.hpp"

#include <openssl/x509.h>

#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/secret.hpp"
#include "fwprov/pki/pkcs11_uri.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "pkcs11_module.hpp"

namespace fwprov::pki {
namespace {

std::string key_description(const p11::Session& session, CK_OBJECT_HANDLE object) {
  auto type = session.ulong_attribute(object, CKA_KEY_TYPE);
  if (type == CKK_RSA) {
    if (auto modulus = session.attribute(object, CKA_MODULUS); modulus && !modulus->empty()) {
      std::size_t bytes = modulus->size();
      for (std::size_t i = 0; i < modulus->size() && (*modulus)[i] == 0; ++i) --bytes;
      return "RSA-" + std::to_string(bytes * 8);
    }
    return "RSA";
  }
  if (type == CKK_EC) {
    auto params = session.attribute(object, CKA_EC_PARAMS);
    if (params && !params->empty()) {
      const unsigned char* cursor = params->data();
      ASN1_OBJECT* oid = d2i_ASN1_OBJECT(nullptr, &cursor, static_cast<long>(params->size()));
      int nid = oid ? OBJ_obj2nid(oid) : NID_undef;
      ASN1_OBJECT_free(oid);
      take_openssl_error();
      if (nid == NID_X9_62_prime256v1) return "EC P-256";
      if (nid == NID_secp384r1) return "EC P-384";
      if (nid != NID_undef) return std::string("EC ") + OBJ_nid2sn(nid);
    }
    return "EC";
  }
  return type ? "key type " + std::to_string(*type) : "";
}

void describe_token_certificate(const p11::Session& session, CK_OBJECT_HANDLE object, TokenObject& entry) {
  auto value = session.attribute(object, CKA_VALUE);
  if (!value) return;
  const unsigned char* cursor = value->data();
  X509Ptr certificate(d2i_X509(nullptr, &cursor, static_cast<long>(value->size())));
  if (!certificate) {
    take_openssl_error();
    return;
  }
  char buffer[512] = {};
  X509_NAME_oneline(X509_get_subject_name(certificate.get()), buffer, sizeof buffer);
  entry.subject = buffer;
  EVP_PKEY* key = X509_get0_pubkey(certificate.get());
  if (key && (EVP_PKEY_is_a(key, "RSA"))) entry.key = "RSA-" + std::to_string(EVP_PKEY_get_bits(key));
  if (key && EVP_PKEY_is_a(key, "EC")) entry.key = "EC P-" + std::to_string(EVP_PKEY_get_bits(key));
}

}  // namespace

std::vector<TokenListing> list_tokens(const std::string& module_path, const std::optional<std::string>& token, const PassphraseSource& pin) {
  const std::string origin = module_path;
  auto module = p11::Module::load(module_path, origin);
  Pkcs11Uri filter;
  filter.token = token;
  std::vector<TokenListing> listings;
  for (const auto& slot : p11::matching_tokens(*module, filter, origin)) {
    TokenListing listing;
    listing.slot = slot.slot;
    listing.label = slot.label();
    listing.manufacturer = p11::padded_text(slot.info.manufacturerID, sizeof slot.info.manufacturerID);
    listing.model = p11::padded_text(slot.info.model, sizeof slot.info.model);
    listing.serial = p11::padded_text(slot.info.serialNumber, sizeof slot.info.serialNumber);
    p11::Session session(module, slot, "token '" + listing.label + "'");
    if (pin.given()) {
      std::string secret = pin.read();
      session.login(secret);
      wipe(secret);
      listing.logged_in = true;
    }
    struct Kind {
      CK_OBJECT_CLASS klass;
      const char* name;
    };
    for (Kind kind : {Kind{CKO_PRIVATE_KEY, "private"}, Kind{CKO_PUBLIC_KEY, "public"}, Kind{CKO_CERTIFICATE, "cert"}}) {
      for (CK_OBJECT_HANDLE object : session.find(kind.klass, std::nullopt, std::nullopt)) {
        TokenObject entry;
        entry.kind = kind.name;
        Pkcs11Uri uri;
        uri.token = listing.label;
        uri.type = kind.name;
        if (auto label = session.attribute(object, CKA_LABEL)) {
          entry.label.assign(label->begin(), label->end());
          uri.object = entry.label;
        }
        if (auto id = session.attribute(object, CKA_ID); id && !id->empty()) {
          entry.id_hex = to_hex(*id);
          uri.id = *id;
        }
        if (kind.klass == CKO_CERTIFICATE) {
          describe_token_certificate(session, object, entry);
        } else {
          entry.key = key_description(session, object);
        }
        entry.uri = format_pkcs11_uri(uri);
        listing.objects.push_back(std::move(entry));
      }
    }
    listings.push_back(std::move(listing));
  }
  if (token && listings.empty()) throw Error(ErrorKind::Crypto, SourceLocation{origin}, "no token labelled '" + *token + "' in this module");
  return listings;
}

}  // namespace fwprov::pki
