#pragma once
// Helpers shared by unit tests: golden-file paths, a fresh scratch folder per test, the error
// an action throws.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "fwprov/core/error.hpp"

namespace fwprov::test {

inline std::filesystem::path golden(const std::string& relative) { return std::filesystem::path(FWPROV_GOLDEN_DIR) / relative; }

// An empty folder unique to `name` (removed and recreated on each call).
inline std::filesystem::path scratch(const std::string& name) {
  auto dir = std::filesystem::path(FWPROV_TEST_TMP_DIR) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The fwprov::Error `action` throws, nullopt when it throws none.
inline std::optional<Error> error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  return std::nullopt;
}
// Its kind; Internal when nothing is thrown (no test expects an internal error).
inline ErrorKind thrown_kind(const std::function<void()>& action) {
  auto error = error_of(action);
  return error ? error->kind() : ErrorKind::Internal;
}

}  // namespace fwprov::test
