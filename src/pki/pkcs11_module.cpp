// Loading a PKCS#11 module with dlopen, finding its tokens, sessions, login and C_Sign.
#include "pkcs11_module.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

#include "fwprov/core/error.hpp"
#include "fwprov/core/secret.hpp"

namespace fwprov::pki::p11 {
namespace {

struct NamedCode {
  CK_ULONG code;
  const char* name;
};

constexpr NamedCode kReturnValues[] = {
    {CKR_OK, "CKR_OK"},
    {CKR_HOST_MEMORY, "CKR_HOST_MEMORY"},
    {CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"},
    {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
    {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
    {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
    {CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE"},
    {CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID"},
    {CKR_DATA_INVALID, "CKR_DATA_INVALID"},
    {CKR_DATA_LEN_RANGE, "CKR_DATA_LEN_RANGE"},
    {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
    {CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
    {CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"},
    {CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"},
    {CKR_KEY_SIZE_RANGE, "CKR_KEY_SIZE_RANGE"},
    {CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT"},
    {CKR_KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED"},
    {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"},
    {CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID"},
    {CKR_OPERATION_ACTIVE, "CKR_OPERATION_ACTIVE"},
    {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
    {CKR_PIN_INVALID, "CKR_PIN_INVALID"},
    {CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"},
    {CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED"},
    {CKR_PIN_LOCKED, "CKR_PIN_LOCKED"},
    {CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"},
    {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
    {CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"},
    {CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"},
    {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
    {CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"},
    {CKR_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID"},
    {CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"},
    {CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"},
    {CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED"},
};

constexpr NamedCode kMechanisms[] = {
    {CKM_RSA_PKCS, "CKM_RSA_PKCS"},
    {CKM_RSA_PKCS_PSS, "CKM_RSA_PKCS_PSS"},
    {CKM_ECDSA, "CKM_ECDSA"},
    {CKM_SHA256, "CKM_SHA256"},
    {CKM_SHA384, "CKM_SHA384"},
};

std::string hex_code(CK_ULONG code) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%lx", code);
  return buffer;
}

std::mutex& modules_mutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<std::string, std::weak_ptr<Module>>& loaded_modules() {
  static std::map<std::string, std::weak_ptr<Module>> modules;
  return modules;
}

[[noreturn]] void module_fail(const std::string& origin, const std::string& message) {
  throw Error(ErrorKind::Crypto, SourceLocation{origin}, message);
}

bool text_matches(const std::optional<std::string>& wanted, const unsigned char* field, std::size_t size) {
  return !wanted || *wanted == padded_text(field, size);
}

}  // namespace

std::string rv_name(CK_RV rv) {
  for (const auto& entry : kReturnValues)
    if (entry.code == rv) return entry.name;
  return hex_code(rv);
}

std::string mechanism_name(CK_MECHANISM_TYPE mechanism) {
  for (const auto& entry : kMechanisms)
    if (entry.code == mechanism) return entry.name;
  return "mechanism " + hex_code(mechanism);
}

void check(CK_RV rv, const char* call, const std::string& origin) {
  if (rv != CKR_OK) module_fail(origin, std::string(call) + " failed: " + rv_name(rv));
}

std::string padded_text(const unsigned char* field, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(field), size);
  auto end = text.find_last_not_of(std::string(" \0", 2));
  return end == std::string::npos ? std::string() : text.substr(0, end + 1);
}

std::shared_ptr<Module> Module::load(const std::string& path, const std::string& origin) {
  std::lock_guard lock(modules_mutex());
  if (auto existing = loaded_modules()[path].lock()) return existing;
  std::error_code ec;
  // A bare file name is left to the loader's search path (as dlopen does); a path must exist.
  if (path.find('/') != std::string::npos && !std::filesystem::is_regular_file(path, ec))
    module_fail(origin, "PKCS#11 module " + path + " not found (check module-path, --pkcs11-module or FWPROV_PKCS11_MODULE)");
  std::shared_ptr<Module> module(new Module());
  module->path_ = path;
  // RTLD_LOCAL keeps the module's own libraries (SoftHSM links libcrypto.so) out of fwprov's
  // symbol space; fwprov's static libcrypto never meets them.
  module->handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (module->handle_ == nullptr) module_fail(origin, "cannot load PKCS#11 module " + path + ": " + dlerror());
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(module->handle_, "C_GetFunctionList"));
  if (get_list == nullptr) module_fail(origin, path + " is not a PKCS#11 module (no C_GetFunctionList)");
  CK_FUNCTION_LIST* api = nullptr;
  check(get_list(&api), "C_GetFunctionList", origin);
  if (api == nullptr) module_fail(origin, path + ": C_GetFunctionList returned no function list");
  module->api_ = api;
  // The module may create threads; it must use OS locking then.
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  CK_RV rv = api->C_Initialize(&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
    module_fail(origin, "C_Initialize of " + path + " failed: " + rv_name(rv) +
                            (rv == CKR_GENERAL_ERROR ? " (for SoftHSM: is SOFTHSM2_CONF set and readable?)" : ""));
  module->finalize_ = rv == CKR_OK;
  loaded_modules()[path] = module;
  return module;
}

Module::~Module() {
  if (finalize_ && api_ != nullptr) api_->C_Finalize(nullptr);
  // The handle stays open: modules that link libcrypto.so register exit handlers, and
  // unloading them before exit crashes some of them.
}

std::string Module::library_description() const {
  CK_INFO info{};
  if (api_->C_GetInfo(&info) != CKR_OK) return {};
  return padded_text(info.libraryDescription, sizeof info.libraryDescription);
}

std::string resolve_module_path(const Pkcs11Uri& uri, const std::string& fallback, const std::string& origin) {
  if (uri.module_path) {
    std::error_code ec;
    if (std::filesystem::is_directory(*uri.module_path, ec)) {
      if (!uri.module_name) module_fail(origin, "module-path " + *uri.module_path + " is a folder: add module-name=NAME to the URI");
      for (const std::string& candidate : {*uri.module_name, *uri.module_name + ".so", "lib" + *uri.module_name + ".so"}) {
        auto path = std::filesystem::path(*uri.module_path) / candidate;
        if (std::filesystem::is_regular_file(path, ec)) return path.string();
      }
      module_fail(origin, "no module " + *uri.module_name + " in " + *uri.module_path);
    }
    return *uri.module_path;
  }
  if (!fallback.empty()) return fallback;
  if (const char* env = std::getenv("FWPROV_PKCS11_MODULE"); env != nullptr && *env != '\0') return env;
  module_fail(origin, "no PKCS#11 module given: add module-path=... to the URI, or give --pkcs11-module or FWPROV_PKCS11_MODULE");
}

std::vector<TokenSlot> matching_tokens(const Module& module, const Pkcs11Uri& uri, const std::string& origin) {
  CK_FUNCTION_LIST* api = module.api();
  if (uri.library_manufacturer || uri.library_description || uri.library_version) {
    CK_INFO info{};
    check(api->C_GetInfo(&info), "C_GetInfo", origin);
    std::string version = std::to_string(info.libraryVersion.major) + "." + std::to_string(info.libraryVersion.minor);
    std::string wanted_version = uri.library_version.value_or(version);
    if (wanted_version.find('.') == std::string::npos) wanted_version += ".0";
    if (!text_matches(uri.library_manufacturer, info.manufacturerID, sizeof info.manufacturerID) ||
        !text_matches(uri.library_description, info.libraryDescription, sizeof info.libraryDescription) || wanted_version != version)
      return {};
  }
  CK_ULONG count = 0;
  check(api->C_GetSlotList(CK_TRUE, nullptr, &count), "C_GetSlotList", origin);
  std::vector<CK_SLOT_ID> slots(count);
  if (count > 0) check(api->C_GetSlotList(CK_TRUE, slots.data(), &count), "C_GetSlotList", origin);
  slots.resize(count);
  std::vector<TokenSlot> found;
  for (CK_SLOT_ID slot : slots) {
    if (uri.slot_id && *uri.slot_id != slot) continue;
    if (uri.slot_manufacturer || uri.slot_description) {
      CK_SLOT_INFO slot_info{};
      check(api->C_GetSlotInfo(slot, &slot_info), "C_GetSlotInfo", origin);
      if (!text_matches(uri.slot_manufacturer, slot_info.manufacturerID, sizeof slot_info.manufacturerID) ||
          !text_matches(uri.slot_description, slot_info.slotDescription, sizeof slot_info.slotDescription))
        continue;
    }
    TokenSlot token;
    token.slot = slot;
    CK_RV rv = api->C_GetTokenInfo(slot, &token.info);
    if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED) continue;
    check(rv, "C_GetTokenInfo", origin);
    if ((token.info.flags & CKF_TOKEN_INITIALIZED) == 0) continue;
    if (!text_matches(uri.token, token.info.label, sizeof token.info.label) ||
        !text_matches(uri.manufacturer, token.info.manufacturerID, sizeof token.info.manufacturerID) ||
        !text_matches(uri.model, token.info.model, sizeof token.info.model) ||
        !text_matches(uri.serial, token.info.serialNumber, sizeof token.info.serialNumber))
      continue;
    found.push_back(token);
  }
  return found;
}

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
    module_fail(origin_, "token '" + label +
                             "' needs a PIN: add pin-source=file:PATH to the URI, or give --pin-env VAR or --pin-file FILE");
  }
  if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) return;
  if (rv == CKR_PIN_INCORRECT)
    module_fail(origin_, "wrong PIN for token '" + label + "' (CKR_PIN_INCORRECT); not retried, tokens lock after a few wrong PINs");
  if (rv == CKR_PIN_LOCKED) module_fail(origin_, "the user PIN of token '" + label + "' is locked (CKR_PIN_LOCKED)");
  module_fail(origin_, "login to token '" + label + "' failed: " + rv_name(rv));
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
    module_fail(origin_, "token '" + token_.label() + "' does not offer " + mechanism_name(mechanism) + " for signing, needed for " + purpose);
  check(rv, "C_GetMechanismInfo", origin_);
}

Bytes Session::sign(CK_OBJECT_HANDLE key, CK_MECHANISM mechanism, ByteView input, std::size_t expected_size) const {
  CK_FUNCTION_LIST* api = module_->api();
  const std::string name = mechanism_name(mechanism.mechanism);
  CK_RV rv = api->C_SignInit(handle_, &mechanism, key);
  if (rv == CKR_MECHANISM_INVALID || rv == CKR_KEY_TYPE_INCONSISTENT || rv == CKR_KEY_FUNCTION_NOT_PERMITTED)
    module_fail(origin_, "the token refuses " + name + " with this key (" + rv_name(rv) + ")");
  if (rv != CKR_OK) module_fail(origin_, "C_SignInit with " + name + " failed: " + rv_name(rv));
  Bytes signature(expected_size + 16);
  CK_ULONG length = signature.size();
  rv = api->C_Sign(handle_, const_cast<std::uint8_t*>(input.data()), input.size(), signature.data(), &length);
  if (rv != CKR_OK) module_fail(origin_, "C_Sign with " + name + " failed: " + rv_name(rv));
  if (length != expected_size)
    module_fail(origin_, "the token returned a " + std::to_string(length) + "-byte signature with " + name + ", expected " +
                             std::to_string(expected_size) + " (the key does not support this mechanism?)");
  signature.resize(length);
  return signature;
}

}  // namespace fwprov::pki::p11
