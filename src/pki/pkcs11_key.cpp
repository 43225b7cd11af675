// Opening a key in a PKCS#11 token: module, token, login, exactly one private key object,
// and its public half (CKA_MODULUS / CKA_EC_POINT, or a certificate with the same CKA_ID).
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>

#include "fwprov/core/error.hpp"
#include "fwprov/core/secret.hpp"
#include "private_key_state.hpp"

namespace fwprov::pki {
namespace {

[[noreturn]] void token_fail(const std::string& origin, const std::string& message) {
  throw Error(ErrorKind::Crypto, SourceLocation{origin}, message);
}

PkeyPtr public_key_from_params(const char* type, OSSL_PARAM_BLD* builder, const std::string& origin) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(builder);
  OSSL_PARAM_BLD_free(builder);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  bool ok = params != nullptr && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
            EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  OSSL_PARAM_free(params);
  if (!ok) token_fail(origin, std::string("the token's ") + type + " public key is not usable: " + take_openssl_error());
  return PkeyPtr(key);
}

PkeyPtr rsa_public_key(const Bytes& modulus, const Bytes& exponent, const std::string& origin) {
  BIGNUM* n = BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr);
  BIGNUM* e = BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), nullptr);
  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  bool ok = n && e && builder && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
            OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, e) == 1;
  PkeyPtr key = ok ? public_key_from_params("RSA", builder, origin) : PkeyPtr();
  if (!ok) OSSL_PARAM_BLD_free(builder);
  BN_free(n);
  BN_free(e);
  if (!key) token_fail(origin, "cannot build the RSA public key from the token's modulus");
  return key;
}

// CKA_EC_POINT is a DER OCTET STRING around the SEC1 point; some tokens give the bare point.
Bytes unwrap_ec_point(const Bytes& value) {
  const unsigned char* cursor = value.data();
  ASN1_OCTET_STRING* inner = d2i_ASN1_OCTET_STRING(nullptr, &cursor, static_cast<long>(value.size()));
  if (inner != nullptr && cursor == value.data() + value.size()) {
    Bytes point(ASN1_STRING_get0_data(inner), ASN1_STRING_get0_data(inner) + ASN1_STRING_length(inner));
    ASN1_OCTET_STRING_free(inner);
    return point;
  }
  ASN1_OCTET_STRING_free(inner);
  take_openssl_error();
  return value;
}

PkeyPtr ec_public_key(const Bytes& params_der, const Bytes& point_value, const std::string& origin) {
  const unsigned char* cursor = params_der.data();
  ASN1_OBJECT* oid = d2i_ASN1_OBJECT(nullptr, &cursor, static_cast<long>(params_der.size()));
  int nid = oid ? OBJ_obj2nid(oid) : NID_undef;
  ASN1_OBJECT_free(oid);
  if (nid == NID_undef) {
    take_openssl_error();
    token_fail(origin, "the token's EC key has no named curve in CKA_EC_PARAMS");
  }
  const char* group = OBJ_nid2sn(nid);
  Bytes point = unwrap_ec_point(point_value);
  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  if (builder == nullptr || OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    OSSL_PARAM_BLD_free(builder);
    token_fail(origin, "cannot build the EC public key from the token's CKA_EC_POINT");
  }
  return public_key_from_params("EC", builder, origin);
}

X509Ptr certificate_from(const p11::Session& session, CK_OBJECT_HANDLE object) {
  auto value = session.attribute(object, CKA_VALUE);
  if (!value) return {};
  const unsigned char* cursor = value->data();
  X509Ptr certificate(d2i_X509(nullptr, &cursor, static_cast<long>(value->size())));
  if (!certificate) take_openssl_error();
  return certificate;
}

// The single object of `klass` matching the URI's label/id, or none; several are an error.
std::optional<CK_OBJECT_HANDLE> single_object(const p11::Session& session, CK_OBJECT_CLASS klass, const std::optional<std::string>& label,
                                              const std::optional<Bytes>& id, const char* what, const std::string& origin) {
  auto objects = session.find(klass, label, id);
  if (objects.size() > 1)
    token_fail(origin, std::to_string(objects.size()) + " " + what + " objects match in token '" + session.token().label() +
                           "': add id=... or object=... to the URI so that exactly one does");
  if (objects.empty()) return std::nullopt;
  return objects.front();
}

p11::TokenSlot single_token(const p11::Module& module, const Pkcs11Uri& uri, const std::string& origin) {
  auto tokens = p11::matching_tokens(module, uri, origin);
  if (tokens.size() == 1) return tokens.front();
  if (tokens.empty()) {
    Pkcs11Uri any;
    std::string present;
    for (const auto& token : p11::matching_tokens(module, any, origin)) present += (present.empty() ? "" : ", ") + ("'" + token.label() + "'");
    token_fail(origin, "no token matches in " + module.path() + (present.empty() ? " (it holds no initialized token)" : " (tokens: " + present + ")"));
  }
  std::string labels;
  for (const auto& token : tokens) labels += (labels.empty() ? "" : ", ") + ("'" + token.label() + "'");
  token_fail(origin, std::to_string(tokens.size()) + " tokens match (" + labels + "): add token=LABEL or serial=... to the URI");
}

