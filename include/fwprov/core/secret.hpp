#pragma once
// Key material read from files is wiped before its memory goes back to the allocator, so a
// reused heap block or a core dump does not hold it. OPENSSL_cleanse, unlike a memset right
// before free, cannot be optimised away.
#include <filesystem>
#include <string>

#include "fwprov/core/bytes.hpp"

namespace fwprov {

void wipe(Bytes& secret) noexcept;        // overwrites every byte, then empties it
void wipe(std::string& secret) noexcept;  // the same for text (passphrases)

// Bytes wiped when they go out of scope.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(Bytes bytes) noexcept : bytes_(std::move(bytes)) {}
  ~SecretBytes() { wipe(bytes_); }
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {}
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      wipe(bytes_);
      bytes_ = std::move(other.bytes_);
    }
    return *this;
  }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  ByteView view() const noexcept { return bytes_; }
  const Bytes& bytes() const noexcept { return bytes_; }
  std::size_t size() const noexcept { return bytes_.size(); }
  bool empty() const noexcept { return bytes_.empty(); }

 private:
  Bytes bytes_;
};

// read_file for files that may hold keys.
SecretBytes read_secret_file(const std::filesystem::path& path);

}  // namespace fwprov
