#pragma once
// Helpers shared by unit tests: golden-file paths and a fresh scratch folder per test.
#include <filesystem>
#include <string>

namespace fwprov::test {

inline std::filesystem::path golden(const std::string& relative) { return std::filesystem::path(FWPROV_GOLDEN_DIR) / relative; }

// An empty folder unique to `name` (removed and recreated on each call).
inline std::filesystem::path scratch(const std::string& name) {
  auto dir = std::filesystem::path(FWPROV_TEST_TMP_DIR) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace fwprov::test
