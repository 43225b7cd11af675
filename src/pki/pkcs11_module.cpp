// Loading a PKCS#11 module with dlopen and finding its tokens (sessions: pkcs11_session.cpp).
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

}  // namespace fwprov::pki::p11
