// `fwprov sign digest --pub-key KEY -o digest.bin`: the secure boot v2 public key digest that
// espefuse burn-key-digest writes to eFuse (espsecure digest-sbv2-public-key).
#include <fmt/core.h>

#include <memory>

#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/sign/espsecure.hpp"
#include "fwprov/sign/secure_boot_chips.hpp"
#include "sign_digest.hpp"

namespace fwprov::cli {
namespace {

struct SignDigestArgs {
  std::string public_key, output, chip;
};

void run_sign_digest(Context& context, const SignDigestArgs& args) {
  const pki::PkeyPtr key = pki::load_public_key_file(args.public_key);
  const sign::KeyInfo info = sign::key_info(key.get());
  sign::espsecure::sbv2_require_key(info, args.public_key);
  check_sbv2_chip(args.chip, info, args.public_key, context);
  const Bytes digest = sign::espsecure::sbv2_public_key_digest(key.get());
  write_file_atomic(args.output, digest);
  if (context.out.json()) {
    context.out.document({{"ok", true},
                          {"key", info.describe()},
                          {"digest", to_hex(digest)},
                          {"outputs", nlohmann::json::array({{{"path", args.output}, {"size", digest.size()}, {"sha256", to_hex(sha256(digest))},
                                                              {"kind", "sbv2-public-key-digest"}}})}});
    return;
  }
  context.out.result(fmt::format("{}: secure boot v2 public key digest of {} ({}): {}", args.output, args.public_key, info.describe(), to_hex(digest)));
}

}  // namespace

void check_sbv2_chip(const std::string& chip, const sign::KeyInfo& info, const std::string& origin, Context& context) {
  if (chip.empty()) {
    if (!info.is_rsa())
      context.out.warning({SourceLocation{origin}, info.describe() + " key for secure boot v2: the ESP32, ESP32-S2, ESP32-S3 and ESP32-C3 "
                                                                       "ROMs verify RSA-3072 only (pass --chip to check)"});
    return;
  }
  if (!sign::sbv2_require_chip_accepts(chip, info, origin))
    context.out.warning({SourceLocation{}, "--chip " + chip + ": no secure boot v2 table for this chip; the key type was not checked"});
}

CLI::App* add_sign_digest(CLI::App* sign_command, Context& context) {
  auto args = std::make_shared<SignDigestArgs>();
  auto* command = sign_command->add_subcommand("digest", "Secure boot v2 public key digest, the 32 bytes espefuse burn-key-digest burns");
  command->add_option("--pub-key,-k,--keyfile", args->public_key, "Public key, private key or certificate (PEM or DER; RSA-3072 or ECDSA)")
      ->required()->type_name("KEY");
  command->add_option("-o,--output", args->output, "Digest file to write (32 raw bytes)")->required()->type_name("DIGEST.bin");
  command->add_option("--chip", args->chip, "Refuse a key this chip's ROM cannot verify (esp32, esp32s3, esp32c3: RSA-3072 only)")->type_name("CHIP");
  command->footer(
      "Example:\n"
      "  fwprov sign digest --pub-key sbv2_pub.pem --chip esp32c3 -o digest.bin\n"
      "The digest is SHA-256 over the key part of a signature block (RSA: n, e, R^2 mod n, M'; ECDSA:\n"
      "curve id and public point), the same bytes espsecure digest-sbv2-public-key writes.");
  command->callback([&context, args] { run_sign_digest(context, *args); });
  return command;
}

}  // namespace fwprov::cli
