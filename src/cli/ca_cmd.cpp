// `fwprov ca issue | init | codesign-cert`: a small CA for device certificates and signing keys.
#include <fmt/core.h>

#include <filesystem>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/sign/certificates.hpp"
#include "fwprov/sign/key.hpp"
#include "signing_support.hpp"

namespace fwprov::cli {
namespace {

namespace fs = std::filesystem;

struct IssueCommandOptions {
  std::string ca_certificate;
  std::string ca_key;
  std::string csr;
  std::string output;
  int days = 365;
  bool der = false;
  bool force = false;
  signing::KeyOptions key_options;
};

struct InitCommandOptions {
  std::string dir;
  sign::CaInitOptions ca;
  signing::PassphraseOptions passphrase;
};

struct CodesignCommandOptions {
  std::string key;
  std::string output;
  std::string subject;
  int days = 365;
  bool der = false;
  bool force = false;
  signing::KeyOptions key_options;
};

std::string subject_text(X509* certificate) {
  char buffer[512] = {};
  X509_NAME_oneline(X509_get_subject_name(certificate), buffer, sizeof buffer);
  return buffer;
}

void run_issue(const IssueCommandOptions& options, Context& context) {
  signing::refuse_overwrite(options.output, options.force);
  pki::PrivateKey ca_key = options.key_options.load(options.ca_key, context);
  sign::require_signing_key(ca_key.public_key(), ca_key.origin());
  // A CA key in a token may come with its certificate (same CKA_ID): --ca-cert is then optional.
  pki::X509Ptr ca_certificate;
  std::string ca_certificate_origin = options.ca_certificate;
  if (!options.ca_certificate.empty()) {
    ca_certificate = pki::load_certificate_file(options.ca_certificate);
  } else if (X509* in_token = ca_key.token_certificate()) {
    ca_certificate.reset(X509_dup(in_token));
    ca_certificate_origin = ca_key.origin() + " (certificate in the token)";
  } else {
    throw Error(ErrorKind::Usage, SourceLocation{"--ca-cert"}, "is required unless the CA key is in a token that also holds its certificate");
  }
  pki::X509ReqPtr request = pki::load_csr_file(options.csr);
  pki::X509Ptr certificate = sign::issue_certificate(ca_certificate.get(), ca_key, request.get(), sign::IssueOptions{options.days},
                                                     options.csr, ca_certificate_origin);
  signing::ensure_parent(options.output);
  write_file_atomic(options.output, options.der ? sign::certificate_der(certificate.get()) : sign::certificate_pem(certificate.get()));
  std::string subject = subject_text(certificate.get());
  if (context.out.json()) {
    context.out.document({{"ok", true}, {"certificate", options.output}, {"subject", subject}, {"days", options.days},
                          {"issuer", subject_text(ca_certificate.get())}});
    return;
  }
  context.out.result(fmt::format("{}: {} issued by {} for {} days", options.output, subject, subject_text(ca_certificate.get()), options.days));
}

void run_init(const InitCommandOptions& options, Context& context) {
  fs::path dir(options.dir);
  if (!options.ca.country.empty() && options.ca.country.size() != 2)
    throw Error(ErrorKind::Usage, SourceLocation{"--country"}, "country must be a two-letter code such as FR");
  // Never overwrite an existing CA: its keys may be the only copy.
  for (const char* sub : {"private", "certs", "csr"})
    for (const char* stem : {".root.ca", ".app.a", ".app.b"})
      for (const char* suffix : {".key.pem", ".crt.pem", ".csr.pem"}) {
        fs::path candidate = dir / sub / (options.ca.name + stem + suffix);
        std::error_code ec;
        if (fs::exists(candidate, ec)) throw Error(ErrorKind::Usage, SourceLocation{candidate.string()}, "already exists; refusing to overwrite a CA");
      }
  context.out.note("generating the RSA-4096 root key and two RSA-2048 signing keys (this can take a while)");
  std::vector<sign::CaFile> files = sign::make_signing_ca(options.ca, options.passphrase.source());
  OutputBatch batch;
  for (const auto& file : files) {
    signing::ensure_parent(dir / file.path);
    batch.add(dir / file.path, file.data, file.secret ? FileMode::Secret : FileMode::Public);
  }
  batch.commit();
  if (context.out.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& file : files) list.push_back({{"path", (dir / file.path).string()}, {"secret", file.secret}});
    context.out.document({{"ok", true}, {"dir", options.dir}, {"files", list}});
    return;
  }
  for (const auto& file : files)
    context.out.result(fmt::format("{}{}", (dir / file.path).string(), file.secret ? "  (encrypted key, mode 0600)" : ""));
}

void run_codesign(const CodesignCommandOptions& options, Context& context) {
  sign::NameEntries subject = sign::parse_subject(options.subject);
  signing::refuse_overwrite(options.output, options.force);
  pki::PrivateKey key = options.key_options.load(options.key, context);
  sign::KeyInfo info = sign::require_signing_key(key.public_key(), key.origin());
  if (info.is_rsa() || info.curve != "P-256")
    context.out.warning({SourceLocation{key.origin()}, "AWS IoT OTA on the ESP32 expects an EC P-256 code-signing key; this key is " + info.describe()});
  pki::X509Ptr certificate = sign::make_codesign_certificate(key, subject, options.days);
  signing::ensure_parent(options.output);
  write_file_atomic(options.output, options.der ? sign::certificate_der(certificate.get()) : sign::certificate_pem(certificate.get()));
  if (context.out.json()) {
    context.out.document({{"ok", true}, {"certificate", options.output}, {"subject", subject_text(certificate.get())},
                          {"der", options.der}, {"days", options.days}, {"key", info.describe()}});
    return;
  }
  context.out.result(fmt::format("{}: self-signed code-signing certificate {} ({}, {} days, {})", options.output,
                                 subject_text(certificate.get()), info.describe(), options.days, options.der ? "DER" : "PEM"));
}

void add_days(CLI::App* command, int& days, const char* what) {
  command->add_option("--days", days, what)->check(CLI::Range(1, 36500))->capture_default_str();
}

}  // namespace

