#pragma once
// pki's errors name the file (or other origin) the key, certificate or CSR came from.
#include <string>

#include "fwprov/core/error.hpp"

namespace fwprov::pki::detail {

[[noreturn]] inline void fail(ErrorKind kind, const std::string& origin, const std::string& message) {
  throw Error(kind, SourceLocation{origin}, message);
}

}  // namespace fwprov::pki::detail
