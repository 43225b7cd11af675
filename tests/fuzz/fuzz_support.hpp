#pragma once
// Shared by the libFuzzer targets: a parser may reject its input with fwprov::Error (that is
// the contract: a clear message, a documented exit code); anything else escaping it (another
// exception, a crash, a leak, undefined behaviour, a hang) is a defect the fuzzer reports.
#include <cstddef>
#include <cstdint>
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

}  // namespace fwprov::fuzz