std::optional<std::string> read_pin(const Pkcs11Uri& uri, const std::string& origin, const KeySource& source,
                                    const std::optional<std::string>& pin_override) {
  if (pin_override) return pin_override;
  if (uri.pin_source) {
    std::string path = *uri.pin_source;
    if (path.rfind("file://", 0) == 0) {
      path = path.substr(7);
    } else if (path.rfind("file:", 0) == 0) {
      path = path.substr(5);
    } else if (path.empty() || path[0] != '/') {
      throw Error(ErrorKind::Input, SourceLocation{origin, 0, 0, "pin-source"}, "pin-source must be file:PATH (a file whose first line is the PIN)");
    }
    return PassphraseSource::from_file(path).read();
  }
  if (uri.pin_value) {
    if (source.warnings)
      source.warnings->warn(SourceLocation{origin, 0, 0, "pin-value"},
                            "the PIN is in the URI, where ps and shell history see it: prefer pin-source=file:PATH, --pin-env or --pin-file");
    return uri.pin_value;
  }
  if (source.pin.given()) return source.pin.read();
  return std::nullopt;
}

std::shared_ptr<p11::Module> module_for(const Pkcs11Uri& uri, const std::string& origin, const KeySource& source) {
  return p11::Module::load(p11::resolve_module_path(uri, source.pkcs11_module, origin), origin);
}

// The key's public half: from the private object (RSA), the public object with the same id
// (or label), or a certificate object with the same id.
PkeyPtr token_public_key(const p11::Session& session, CK_OBJECT_HANDLE key, CK_KEY_TYPE type, const std::optional<Bytes>& id,
                         const std::optional<std::string>& label, X509* certificate, const std::string& origin) {
  std::optional<CK_OBJECT_HANDLE> public_object;
  if (id && !id->empty()) public_object = single_object(session, CKO_PUBLIC_KEY, std::nullopt, id, "public key", origin);
  if (!public_object && label) public_object = single_object(session, CKO_PUBLIC_KEY, label, std::nullopt, "public key", origin);
  auto from = [&](CK_ATTRIBUTE_TYPE attribute) {
    auto value = session.attribute(key, attribute);
    if ((!value || value->empty()) && public_object) value = session.attribute(*public_object, attribute);
    return value && !value->empty() ? value : std::nullopt;
  };
  if (type == CKK_RSA) {
    auto modulus = from(CKA_MODULUS), exponent = from(CKA_PUBLIC_EXPONENT);
    if (modulus && exponent) return rsa_public_key(*modulus, *exponent, origin);
  } else {
    auto params = from(CKA_EC_PARAMS);
    auto point = public_object ? session.attribute(*public_object, CKA_EC_POINT) : std::nullopt;
    if (params && point && !point->empty()) return ec_public_key(*params, *point, origin);
  }
  if (certificate != nullptr) return PkeyPtr(X509_get_pubkey(certificate));
  token_fail(origin, "the token holds no public key for this key (no public-key object or certificate with its id)");
}

}  // namespace

Bytes TokenKey::sign(CK_MECHANISM mechanism, ByteView input, const std::string& purpose, const std::string& origin) {
  if (allowed_mechanisms && std::find(allowed_mechanisms->begin(), allowed_mechanisms->end(), mechanism.mechanism) == allowed_mechanisms->end())
    token_fail(origin, "the key does not allow " + p11::mechanism_name(mechanism.mechanism) + " (CKA_ALLOWED_MECHANISMS), needed for " + purpose);
  if (std::find(checked.begin(), checked.end(), mechanism.mechanism) == checked.end()) {
    session->require_mechanism(mechanism.mechanism, purpose);
    checked.push_back(mechanism.mechanism);
  }
  return session->sign(handle, mechanism, input, signature_size);
}

