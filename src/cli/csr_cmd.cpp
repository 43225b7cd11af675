// `fwprov csr`: a certificate signing request for a key that stays where it is (JITR).
#include <fmt/core.h>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/sign/certificates.hpp"
#include "fwprov/sign/key.hpp"
#include "signing_support.hpp"

namespace fwprov::cli {
namespace {

struct CsrOptions {
  std::string key;
  std::string subject;
  std::string output;
  bool force = false;
  signing::KeyOptions key_options;
};

void run_csr(const CsrOptions& options, Context& context) {
  sign::NameEntries subject = sign::parse_subject(options.subject);
  signing::refuse_overwrite(options.output, options.force);
  pki::PrivateKey key = options.key_options.load(options.key, context);
  sign::require_signing_key(key.public_key(), key.origin());
  pki::X509ReqPtr request = sign::make_csr(key, subject);
  signing::ensure_parent(options.output);
  write_file_atomic(options.output, sign::csr_pem(request.get()));
  std::string description = sign::key_info(key.public_key()).describe();
  if (context.out.json()) {
    context.out.document({{"ok", true}, {"csr", options.output}, {"subject", options.subject}, {"key", description}});
    return;
  }
  context.out.result(fmt::format("{}: certificate request for {} ({}, SHA-256)", options.output, options.subject, description));
}

}  // namespace

void setup_csr(CLI::App& app, Context& context) {
  auto options = std::make_shared<CsrOptions>();
  auto* command = app.add_subcommand("csr", "Create a certificate signing request (PEM) for a device or signing key");
  command->add_option("-k,--key", options->key, "Private key the request is for (its public half goes in the CSR): a file or a pkcs11: URI")->required()->type_name("KEY");
  command->add_option("--subject", options->subject, "Subject, e.g. \"CN=device-0001,O=Acme\" or \"/C=FR/O=Acme/CN=device-0001\"")
      ->required()
      ->type_name("DN");
  command->add_option("-o,--output", options->output, "CSR file to write (PEM)")->required()->type_name("DEVICE.csr");
  command->add_flag("--force", options->force, "Replace an existing output file");
  options->key_options.add_to(command, "of an encrypted key");
  command->footer(
      "Example (the device key never leaves the device/station; a factory CA signs the request):\n"
      "  fwprov keygen --type ec-p256 -o device.key.pem\n"
      "  fwprov csr --key device.key.pem --subject \"CN=device-0001,O=Acme\" -o device.csr\n"
      "  fwprov ca issue --ca-cert factory-ca.crt.pem --ca-key factory-ca.key.pem --csr device.csr -o device.crt.pem");
  command->callback([options, &context] { run_csr(*options, context); });
}

}  // namespace fwprov::cli
