#pragma once
// The PKCS#11 C API, reached through dlopen (no link-time dependency on any module) with the
// header of Debian's libp11-kit-dev. Private to fwprov_pki: only byte buffers and CK_* handles
// cross the module boundary, never OpenSSL objects.
#include <p11-kit/pkcs11.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/pki/pkcs11_uri.hpp"

namespace fwprov::pki::p11 {

// "CKR_PIN_INCORRECT" etc., or the hex value for codes without a name here.
std::string rv_name(CK_RV rv);
std::string mechanism_name(CK_MECHANISM_TYPE mechanism);
// Throws a Crypto error "`call` failed: CKR_..." naming `origin` unless rv is CKR_OK.
void check(CK_RV rv, const char* call, const std::string& origin);

// A loaded and initialized module. One per path per process: several keys in one token (or
// one run's three secure boot keys) share it, and C_Initialize runs once.
class Module {
 public:
  static std::shared_ptr<Module> load(const std::string& path, const std::string& origin);
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  CK_FUNCTION_LIST* api() const noexcept { return api_; }
  const std::string& path() const noexcept { return path_; }
  std::string library_description() const;

 private:
  Module() = default;
  CK_FUNCTION_LIST* api_ = nullptr;
  std::string path_;
  void* handle_ = nullptr;
  bool finalize_ = false;
};

// The module path the URI names (module-path, a file or a folder holding module-name), else
// `fallback` (--pkcs11-module), else FWPROV_PKCS11_MODULE. Crypto error when none is given.
std::string resolve_module_path(const Pkcs11Uri& uri, const std::string& fallback, const std::string& origin);

// Text of a blank-padded CK_UTF8CHAR field without the padding.
std::string padded_text(const unsigned char* field, std::size_t size);

struct TokenSlot {
  CK_SLOT_ID slot = 0;
  CK_TOKEN_INFO info{};
  std::string label() const { return padded_text(info.label, sizeof info.label); }
};
// Initialized tokens whose slot, token and library attributes match the URI.
std::vector<TokenSlot> matching_tokens(const Module& module, const Pkcs11Uri& uri, const std::string& origin);

// One session on one token; closed (and so logged out when it is the last) on destruction.
class Session {
 public:
  Session(std::shared_ptr<Module> module, const TokenSlot& token, const std::string& origin);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Logs the user in. An empty optional means no PIN was given: accepted only when the token
  // has a PIN pad (protected authentication path) or needs no login.
  void login(const std::optional<std::string>& pin);

  // Objects of that class (when given) whose label and id equal the given ones (when given).
  std::vector<CK_OBJECT_HANDLE> find(std::optional<CK_OBJECT_CLASS> klass, const std::optional<std::string>& label,
                                     const std::optional<Bytes>& id) const;
  std::optional<Bytes> attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;
  std::optional<CK_ULONG> ulong_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;
  std::optional<bool> bool_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;

  // C_SignInit + C_Sign. Crypto error unless the result is exactly `expected_size` bytes
  // (SoftHSM answers a mechanism that does not fit the key with an empty signature).
  Bytes sign(CK_OBJECT_HANDLE key, CK_MECHANISM mechanism, ByteView input, std::size_t expected_size) const;
  // Crypto error naming the mechanism when the token does not offer it for signing.
  void require_mechanism(CK_MECHANISM_TYPE mechanism, const std::string& purpose) const;

  const TokenSlot& token() const noexcept { return token_; }
  const Module& module() const noexcept { return *module_; }

 private:
  std::shared_ptr<Module> module_;
  TokenSlot token_;
  std::string origin_;
  CK_SESSION_HANDLE handle_ = 0;
};

}  // namespace fwprov::pki::p11
