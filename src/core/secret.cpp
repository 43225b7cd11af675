#include "fwprov/core/secret.hpp"

#include <openssl/crypto.h>

#include "fwprov/core/file_io.hpp"

namespace fwprov {

void wipe(Bytes& secret) noexcept {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

void wipe(std::string& secret) noexcept {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

SecretBytes read_secret_file(const std::filesystem::path& path) { return SecretBytes(read_file(path)); }

}  // namespace fwprov