PrivateKey open_token_key(const Pkcs11Uri& uri, const std::string& origin, const KeySource& source,
                          const std::optional<std::string>& public_label, const std::optional<std::string>& pin_override) {
  if (!uri.object && !uri.id)
    throw Error(ErrorKind::Input, SourceLocation{origin}, "the URI does not name a key: add object=LABEL or id=%NN");
  if (uri.type && *uri.type != "private")
    throw Error(ErrorKind::Input, SourceLocation{origin, 0, 0, "type"}, "type=" + *uri.type + " is not a private key (use type=private or leave it out)");
  auto module = module_for(uri, origin, source);
  p11::TokenSlot token = single_token(*module, uri, origin);
  auto session = std::make_unique<p11::Session>(module, token, origin);
  std::optional<std::string> pin = read_pin(uri, origin, source, pin_override);
  session->login(pin);
  if (pin) wipe(*pin);

  auto handle = single_object(*session, CKO_PRIVATE_KEY, uri.object, uri.id, "private key", origin);
  if (!handle) token_fail(origin, "no private key matches in token '" + token.label() + "'");
  auto state = std::make_shared<PrivateKey::State>();
  state->origin = origin;
  state->token = std::make_unique<TokenKey>();
  TokenKey& key = *state->token;
  key.handle = *handle;
  auto type = session->ulong_attribute(key.handle, CKA_KEY_TYPE);
  if (!type || (*type != CKK_RSA && *type != CKK_EC))
    token_fail(origin, "the key is neither RSA nor EC (CKA_KEY_TYPE " + (type ? std::to_string(*type) : std::string("unreadable")) + ")");
  key.key_type = *type;
  if (session->bool_attribute(key.handle, CKA_SIGN) == false) token_fail(origin, "the key may not sign (CKA_SIGN is false)");
  if (auto allowed = session->attribute(key.handle, CKA_ALLOWED_MECHANISMS); allowed && !allowed->empty()) {
    std::vector<CK_MECHANISM_TYPE> list(allowed->size() / sizeof(CK_MECHANISM_TYPE));
    std::memcpy(list.data(), allowed->data(), list.size() * sizeof(CK_MECHANISM_TYPE));
    key.allowed_mechanisms = std::move(list);
  }
  auto id = session->attribute(key.handle, CKA_ID);
  if (id && !id->empty())
    if (auto cert = single_object(*session, CKO_CERTIFICATE, std::nullopt, id, "certificate", origin)) state->certificate = certificate_from(*session, *cert);
  std::optional<std::string> label = public_label;
  if (!label)
    if (auto value = session->attribute(key.handle, CKA_LABEL)) label = std::string(value->begin(), value->end());
  state->key = token_public_key(*session, key.handle, key.key_type, public_label ? std::nullopt : id, label, state->certificate.get(), origin);
  if (state->certificate && EVP_PKEY_eq(state->key.get(), X509_get0_pubkey(state->certificate.get())) != 1) {
    take_openssl_error();
    state->certificate.reset();  // a certificate for another key: not this key's
  }
  int bits = EVP_PKEY_get_bits(state->key.get());
  key.signature_size = key.key_type == CKK_RSA ? static_cast<std::size_t>((bits + 7) / 8) : 2 * static_cast<std::size_t>((bits + 7) / 8);
  key.session = std::move(session);
  return PrivateKey(std::move(state));
}

PkeyPtr open_token_public_key(const std::string& text, const KeySource& source) {
  const std::string origin = redact_pkcs11_uri(text);
  Pkcs11Uri uri = parse_pkcs11_uri(text, origin);
  if (uri.type && *uri.type == "private") {
    PrivateKey key = open_private_key(text, source);
    EVP_PKEY_up_ref(key.public_key());
    return PkeyPtr(key.public_key());
  }
  if (uri.type && *uri.type != "public" && *uri.type != "cert")
    throw Error(ErrorKind::Input, SourceLocation{origin, 0, 0, "type"}, "type=" + *uri.type + " holds no public key (use public or cert)");
  if (!uri.object && !uri.id) throw Error(ErrorKind::Input, SourceLocation{origin}, "the URI does not name a key: add object=LABEL or id=%NN");
  auto module = module_for(uri, origin, source);
  p11::Session session(module, single_token(*module, uri, origin), origin);
  std::optional<std::string> pin = read_pin(uri, origin, source, std::nullopt);
  if (pin) {
    session.login(pin);
    wipe(*pin);
  }
  if (!uri.type || *uri.type == "public") {
    if (auto object = single_object(session, CKO_PUBLIC_KEY, uri.object, uri.id, "public key", origin)) {
      auto type = session.ulong_attribute(*object, CKA_KEY_TYPE);
      if (type == CKK_RSA) {
        auto modulus = session.attribute(*object, CKA_MODULUS), exponent = session.attribute(*object, CKA_PUBLIC_EXPONENT);
        if (modulus && exponent) return rsa_public_key(*modulus, *exponent, origin);
      } else if (type == CKK_EC) {
        auto params = session.attribute(*object, CKA_EC_PARAMS), point = session.attribute(*object, CKA_EC_POINT);
        if (params && point) return ec_public_key(*params, *point, origin);
      }
      token_fail(origin, "the public-key object is neither a readable RSA nor EC key");
    }
  }
  if (auto object = single_object(session, CKO_CERTIFICATE, uri.object, uri.id, "certificate", origin))
    if (X509Ptr certificate = certificate_from(session, *object)) return PkeyPtr(X509_get_pubkey(certificate.get()));
  token_fail(origin, "no public key or certificate matches in token '" + session.token().label() + "'");
}

}  // namespace fwprov::pki
