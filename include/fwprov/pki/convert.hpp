#pragma once
// `fwprov convert`: one PKI file re-encoded PEM <-> DER, byte-identical to the openssl CLI.
#include <filesystem>
#include <optional>
#include <string>

#include "fwprov/core/bytes.hpp"
#include "fwprov/pki/encode.hpp"
#include "fwprov/pki/passphrase.hpp"
#include "fwprov/pki/pki_file.hpp"

namespace fwprov::pki {

// What to do with a file of several certificates.
enum class ChainMode {
  Reject,  // an Input error that says how many were found (the default: a device wants one)
  First,   // the first certificate only (the leaf, in the usual order)
  All,     // every certificate: DER encodings concatenated, or PEM blocks one after another
};

struct ConvertOptions {
  std::optional<Encoding> to;  // unset: the other encoding than the input's
  ChainMode chain = ChainMode::Reject;
  KeyFormat key_format = KeyFormat::Traditional;
  PassphraseSource passphrase;  // for encrypted private keys; the output is never encrypted
};

struct Converted {
  ObjectKind kind = ObjectKind::Certificate;
  Encoding from = Encoding::Der;
  Encoding to = Encoding::Der;
  KeyStructure input_structure = KeyStructure::None;
  KeyStructure output_structure = KeyStructure::None;
  std::size_t certificates = 0;  // certificates written (kind Certificate)
  bool secret = false;           // a private key: write it with mode 0600
  Bytes data;
};

Converted convert(ByteView data, const std::string& origin, const ConvertOptions& options);
Converted convert_file(const std::filesystem::path& input, const ConvertOptions& options);

// IN with its extension replaced by ".der" or ".pem" (appended when IN has none).
std::filesystem::path default_output_path(const std::filesystem::path& input, Encoding to);

}  // namespace fwprov::pki
