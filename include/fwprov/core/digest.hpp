#pragma once
// SHA-256 and MD5 through OpenSSL, one-shot and streaming.
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "fwprov/core/bytes.hpp"

namespace fwprov {

using Sha256 = std::array<std::uint8_t, 32>;
using Md5 = std::array<std::uint8_t, 16>;

Sha256 sha256(ByteView data);
Md5 md5(ByteView data);
Sha256 sha256_file(const std::filesystem::path& path);  // streams; for files of any size

enum class DigestAlgorithm { Sha256, Md5 };

class Digester {
 public:
  explicit Digester(DigestAlgorithm algorithm);
  ~Digester();
  Digester(Digester&&) noexcept;
  Digester& operator=(Digester&&) noexcept;
  void update(ByteView data);
  Bytes finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace fwprov
