#pragma once
// Where a passphrase comes from. Never argv: an environment variable or a file, so it stays
// out of shell history and `ps`.
#include <filesystem>
#include <optional>
#include <string>

#include "fwprov/core/secret.hpp"

namespace fwprov::pki {

class PassphraseSource {
 public:
  PassphraseSource() = default;  // none given
  static PassphraseSource from_env(std::string variable);
  static PassphraseSource from_file(std::filesystem::path path);

  bool given() const noexcept { return kind_ != Kind::None; }
  // Reads it now. Throws Crypto error when the variable is unset or the file unreadable/empty.
  // A file's first line is the passphrase (trailing CR/LF dropped), as `openssl -passin file:`.
  std::string read() const;
  // "environment variable NAME" / "file PATH": for messages; never the secret itself.
  std::string describe() const;

 private:
  enum class Kind { None, Env, File };
  Kind kind_ = Kind::None;
  std::string variable_;
  std::filesystem::path path_;
};

// Overwrites a secret before its memory is released (fwprov/core/secret.hpp).
using fwprov::wipe;

}  // namespace fwprov::pki
