#pragma once
// Shared by the libFuzzer targets: a parser may reject its input with fwprov::Error (that is
// the contract: a clear message, a documented exit code); anything else escaping it (another
// exception, a crash, a leak, undefined behaviour, a hang) is a defect the fuzzer reports.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/error.hpp"

namespace fwprov::fuzz {

inline ByteView bytes(const std::uint8_t* data, std::size_t size) { return ByteView(data, size); }
inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Runs `parse`; a fwprov::Error other than Internal is an accepted outcome.
template <typename F>
void expect_clean(F&& parse) {
  try {
    parse();
  } catch (const Error& error) {
    if (error.kind() == ErrorKind::Internal) throw;  // an internal error is a bug: let it crash
  }
}

// Runs `parse`; only a fwprov::Error of one of the `allowed` kinds is accepted: for parsers
// whose contract names the kind (a malformed recipe is an Input error, never an Io one).
template <typename F>
void expect_kinds(std::initializer_list<ErrorKind> allowed, F&& parse) {
  try {
    parse();
  } catch (const Error& error) {
    for (ErrorKind kind : allowed)
      if (error.kind() == kind) return;
    std::fprintf(stderr, "fuzz: unexpected %s error: %s\n", std::string(kind_name(error.kind())).c_str(), error.what());
    std::abort();
  }
}

// A property the target checks (a round trip, an invariant) failed: report it as a crash.
inline void require(bool property, const char* what) {
  if (property) return;
  std::fprintf(stderr, "fuzz: property violated: %s\n", what);
  std::abort();
}

}  // namespace fwprov::fuzz
