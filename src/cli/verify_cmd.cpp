// `fwprov verify`: check a signature made by `fwprov sign` or by the reference tools.
#include <fmt/core.h>

#include <algorithm>
#include <filesystem>

#include "commands.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/pkcs11_uri.hpp"
#include "fwprov/sign/aws_ota.hpp"
#include "fwprov/sign/espsecure.hpp"
#include "fwprov/sign/file_digest.hpp"
#include "fwprov/sign/format.hpp"
#include "fwprov/sign/key.hpp"
#include "fwprov/sign/signer.hpp"
#include "signing_support.hpp"

namespace fwprov::cli {
namespace {

namespace fs = std::filesystem;
using sign::RsaScheme;

struct VerifyOptions {
  std::string file;
  std::string signature;
  std::string format;
  std::string certificate;
  std::string public_key;
  std::string scheme;
  signing::KeyOptions key_options;  // a --pubkey/--cert that is a pkcs11: URI
};

struct Outcome {
  bool valid = false;
  std::string how;          // what was checked, for the result line
  nlohmann::json details = nlohmann::json::object();
};

// A detached signature file: raw/DER bytes, base64 text (one line or wrapped), or AWS JSON.
Bytes read_detached_signature(const std::string& path, const sign::KeyInfo& key, nlohmann::json& details) {
  Bytes raw = read_file(path);
  if (raw.empty()) throw Error(ErrorKind::Input, SourceLocation{path}, "signature file is empty");
  std::string_view text = as_chars(raw);
  // Text means JSON or base64; a raw signature is binary (and may well start with '{').
  bool printable = std::all_of(raw.begin(), raw.end(), [](std::uint8_t c) { return (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t'; });
  auto first = text.find_first_not_of(" \t\r\n");
  if (printable && first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    auto extracted = sign::aws::extract_signature(std::string(text), path);
    if (!extracted.hash.empty() && extracted.hash != "SHA256")
      throw Error(ErrorKind::Input, SourceLocation{path, 0, 0, "hashAlgorithm"}, "hash algorithm " + extracted.hash + " is not supported (SHA256 only)");
    std::string expected = sign::aws::signature_algorithm(key);
    if (!extracted.algorithm.empty() && extracted.algorithm != expected)
      throw Error(ErrorKind::Mismatch, SourceLocation{path, 0, 0, "signatureAlgorithm"},
                  "signature is declared " + extracted.algorithm + " but the key is " + key.describe());
    details["encoding"] = "aws-ota json";
    return extracted.signature;
  }
  std::string compact;
  for (char c : text)
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') compact += c;
  bool base64_text = !compact.empty() && compact.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == std::string::npos;
  if (base64_text) {
    if (auto decoded = from_base64(compact); decoded && !decoded->bytes.empty()) {
      details["encoding"] = "base64";
      return decoded->bytes;
    }
  }
  details["encoding"] = "binary";
  return raw;
}

Outcome verify_detached(const VerifyOptions& options, const std::string& signature_path, const EVP_PKEY* key) {
  sign::KeyInfo info = sign::key_info(key);
  Outcome outcome;
  Bytes signature = read_detached_signature(signature_path, info, outcome.details);
  sign::FileHasher hasher;
  Bytes digest = hasher.digest_file(options.file);
  outcome.details["sha256"] = to_hex(digest);
  outcome.details["signature_file"] = signature_path;
  if (info.is_rsa()) {
    // Without --scheme either RSA padding is accepted; the result says which one matched.
    std::vector<RsaScheme> schemes;
    if (options.scheme != "pss") schemes.push_back(RsaScheme::Pkcs1);
    if (options.scheme != "pkcs1") schemes.push_back(RsaScheme::Pss);
    for (RsaScheme scheme : schemes) {
      if (sign::verify_digest(key, digest, sign::HashAlgorithm::Sha256, signature, scheme)) {
        outcome.valid = true;
        outcome.how = scheme == RsaScheme::Pss ? "RSA-PSS SHA-256" : "RSA PKCS#1 v1.5 SHA-256";
        break;
      }
    }
    if (!outcome.valid) outcome.how = "RSA SHA-256";
  } else {
    outcome.valid = sign::verify_digest(key, digest, sign::HashAlgorithm::Sha256, signature);
    outcome.how = "ECDSA " + info.curve + " SHA-256";
  }
  outcome.details["algorithm"] = outcome.how;
  return outcome;
}

Outcome verify_sbv1(const VerifyOptions& options, const EVP_PKEY* key, Context& context) {
  Bytes image = read_file(options.file);
  auto check = sign::espsecure::sbv1_verify(image, key, options.file);
  context.out.detail(fmt::format("verifying {} bytes of data", check.data_size));
  Outcome outcome{check.valid, "secure boot v1 ECDSA P-256", {{"data_bytes", check.data_size}}};
  return outcome;
}

Outcome verify_sbv2(const VerifyOptions& options, const EVP_PKEY* key, Context& context) {
  Bytes image = read_file(options.file);
  auto check = sign::espsecure::sbv2_verify(image, key, options.file);
  Outcome outcome;
  outcome.valid = check.valid;
  outcome.how = "secure boot v2";
  nlohmann::json blocks = nlohmann::json::array();
  for (const auto& block : check.blocks) {
    nlohmann::json entry = {{"index", block.index}, {"valid", block.valid}};
    std::string line = fmt::format("signature block {}: ", block.index);
    if (block.valid) {
      entry["type"] = block.rsa ? "RSA" : "ECDSA";
      entry["public_key_digest"] = to_hex(block.key_digest);
      entry["digest_matches"] = block.digest_matches;
      entry["verified"] = block.verified;
      line += fmt::format("{}, public key digest {}, {}", block.rsa ? "RSA" : "ECDSA", to_hex(block.key_digest),
                          block.verified ? "verified with the supplied key" : block.note);
    } else {
      line += block.note;
    }
    if (!block.note.empty()) entry["note"] = block.note;
    blocks.push_back(entry);
    context.out.note(line);
  }
  outcome.details["blocks"] = blocks;
  outcome.details["image_bytes"] = check.image_size;
  return outcome;
}

std::string default_signature(const VerifyOptions& options) {
  if (!options.signature.empty()) return options.signature;
  if (options.format == "aws-ota") return options.file + ".ota.json";
  if (options.format == "nxp") return options.file + sign::format::kNxpSignatureSuffix;
  if (options.format == "der") return options.file + ".sig";
  if (options.format == "base64") return options.file + ".sig.b64";
  throw Error(ErrorKind::Usage, "give --sig SIG (a detached signature) or --format (where to find it)");
}

void run_verify(const VerifyOptions& options, Context& context) {
  const std::string& hsm_config = options.key_options.hsm_config;
  if ((options.certificate.empty() ? 0 : 1) + (options.public_key.empty() ? 0 : 1) + (hsm_config.empty() ? 0 : 1) != 1)
    throw Error(ErrorKind::Usage, "give exactly one of --cert, --pubkey or --hsm-config");
  bool embedded = options.format == "esp-sbv1" || options.format == "esp-sbv2";
  if (embedded && !options.signature.empty()) throw Error(ErrorKind::Usage, "--format " + options.format + " reads the signature from FILE: drop --sig");
  if (embedded && !options.scheme.empty()) throw Error(ErrorKind::Usage, "--scheme does not apply to --format " + options.format);
  std::string key_origin = !hsm_config.empty() ? hsm_config : pki::redact_pkcs11_uri(options.certificate.empty() ? options.public_key : options.certificate);
  Warnings warnings(context.out.warning_sink());
  pki::PkeyPtr key;
  if (!hsm_config.empty()) {  // espsecure verify-signature --hsm: the public half of the HSM key
    pki::PrivateKey token_key = options.key_options.load_hsm_config(context);
    EVP_PKEY_up_ref(token_key.public_key());
    key.reset(token_key.public_key());
  } else {
    key = signing::load_verification_key(options.public_key, options.certificate, options.key_options.source(&warnings));
  }
  std::string key_description = sign::key_info(key.get()).describe();

  Outcome outcome;
  if (options.format == "esp-sbv1") {
    outcome = verify_sbv1(options, key.get(), context);
  } else if (options.format == "esp-sbv2") {
    outcome = verify_sbv2(options, key.get(), context);
  } else {
    outcome = verify_detached(options, default_signature(options), key.get());
  }

  if (context.out.json()) {
    nlohmann::json doc = {{"ok", outcome.valid}, {"file", options.file}, {"key", key_origin}, {"key_type", key_description},
                          {"checked", outcome.how}};
    doc.update(outcome.details);
    context.out.document(doc);
  }
  if (!outcome.valid) {
    context.out.error(fmt::format("{}: signature does not verify with {} ({})", options.file, key_origin, outcome.how));
    context.exit_code = exit_code(ErrorKind::Mismatch);
    return;
  }
  context.out.result(fmt::format("{}: signature OK ({}, key {} {})", options.file, outcome.how, key_origin, key_description));
}

}  // namespace

void setup_verify(CLI::App& app, Context& context) {
  auto options = std::make_shared<VerifyOptions>();
  auto* command = app.add_subcommand("verify", "Verify a firmware signature (exit 7 when it does not verify)");
  command->add_option("file", options->file, "The signed file (or the image a detached signature belongs to)")->required()->type_name("FILE");
  command->add_option("-s,--sig", options->signature,
                      "Detached signature: DER/raw, base64 text, or AWS OTA JSON (customCodeSigning or job document)")
      ->type_name("SIG");
  command->add_option("-f,--format", options->format,
                      "Where the signature is: esp-sbv1 / esp-sbv2 (inside FILE), nxp (FILE.sha256), aws-ota\n"
                      "(FILE.ota.json), der (FILE.sig), base64 (FILE.sig.b64); --sig overrides the file name")
      ->check(CLI::IsMember({"der", "base64", "aws-ota", "nxp", "esp-sbv1", "esp-sbv2"}));
  command->add_option("--cert", options->certificate, "Signer certificate (PEM or DER), or a pkcs11: URI of a certificate in a token")->type_name("CERT");
  command->add_option("--pubkey", options->public_key,
                      "Public key (PEM/DER), an unencrypted private key, 64 raw bytes X||Y (esp-sbv1), or a pkcs11: URI")
      ->type_name("PUB");
  options->key_options.add_token_options_to(command);
  options->key_options.add_hsm_config_to(command, "verify with that key's public half");
  command->add_option("--scheme", options->scheme, "RSA padding to accept: pkcs1 or pss (default: either)")
      ->check(CLI::IsMember({"pkcs1", "pss"}));
  command->footer(
      "Examples:\n"
      "  fwprov verify firmware.bin --format aws-ota --cert csk.crt.pem\n"
      "  fwprov verify app.bin --sig output/app.bin.sha256.txt --cert prod.app.a.crt.pem\n"
      "  fwprov verify bootloader-signed.bin --format esp-sbv2 --pubkey sbv2_a.pub.pem\n"
      "Exit 0: valid; 7: the signature does not verify (tampered file, other key); 3: malformed input.");
  command->callback([options, &context] { run_verify(*options, context); });
}

}  // namespace fwprov::cli
