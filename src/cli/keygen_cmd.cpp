// `fwprov keygen`: a new signing key pair, private key 0600 and optionally encrypted.
#include <fmt/core.h>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/sign/certificates.hpp"
#include "fwprov/sign/key.hpp"
#include "signing_support.hpp"

namespace fwprov::cli {
namespace {

struct KeygenOptions {
  std::string type = "ec-p256";
  std::string output;
  std::string public_output;
  signing::PassphraseOptions passphrase;
  bool force = false;
};

void run_keygen(const KeygenOptions& options, Context& context) {
  sign::KeyType type = sign::parse_key_type(options.type);
  pki::PassphraseSource passphrase = options.passphrase.source();
  if (passphrase.given()) passphrase.read();  // an unset variable fails before the (slow) generation
  if (type == sign::KeyType::Rsa4096 || type == sign::KeyType::Rsa3072)
    context.out.note(fmt::format("generating a {} key (this can take a few seconds)", sign::key_type_name(type)));
  pki::PkeyPtr key = sign::generate_key(type);
  refuse_stdio(options.output, "-o/--output");  // a private key never goes to a pipe
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
  auto* command = app.add_subcommand("keygen", "Generate a signing key pair (EC P-256/P-384/P-192 or RSA 2048/3072/4096)");
  command->add_option("--type", options->type, "ec-p256 (default), ec-p384, ec-p192 (ESP32-C2 secure boot v2 only), rsa-2048, rsa-3072 or rsa-4096")
      ->check(CLI::IsMember({"ec-p256", "ec-p384", "ec-p192", "rsa-2048", "rsa-3072", "rsa-4096"}));
  command->add_option("-o,--output", options->output, "Private key file to write (PKCS#8 PEM, mode 0600)")->required()->type_name("KEY.pem");
  command->add_option("--pub-out", options->public_output, "Also write the public key (SubjectPublicKeyInfo PEM)")->type_name("PUB.pem");
  options->passphrase.add_to(command, "that encrypts the key (AES-256-CBC); without one the key is stored unencrypted");
  command->add_flag("--force", options->force, "Accepted for compatibility: outputs are always replaced (docs/cli-contract.md)");
  command->footer(
      "Examples:\n"
      "  fwprov keygen --type ec-p256 -o csk.key.pem --pub-out csk.pub.pem\n"
      "  SIGN_PASS=... fwprov keygen --type rsa-3072 -o sbv2.key.pem --passphrase-env SIGN_PASS\n"
      "ec-p256 is what AWS IoT OTA on the ESP32 and secure boot v1 need; rsa-3072 (or ec-p256/ec-p384)\n"
      "is what secure boot v2 takes. The key is never printed.");
  command->callback([options, &context] { run_keygen(*options, context); });
}

}  // namespace fwprov::cli
