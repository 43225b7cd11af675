// `fwprov keygen`: a new signing key pair, private key 0600 and optionally encrypted.
#include <fmt/core.h>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/secret.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/flashcrypt/flash_key.hpp"
#include "fwprov/sign/certificates.hpp"
#include "fwprov/sign/key.hpp"
#include "fwprov/sign/secure_boot_chips.hpp"
#include "signing_support.hpp"

namespace fwprov::cli {
namespace {

struct KeygenOptions {
  std::string type = "ec-p256";
  std::string output;
  std::string public_output;
  std::string chip;  // secure boot v2 target: refuse key types its ROM cannot verify
  signing::PassphraseOptions passphrase;
  bool force = false;
};

// Flash encryption keys are raw random bytes (espsecure generate-flash-encryption-key), not
// key pairs: no public half, no passphrase (espefuse burns the raw file).
void run_flash_keygen(const KeygenOptions& options, const flashcrypt::FlashKeyFileType& type, Context& context) {
  if (!options.public_output.empty()) throw Error(ErrorKind::Usage, "--pub-out: a flash encryption key has no public half");
  if (options.passphrase.source().given()) throw Error(ErrorKind::Usage, "a flash encryption key file is raw bytes and cannot be passphrase-encrypted");
  if (!options.chip.empty()) throw Error(ErrorKind::Usage, "--chip checks secure boot signing keys; it does not apply to flash encryption keys");
  refuse_stdio(options.output, "-o/--output");  // a key never goes to a pipe
  const SecretBytes key = flashcrypt::generate_flash_key_file(type.bytes);
  // The key's SHA-256 is what a ledger records instead of the key (issue 15).
  const std::string key_sha256 = to_hex(sha256(key.view()));
  OutputBatch batch;
  context.out.add_output(options.output, key.view(), "flash-encryption-key");
  batch.add(options.output, key.bytes(), FileMode::Secret);
  batch.commit();
  if (context.out.json()) {
    context.out.document({{"ok", true}, {"type", type.name}, {"key", std::to_string(type.bytes * 8) + "-bit raw key"},
                          {"private_key", options.output}, {"encrypted", false}, {"key_sha256", key_sha256}});
    return;
  }
  context.out.result(fmt::format("{}: {}-byte flash encryption key (mode 0600) for {}", options.output, type.bytes, type.use));
}

void run_keygen(const KeygenOptions& options, Context& context) {
  if (const auto* flash_type = flashcrypt::find_flash_key_file_type(options.type)) return run_flash_keygen(options, *flash_type, context);
  sign::KeyType type = sign::parse_key_type(options.type);
  pki::PassphraseSource passphrase = options.passphrase.source();
  if (passphrase.given()) passphrase.read();  // an unset variable fails before the (slow) generation
  if (type == sign::KeyType::Rsa4096 || type == sign::KeyType::Rsa3072)
    context.out.note(fmt::format("generating a {} key (this can take a few seconds)", sign::key_type_name(type)));
  pki::PkeyPtr key = sign::generate_key(type);
  refuse_stdio(options.output, "-o/--output");  // a private key never goes to a pipe
  if (!options.chip.empty() && !sign::sbv2_require_chip_accepts(options.chip, sign::key_info(key.get()), options.output))
    context.out.warning({SourceLocation{}, "--chip " + options.chip + ": no secure boot v2 table for this chip; the key type was not checked"});
  OutputBatch batch;
  {
    Bytes pem = sign::private_key_pem(key.get(), passphrase);
    context.out.add_output(options.output, pem, "private-key");
    batch.add(options.output, std::move(pem), FileMode::Secret);
  }
  if (!options.public_output.empty()) {
    refuse_stdio(options.public_output, "--pub-out");
    Bytes pem = sign::public_key_pem(key.get());
    context.out.add_output(options.public_output, pem, "public-key");
    batch.add(options.public_output, std::move(pem), FileMode::Public);
  }
  batch.commit();
  std::string description = sign::key_info(key.get()).describe();
  if (context.out.json()) {
    nlohmann::json doc = {{"ok", true},
                          {"type", sign::key_type_name(type)},
                          {"key", description},
                          {"private_key", options.output},
                          {"encrypted", passphrase.given()}};
    if (!options.public_output.empty()) doc["public_key"] = options.public_output;
    context.out.document(doc);
    return;
  }
  context.out.result(fmt::format("{}: {} private key{} (mode 0600)", options.output, description,
                                 passphrase.given() ? ", encrypted with AES-256-CBC" : ""));
  if (!options.public_output.empty()) context.out.result(fmt::format("{}: public key", options.public_output));
}

}  // namespace

void setup_keygen(CLI::App& app, Context& context) {
  auto options = std::make_shared<KeygenOptions>();
  auto* command = app.add_subcommand("keygen", "Generate a signing key pair (EC or RSA) or a flash encryption key");
  command->add_option("--type", options->type,
                      "ec-p256 (default), ec-p384, ec-p192, rsa-2048, rsa-3072 or rsa-4096; flash encryption keys (raw bytes):\n"
                      "flash-encryption-aes256 (ESP32, 32 B), -aes192 (ESP32 3/4 coding, 24 B), -aes128 (ESP32-C2 derived, 16 B),\n"
                      "-xts128 (XTS-AES-128, 32 B), -xts256 (XTS-AES-256, 64 B)")
      ->check(CLI::IsMember({"ec-p256", "ec-p384", "ec-p192", "rsa-2048", "rsa-3072", "rsa-4096", "flash-encryption-aes256",
                             "flash-encryption-aes192", "flash-encryption-aes128", "flash-encryption-xts128", "flash-encryption-xts256"})
                 .description(""))
      ->type_name("TYPE");  // the help text lists them; the whole set as a type does not fit a man page line
  command->add_option("-o,--output", options->output, "Private key file to write (PKCS#8 PEM, mode 0600)")->required()->type_name("KEY.pem");
  command->add_option("--chip", options->chip,
                      "Secure boot v2 signing key for this chip: refuse a type its ROM cannot verify (esp32, esp32s3, esp32c3: rsa-3072 only)")
      ->type_name("CHIP");
  command->add_option("--pub-out", options->public_output, "Also write the public key (SubjectPublicKeyInfo PEM)")->type_name("PUB.pem");
  options->passphrase.add_to(command, "that encrypts the key (AES-256-CBC); without one the key is stored unencrypted");
  command->add_flag("--force", options->force, "Accepted for compatibility: outputs are always replaced (docs/cli-contract.md)");
  command->footer(
      "Examples:\n"
      "  fwprov keygen --type ec-p256 -o csk.key.pem --pub-out csk.pub.pem\n"
      "  SIGN_PASS=... fwprov keygen --type rsa-3072 -o sbv2.key.pem --passphrase-env SIGN_PASS\n"
      "  fwprov keygen --type flash-encryption-xts128 -o flash_key.bin\n"
      "Secure boot v2: rsa-3072 for ESP32, ESP32-S2, ESP32-S3 and ESP32-C3 (their ROMs verify RSA-3072 only);\n"
      "ec-p256 or ec-p192 for ESP32-C2; either for ESP32-C6/H2. Pass --chip to have the choice checked.\n"
      "ec-p256 is what AWS IoT OTA and secure boot v1 need. Keys are never printed; files are 0600.");
  command->callback([options, &context] { run_keygen(*options, context); });
}

}  // namespace fwprov::cli
