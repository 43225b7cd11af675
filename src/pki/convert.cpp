#include "fwprov/pki/convert.hpp"

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/secret.hpp"

namespace fwprov::pki {
namespace {

Encoding other(Encoding encoding) { return encoding == Encoding::Pem ? Encoding::Der : Encoding::Pem; }

Bytes encode_certificates(const PkiFile& file, const std::string& origin, ChainMode chain, Encoding to, std::size_t& written) {
  const auto& certificates = file.certificates;
  if (certificates.size() > 1 && chain == ChainMode::Reject)
    throw Error(ErrorKind::Input, SourceLocation{origin},
                "holds a chain of " + std::to_string(certificates.size()) +
                    " certificates: give --chain first (the first one) or --chain all (all of them)");
  std::size_t count = chain == ChainMode::All ? certificates.size() : 1;
  Bytes out;
  for (std::size_t i = 0; i < count; ++i) append(out, encode_certificate(certificates[i].get(), to));
  written = count;
  return out;
}

}  // namespace

Converted convert(ByteView data, const std::string& origin, const ConvertOptions& options) {
  PkiFile file = read_pki(data, origin, options.passphrase);
  Converted result;
  result.kind = file.kind;
  result.from = file.encoding;
  result.to = options.to.value_or(other(file.encoding));
  result.input_structure = file.structure;
  switch (file.kind) {
    case ObjectKind::Certificate:
      result.data = encode_certificates(file, origin, options.chain, result.to, result.certificates);
      break;
    case ObjectKind::Csr:
      result.data = encode_csr(file.csr.get(), result.to);
      break;
    case ObjectKind::PrivateKey:
      result.output_structure = private_structure_for(file.key.get(), options.key_format);
      result.data = encode_private_key(file.key.get(), result.to, options.key_format);
      result.secret = true;
      break;
    case ObjectKind::PublicKey:
      result.output_structure = file.structure;  // keep SubjectPublicKeyInfo or PKCS#1 as given
      result.data = encode_public_key(file.key.get(), result.to, file.structure);
      break;
  }
  return result;
}

Converted convert_file(const std::filesystem::path& input, const ConvertOptions& options) {
  return convert(read_secret_file(input).view(), input.string(), options);  // may be a key
}

std::filesystem::path default_output_path(const std::filesystem::path& input, Encoding to) {
  std::filesystem::path output = input;
  output.replace_extension(to == Encoding::Der ? ".der" : ".pem");
  return output;
}

}  // namespace fwprov::pki