void setup_ca(CLI::App& app, Context& context) {
  auto* ca = app.add_subcommand("ca", "A small CA: device certificates from CSRs, signing CA artefacts, code-signing certificates");
  ca->require_subcommand(1);
  ca->footer("Run `fwprov ca issue --help`, `fwprov ca init --help` or `fwprov ca codesign-cert --help`.");

  auto issue = std::make_shared<IssueCommandOptions>();
  auto* issue_command = ca->add_subcommand("issue", "Issue a device certificate for a CSR, signed by a CA certificate and key");
  issue_command->add_option("--ca-cert", issue->ca_certificate, "CA certificate (must be a CA); optional when the token holding --ca-key has it")
      ->type_name("CA.pem");
  issue_command->add_option("--ca-key", issue->ca_key, "CA private key (must match --ca-cert): a file or a pkcs11: URI")->required()->type_name("CA.key");
  issue_command->add_option("--csr", issue->csr, "Certificate signing request (PEM or DER; its signature is checked)")->required()->type_name("DEVICE.csr");
  issue_command->add_option("-o,--output", issue->output, "Certificate to write")->required()->type_name("DEVICE.crt");
  add_days(issue_command, issue->days, "Validity in days");
  issue_command->add_flag("--der", issue->der, "Write DER instead of PEM");
  issue_command->add_flag("--force", issue->force, "Replace an existing output file");
  issue->key_options.add_to(issue_command, "of an encrypted CA key");
  issue_command->footer(
      "Example:\n"
      "  FACTORY_CA_PASS=... fwprov ca issue --ca-cert factory-ca.crt.pem --ca-key factory-ca.key.pem \\\n"
      "      --passphrase-env FACTORY_CA_PASS --csr device.csr -o device.crt.pem --days 3650\n"
      "  fwprov ca issue --ca-key 'pkcs11:token=factory;object=device-ca?pin-source=file:/run/hsm-pin' \\\n"
      "      --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --csr device.csr -o device.crt.pem   # CA key in an HSM\n"
      "The certificate keeps the CSR's subject and key and gets basicConstraints CA:FALSE, keyUsage\n"
      "digitalSignature (+keyEncipherment for RSA), extendedKeyUsage clientAuth (TLS client, as AWS IoT\n"
      "just-in-time registration needs), key identifiers and a random 128-bit serial; SHA-256.");
  issue_command->callback([issue, &context] { run_issue(*issue, context); });

  auto init = std::make_shared<InitCommandOptions>();
  auto* init_command = ca->add_subcommand("init", "Create signing CA artefacts as NXP's generate_signing_artifacts.py: root + app.a + app.b");
  init_command->add_option("--dir", init->dir, "Folder to create the CA in (private/, certs/, csr/)")->required()->type_name("DIR");
  init_command->add_option("--name", init->ca.name, "CA name: file prefix and CN stem (\"NAME CA Root\", \"NAME Application A\")")->required();
  init_command->add_option("--country", init->ca.country, "C, two letters (e.g. FR)");
  init_command->add_option("--state", init->ca.state, "ST");
  init_command->add_option("--locality", init->ca.locality, "L (root certificate only, as the NXP CA policy drops it from leaves)");
  init_command->add_option("--org", init->ca.organization, "O");
  init_command->add_option("--root-days", init->ca.root_days, "Root validity in days")->check(CLI::Range(1, 36500))->capture_default_str();
  init_command->add_option("--app-days", init->ca.app_days, "App certificate validity in days")->check(CLI::Range(1, 36500))->capture_default_str();
  init->passphrase.add_to(init_command, "that encrypts the three keys (required)");
  init_command->footer(
      "Example:\n"
      "  CA_PASS=... fwprov ca init --dir ca --name prod --country FR --state Normandy --org Acme --passphrase-env CA_PASS\n"
      "Writes private/prod.root.ca.key.pem (RSA-4096), private/prod.app.{a,b}.key.pem (RSA-2048), all\n"
      "AES-256 encrypted, mode 0600; certs/prod.root.ca.crt.pem (self-signed, 7300 days, CA:TRUE),\n"
      "certs/prod.app.{a,b}.crt.pem (serials 0x1000/0x1001, 375 days) and csr/. App certificates carry\n"
      "keyUsage digitalSignature and extendedKeyUsage codeSigning; NXP's script gives them serverAuth +\n"
      "keyEncipherment instead (a TLS server profile), which is wrong for a signing key.");
  init_command->callback([init, &context] { run_init(*init, context); });

  auto codesign = std::make_shared<CodesignCommandOptions>();
  auto* codesign_command = ca->add_subcommand("codesign-cert", "Self-signed code-signing certificate for a key (AWS IoT OTA P11_CSK)");
  codesign_command->add_option("-k,--key", codesign->key, "Signing key (EC P-256 for the ESP32 AWS OTA flow): a file or a pkcs11: URI")->required()->type_name("KEY");
  codesign_command->add_option("-o,--output", codesign->output, "Certificate to write")->required()->type_name("CERT");
  codesign_command->add_option("--subject", codesign->subject, "Subject, e.g. \"CN=Acme firmware signing\"")->required()->type_name("DN");
  add_days(codesign_command, codesign->days, "Validity in days");
  codesign_command->add_flag("--der", codesign->der, "Write DER (what is flashed as NVS key P11_CSK) instead of PEM");
  codesign_command->add_flag("--force", codesign->force, "Replace an existing output file");
  codesign->key_options.add_to(codesign_command, "of an encrypted key");
  codesign_command->footer(
      "Example:\n"
      "  fwprov keygen --type ec-p256 -o csk.key.pem\n"
      "  fwprov ca codesign-cert --key csk.key.pem --subject \"CN=Acme OTA signer\" -o csk.crt.pem --days 3650\n"
      "  fwprov ca codesign-cert --key csk.key.pem --subject \"CN=Acme OTA signer\" -o csk.der --der\n"
      "Extensions: keyUsage digitalSignature (critical), extendedKeyUsage codeSigning, subjectKeyIdentifier;\n"
      "signed with SHA-256, as AWS documents for ESP32 OTA code signing.");
  codesign_command->callback([codesign, &context] { run_codesign(*codesign, context); });
}

}  // namespace fwprov::cli
