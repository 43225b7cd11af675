#pragma once
// The sign tests' golden files (tests/golden/sign/...).
#include <string>

#include "fwprov/core/file_io.hpp"
#include "test_support.hpp"

namespace fwprov::test {

inline Bytes sign_golden_bytes(const std::string& relative) { return read_file(golden("sign/" + relative)); }
inline std::string sign_golden_text(const std::string& relative) { return read_text_file(golden("sign/" + relative)); }

}  // namespace fwprov::test
