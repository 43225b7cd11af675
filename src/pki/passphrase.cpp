#include "fwprov/pki/passphrase.hpp"

#include <cstdlib>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"

namespace fwprov::pki {

PassphraseSource PassphraseSource::from_env(std::string variable) {
  PassphraseSource source;
  source.kind_ = Kind::Env;
  source.variable_ = std::move(variable);
  return source;
}

PassphraseSource PassphraseSource::from_file(std::filesystem::path path) {
  PassphraseSource source;
  source.kind_ = Kind::File;
  source.path_ = std::move(path);
  return source;
}

std::string PassphraseSource::read() const {
  switch (kind_) {
    case Kind::None:
      throw Error(ErrorKind::Crypto, "a passphrase is needed: give --passphrase-env VAR or --passphrase-file FILE");
    case Kind::Env: {
      const char* value = std::getenv(variable_.c_str());
      if (value == nullptr) throw Error(ErrorKind::Crypto, "environment variable " + variable_ + " is not set");
      if (*value == '\0') throw Error(ErrorKind::Crypto, "environment variable " + variable_ + " is empty");
      return value;
    }
    case Kind::File: {
      std::string text = read_text_file(path_);
      std::string first_line = text.substr(0, text.find('\n'));
      wipe(text);
      if (!first_line.empty() && first_line.back() == '\r') first_line.pop_back();
      if (first_line.empty()) throw Error(ErrorKind::Crypto, SourceLocation{path_.string()}, "passphrase file is empty");
      return first_line;
    }
  }
  return {};
}

std::string PassphraseSource::describe() const {
  switch (kind_) {
    case Kind::None: return "no passphrase";
    case Kind::Env: return "environment variable " + variable_;
    case Kind::File: return "file " + path_.string();
  }
  return {};
}

}  // namespace fwprov::pki
