#include "fwprov/pki/openssl_ptr.hpp"

#include <openssl/err.h>

namespace fwprov::pki {

std::string take_openssl_error() {
  // The last queued error is usually the most specific one.
  unsigned long code = 0;
  unsigned long last = 0;
  while ((code = ERR_get_error()) != 0) last = code;
  if (last == 0) return {};
  const char* reason = ERR_reason_error_string(last);
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

}  // namespace fwprov::pki
