// One session on a token: login, object search, attributes, mechanism checks and C_Sign.
#include <algorithm>
#include <cstring>

#include "fwprov/core/error.hpp"
#include "fwprov/core/secret.hpp"
#include "pkcs11_module.hpp"

namespace fwprov::pki::p11 {
namespace {

[[noreturn]] void session_fail(const std::string& origin, const std::string& message) {
  throw Error(ErrorKind::Crypto, SourceLocation{origin}, message);
}

}  // namespace

Session::Session(std::shared_ptr<Module> module, const TokenSlot& token, const std::string& origin)
    : module_(std::move(module)), token_(token), origin_(origin) {
  check(module_->api()->C_OpenSession(token_.slot, CKF_SERIAL_SESSION, nullptr, nullptr, &handle_), "C_OpenSession", origin_);
}

Session::~Session() {
  if (handle_ != 0) module_->api()->C_CloseSession(handle_);
}

void Session::login(const std::optional<std::string>& pin) {
  const std::string label = token_.label();
  CK_RV rv;
  if (pin) {
    std::string secret = *pin;
    rv = module_->api()->C_Login(handle_, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(secret.data()), secret.size());
    wipe(secret);
  } else if (token_.info.flags & CKF_PROTECTED_AUTHENTICATION_PATH) {
    rv = module_->api()->C_Login(handle_, CKU_USER, nullptr, 0);  // the PIN is typed on the token's pad
  } else if ((token_.info.flags & CKF_LOGIN_REQUIRED) == 0) {
    return;
  } else {
    session_fail(origin_, "token '" + label +
                             "' needs a PIN: add pin-source=file:PATH to the URI, or give --pin-env VAR or --pin-file FILE");
  }
  if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) return;
  if (rv == CKR_PIN_INCORRECT)
    session_fail(origin_, "wrong PIN for token '" + label + "' (CKR_PIN_INCORRECT); not retried, tokens lock after a few wrong PINs");
  if (rv == CKR_PIN_LOCKED) session_fail(origin_, "the user PIN of token '" + label + "' is locked (CKR_PIN_LOCKED)");
  session_fail(origin_, "login to token '" + label + "' failed: " + rv_name(rv));
}

std::vector<CK_OBJECT_HANDLE> Session::find(std::optional<CK_OBJECT_CLASS> klass, const std::optional<std::string>& label,
                                            const std::optional<Bytes>& id) const {
  CK_OBJECT_CLASS class_value = klass.value_or(0);
  std::vector<CK_ATTRIBUTE> filter;
  if (klass) filter.push_back({CKA_CLASS, &class_value, sizeof class_value});
  if (label) filter.push_back({CKA_LABEL, const_cast<char*>(label->data()), label->size()});
  if (id) filter.push_back({CKA_ID, const_cast<std::uint8_t*>(id->data()), id->size()});
  CK_FUNCTION_LIST* api = module_->api();
  check(api->C_FindObjectsInit(handle_, filter.empty() ? nullptr : filter.data(), filter.size()), "C_FindObjectsInit", origin_);
  std::vector<CK_OBJECT_HANDLE> objects;
  CK_OBJECT_HANDLE batch[32];
  CK_ULONG count = 0;
  CK_RV rv;
  while ((rv = api->C_FindObjects(handle_, batch, 32, &count)) == CKR_OK && count > 0) objects.insert(objects.end(), batch, batch + count);
  api->C_FindObjectsFinal(handle_);
  check(rv, "C_FindObjects", origin_);
  return objects;
}

std::optional<Bytes> Session::attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
  CK_ATTRIBUTE query{type, nullptr, 0};
  if (module_->api()->C_GetAttributeValue(handle_, object, &query, 1) != CKR_OK || query.ulValueLen == CK_UNAVAILABLE_INFORMATION)
    return std::nullopt;
  Bytes value(query.ulValueLen);
  query.pValue = value.data();
  if (module_->api()->C_GetAttributeValue(handle_, object, &query, 1) != CKR_OK) return std::nullopt;
  value.resize(query.ulValueLen);
  return value;
}

std::optional<CK_ULONG> Session::ulong_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
  auto value = attribute(object, type);
  if (!value || value->size() != sizeof(CK_ULONG)) return std::nullopt;
  CK_ULONG out = 0;
  std::memcpy(&out, value->data(), sizeof out);
  return out;
}

std::optional<bool> Session::bool_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
  auto value = attribute(object, type);
  if (!value || value->size() != 1) return std::nullopt;
  return (*value)[0] != 0;
}

void Session::require_mechanism(CK_MECHANISM_TYPE mechanism, const std::string& purpose) const {
  // The list, not only C_GetMechanismInfo: SoftHSM's slots.mechanisms filters the list but
  // still answers the info query for a mechanism it then refuses in C_SignInit.
  CK_FUNCTION_LIST* api = module_->api();
  CK_ULONG count = 0;
  check(api->C_GetMechanismList(token_.slot, nullptr, &count), "C_GetMechanismList", origin_);
  std::vector<CK_MECHANISM_TYPE> offered(count);
  if (count > 0) check(api->C_GetMechanismList(token_.slot, offered.data(), &count), "C_GetMechanismList", origin_);
  offered.resize(count);
  CK_MECHANISM_INFO info{};
  bool listed = std::find(offered.begin(), offered.end(), mechanism) != offered.end();
  CK_RV rv = listed ? api->C_GetMechanismInfo(token_.slot, mechanism, &info) : CKR_MECHANISM_INVALID;
  if (rv == CKR_MECHANISM_INVALID || (rv == CKR_OK && (info.flags & CKF_SIGN) == 0))
    session_fail(origin_, "token '" + token_.label() + "' does not offer " + mechanism_name(mechanism) + " for signing, needed for " + purpose);
  check(rv, "C_GetMechanismInfo", origin_);
}

Bytes Session::sign(CK_OBJECT_HANDLE key, CK_MECHANISM mechanism, ByteView input, std::size_t expected_size) const {
  CK_FUNCTION_LIST* api = module_->api();
  const std::string name = mechanism_name(mechanism.mechanism);
  CK_RV rv = api->C_SignInit(handle_, &mechanism, key);
  if (rv == CKR_MECHANISM_INVALID || rv == CKR_KEY_TYPE_INCONSISTENT || rv == CKR_KEY_FUNCTION_NOT_PERMITTED)
    session_fail(origin_, "the token refuses " + name + " with this key (" + rv_name(rv) + ")");
  if (rv != CKR_OK) session_fail(origin_, "C_SignInit with " + name + " failed: " + rv_name(rv));
  Bytes signature(expected_size + 16);
  CK_ULONG length = signature.size();
  rv = api->C_Sign(handle_, const_cast<std::uint8_t*>(input.data()), input.size(), signature.data(), &length);
  if (rv != CKR_OK) session_fail(origin_, "C_Sign with " + name + " failed: " + rv_name(rv));
  if (length != expected_size)
    session_fail(origin_, "the token returned a " + std::to_string(length) + "-byte signature with " + name + ", expected " +
                             std::to_string(expected_size) + " (the key does not support this mechanism?)");
  signature.resize(length);
  return signature;
}

}  // namespace fwprov::pki::p11
