// `fwprov inspect`: what each PKI file is, and `--match CERT KEY`: whether they belong together.
#include <fmt/core.h>

#include <algorithm>

#include <cstdio>
#include <ctime>

#include "commands.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/inspect.hpp"
#include "fwprov/pki/key_match.hpp"
#include "pki_passphrase_options.hpp"

namespace fwprov::cli {
namespace {

struct InspectArgs {
  std::vector<std::string> files;
  bool match = false;
  PassphraseOptions passphrase;
};

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

nlohmann::json key_json(const pki::KeyInfo& key) {
  nlohmann::json doc = {{"type", key.type}, {"bits", key.bits}, {"public_key_sha256", key.public_key_sha256}};
  if (!key.curve.empty()) doc["curve"] = key.curve;
  return doc;
}

nlohmann::json certificate_json(const pki::CertificateInfo& cert) {
  return {{"subject", cert.subject},
          {"issuer", cert.issuer},
          {"serial", cert.serial},
          {"not_before", cert.not_before},
          {"not_after", cert.not_after},
          {"validity", pki::validity_name(cert.validity)},
          {"self_signed", cert.self_signed},
          {"ca", cert.is_ca},
          {"signature_algorithm", cert.signature_algorithm},
          {"public_key", key_json(cert.key)},
          {"subject_alt_names", cert.subject_alt_names},
          {"key_usage", cert.key_usage},
          {"extended_key_usage", cert.extended_key_usage},
          {"sha256_fingerprint", cert.sha256_fingerprint}};
}

nlohmann::json file_json(const std::string& name, const pki::FileInfo& info) {
  nlohmann::json doc = {{"file", name}, {"ok", true}, {"kind", pki::kind_name(info.kind)}, {"encoding", pki::encoding_name(info.encoding)}};
  if (info.structure != pki::KeyStructure::None) doc["structure"] = pki::structure_name(info.structure);
  if (!info.certificates.empty()) {
    doc["certificates"] = nlohmann::json::array();
    for (const auto& cert : info.certificates) doc["certificates"].push_back(certificate_json(cert));
  }
  if (info.key) {
    doc["key"] = key_json(*info.key);
    doc["key"]["private"] = info.key->has_private;
  }
  if (info.csr) {
    doc["csr"] = {{"subject", info.csr->subject},
                  {"public_key", key_json(info.csr->key)},
                  {"subject_alt_names", info.csr->subject_alt_names},
                  {"signature_valid", info.csr->signature_valid},
                  {"sha256_fingerprint", info.csr->sha256_fingerprint}};
  }
  return doc;
}

void print_line(const Context& context, const char* label, const std::string& value) {
  if (!value.empty()) context.out.result(fmt::format("  {:<15} {}", std::string(label) + ":", value));
}

void print_certificate(const Context& context, const pki::CertificateInfo& cert) {
  print_line(context, "subject", cert.subject);
  print_line(context, "issuer", cert.issuer + (cert.self_signed ? " (self-signed)" : ""));
  print_line(context, "serial", cert.serial);
  print_line(context, "valid", fmt::format("{} to {} ({})", cert.not_before, cert.not_after, pki::validity_name(cert.validity)));
  print_line(context, "public key", cert.key.summary());
  print_line(context, "SANs", joined(cert.subject_alt_names));
  print_line(context, "key usage", joined(cert.key_usage));
  print_line(context, "ext. key usage", joined(cert.extended_key_usage));
  print_line(context, "CA", cert.is_ca ? "yes" : "no");
  print_line(context, "signature", cert.signature_algorithm);
  print_line(context, "SHA-256", cert.sha256_fingerprint);
}

void print_file(const Context& context, const std::string& name, const pki::FileInfo& info) {
  std::string heading = fmt::format("{}: {}", name, pki::kind_name(info.kind));
  if (info.certificates.size() > 1) heading = fmt::format("{}: chain of {} certificates", name, info.certificates.size());
  heading += fmt::format(", {}", pki::encoding_name(info.encoding));
  if (info.structure != pki::KeyStructure::None) heading += fmt::format(", {}", pki::structure_name(info.structure));
  context.out.result(heading);
  for (std::size_t i = 0; i < info.certificates.size(); ++i) {
    if (info.certificates.size() > 1) context.out.result(fmt::format(" certificate {}:", i + 1));
    print_certificate(context, info.certificates[i]);
  }
  if (info.key) {
    print_line(context, "key", info.key->summary() + (info.key->type == "RSA" ? " bits" : ""));
    print_line(context, "public SHA-256", info.key->public_key_sha256);
  }
  if (info.csr) {
    print_line(context, "subject", info.csr->subject);
    print_line(context, "public key", info.csr->key.summary());
    print_line(context, "SANs", joined(info.csr->subject_alt_names));
    print_line(context, "signature", info.csr->signature_valid ? "valid" : "INVALID");
    print_line(context, "SHA-256", info.csr->sha256_fingerprint);
  }
}

void warn_about_validity(const Context& context, const std::string& name, const pki::FileInfo& info) {
  for (std::size_t i = 0; i < info.certificates.size(); ++i) {
    const auto& cert = info.certificates[i];
    std::string which = info.certificates.size() > 1 ? fmt::format("certificate {} ({})", i + 1, cert.subject)
                                                     : fmt::format("certificate ({})", cert.subject);
    if (cert.validity == pki::Validity::Expired)
      context.out.warning(Warning{SourceLocation{name}, fmt::format("{} expired on {}", which, cert.not_after)});
    if (cert.validity == pki::Validity::NotYetValid)
      context.out.warning(Warning{SourceLocation{name}, fmt::format("{} is not valid before {}", which, cert.not_before)});
  }
}

// An encrypted private key and no passphrase: say what the file is rather than fail. Returns
// false when the file is something else.
bool describe_encrypted_key(const Context& context, const std::string& name, ByteView data, nlohmann::json& files) {
  auto form = pki::encrypted_key_form(data);
  if (!form) return false;
  if (context.options.json) {
    files.push_back({{"file", name},
                     {"ok", true},
                     {"kind", pki::kind_name(pki::ObjectKind::PrivateKey)},
                     {"encoding", pki::encoding_name(form->encoding)},
                     {"structure", pki::structure_name(form->structure)},
                     {"encrypted", true}});
  } else {
    context.out.result(fmt::format("{}: private key, {}, {}", name, pki::encoding_name(form->encoding),
                                   pki::structure_name(form->structure)));
    print_line(context, "key", "encrypted (give --passphrase-env VAR or --passphrase-file FILE to see it)");
  }
  return true;
}

// Every file is inspected even when one fails; the exit code is the first failure's.
void inspect_files(Context& context, const InspectArgs& args) {
  auto passphrase = args.passphrase.source();
  std::time_t now = std::time(nullptr);
  nlohmann::json files = nlohmann::json::array();
  nlohmann::json first_error;
  bool all_ok = true;
  if (std::count(args.files.begin(), args.files.end(), "-") > 1) throw Error(ErrorKind::Usage, "'-' (stdin) can be read only once");
  for (const auto& arg : args.files) {
    const std::string name = is_stdio(arg) ? "(stdin)" : arg;
    try {
      Bytes data = read_input(arg);
      if (!passphrase.given() && describe_encrypted_key(context, name, data, files)) continue;
      pki::FileInfo info = pki::describe(pki::read_pki(data, name, passphrase), now);
      warn_about_validity(context, name, info);
      if (context.options.json) {
        files.push_back(file_json(name, info));
      } else {
        print_file(context, name, info);
      }
    } catch (const Error& error) {
      std::fflush(stdout);  // keep the lines in file order when stdout and stderr share a pipe
      context.out.error(error.what());
      if (context.exit_code == 0) context.exit_code = exit_code(error.kind());
      all_ok = false;
      files.push_back({{"file", name}, {"ok", false}, {"error", error_json(error)}});
      if (first_error.is_null()) first_error = error_json(error);
    }
  }
  if (!context.options.json) return;
  nlohmann::json doc = {{"ok", all_ok}, {"files", files}};
  if (!all_ok) doc["error"] = first_error;  // the first failure, as every failed run has it
  context.out.document(doc);
}

void match_files(Context& context, const InspectArgs& args) {
  if (args.files.size() != 2) throw Error(ErrorKind::Usage, "--match takes exactly two files: CERT KEY");
  auto passphrase = args.passphrase.source();
  if (is_stdio(args.files[0]) && is_stdio(args.files[1])) throw Error(ErrorKind::Usage, "'-' (stdin) can be read only once");
  const std::string cert_name = is_stdio(args.files[0]) ? "(stdin)" : args.files[0];
  const std::string key_name = is_stdio(args.files[1]) ? "(stdin)" : args.files[1];
  pki::PkiFile cert = pki::read_pki(read_input(args.files[0]), cert_name, passphrase);
  pki::PkiFile key = pki::read_pki(read_input(args.files[1]), key_name, passphrase);
  if (cert.kind != pki::ObjectKind::Certificate && cert.kind != pki::ObjectKind::Csr)
    throw Error(ErrorKind::Usage, SourceLocation{cert_name},
                fmt::format("is a {}; --match wants a certificate (or CSR) first", pki::kind_name(cert.kind)));
  bool match = pki::same_public_key(pki::public_key_of(cert), pki::public_key_of(key));
  pki::KeyInfo cert_key = pki::describe_key(pki::public_key_of(cert));
  pki::KeyInfo key_key = pki::describe_key(pki::public_key_of(key));
  if (context.options.json) {
    context.out.document({{"ok", match},
                          {"match", match},
                          {"certificate", {{"file", cert_name}, {"public_key", key_json(cert_key)}}},
                          {"key", {{"file", key_name}, {"kind", pki::kind_name(key.kind)}, {"public_key", key_json(key_key)}}}});
  } else if (match) {
    context.out.result(fmt::format("match: {} ({}) belongs to {} ({})", cert_name, cert_key.summary(), key_name, key_key.summary()));
  } else {
    context.out.result(fmt::format("MISMATCH: {} ({}, public key {}) does not belong to {} ({}, public key {})", cert_name,
                                   cert_key.summary(), cert_key.public_key_sha256, key_name, key_key.summary(),
                                   key_key.public_key_sha256));
  }
  if (!match) {
    std::fflush(stdout);  // the verdict line first, then the error line, also when both are piped
    context.out.error(fmt::format("{}: public key does not match {}", cert_name, key_name));
    context.exit_code = exit_code(ErrorKind::Mismatch);
  }
}

}  // namespace

void setup_inspect(CLI::App& app, Context& context) {
  auto args = std::make_shared<InspectArgs>();
  auto* command = app.add_subcommand(
      "inspect", "Say what certificate, key or CSR files are; --match checks that a certificate belongs to a key");
  command->add_option("files", args->files, "Files to inspect (PEM or DER; - reads stdin); with --match: CERT KEY")->required()->type_name("FILE");
  command->add_flag("--match", args->match,
                    "Check that CERT's public key belongs to KEY (a private key, public key, certificate or CSR); "
                    "exit 7 when it does not");
  add_passphrase_options(command, args->passphrase);
  command->footer(
      "Examples:\n"
      "  fwprov inspect device.crt.pem privatekey.der csk.der\n"
      "  fwprov --json inspect cert.der\n"
      "  fwprov inspect --match cert.der privatekey.der\n"
      "A certificate that has expired or is not valid yet gets a warning line on stderr.\n"
      "Exit codes: 3 bad input, 4 unreadable file, 5 passphrase or unsupported key, 7 --match mismatch.\n"
      "See docs/inspect.md.");
  command->callback([&context, args] {
    if (args->match) {
      match_files(context, *args);
    } else {
      inspect_files(context, *args);
    }
  });
}

}  // namespace fwprov::cli
