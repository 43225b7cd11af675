#pragma once
// What `fwprov --version` reports: the build (version, git commit, build type, how the
// libraries are linked) and the versions of the libraries linked into this binary. The static
// build carries its own OpenSSL and zlib, so a security audit needs these, not the system's.
#include <nlohmann/json.hpp>

#include <string>

namespace fwprov::cli {

struct BuildFacts {
  std::string version;        // project version, e.g. 0.1.0
  std::string commit;         // git commit (12 hex digits, "-dirty" with local changes) or "unknown"
  std::string build_type;     // CMAKE_BUILD_TYPE, e.g. RelWithDebInfo
  std::string linkage;        // "static" (FWPROV_STATIC_DEPS) or "shared"
  std::string compiler;       // e.g. "GCC 12.2.0"
  std::string openssl;        // the linked libcrypto's version, e.g. "3.0.17"
  std::string openssl_full;   // its full banner, e.g. "OpenSSL 3.0.17 1 Jul 2025"
  std::string zlib;           // the linked zlib's version
  std::string libserialport;  // the linked libserialport's package version
};

BuildFacts build_facts();

// The text `fwprov --version` prints (several lines, no trailing newline).
std::string version_text();

// The same facts as a JSON object, for `fwprov --version --json`.
nlohmann::json version_json();

}  // namespace fwprov::cli
