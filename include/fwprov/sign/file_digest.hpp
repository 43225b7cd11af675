#pragma once
// Streaming file hashes for inputs of any size, with the digest context and read buffer kept
// between files so batch signing pays the setup once.
#include <filesystem>
#include <memory>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/diagnostics.hpp"

namespace fwprov::sign {

enum class HashAlgorithm { Sha256, Sha384 };

std::size_t digest_size(HashAlgorithm algorithm);
Bytes digest_bytes(HashAlgorithm algorithm, ByteView data);

class FileHasher {
 public:
  explicit FileHasher(HashAlgorithm algorithm = HashAlgorithm::Sha256);
  ~FileHasher();
  FileHasher(const FileHasher&) = delete;
  FileHasher& operator=(const FileHasher&) = delete;

  // Reads the file in large chunks; throws Io error naming the file. `progress` gets bytes done.
  Bytes digest_file(const std::filesystem::path& path, const ProgressFn& progress = {});
  std::uint64_t last_size() const noexcept { return last_size_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::uint64_t last_size_ = 0;
};

}  // namespace fwprov::sign
