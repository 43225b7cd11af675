// `fwprov sign`: sign one or many files in one process, in the format the target expects.
#include <fmt/core.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/sign/aws_ota.hpp"
#include "fwprov/sign/espsecure.hpp"
#include "fwprov/sign/file_digest.hpp"
#include "fwprov/sign/format.hpp"
#include "fwprov/sign/nxp.hpp"
#include "fwprov/sign/signer.hpp"
#include "signing_support.hpp"

namespace fwprov::cli {
namespace {

namespace fs = std::filesystem;
using sign::RsaScheme;

enum class SignFormat { Der, Base64, AwsOta, Nxp, EspSbv1, EspSbv2 };

struct SignCommandOptions {
  std::vector<std::string> files;
  std::vector<std::string> keys;
  std::string format;
  std::string output;
  std::string outdir;
  std::string certificate;
  std::string bundle_certificate;
  std::string scheme;
  std::string certificate_name = sign::format::kAwsDefaultCertificateName;
  std::vector<std::string> public_keys;  // pre-computed signatures (HSM flow): --pub-key + --signature
  std::vector<std::string> signatures;
  bool deterministic = false;
  bool append = false;
  signing::KeyOptions key_options;  // passphrase, PKCS#11 module/PIN, --hsm-config
};

SignFormat parse_format(const std::string& text) {
  if (text == "der") return SignFormat::Der;
  if (text == "base64") return SignFormat::Base64;
  if (text == "aws-ota") return SignFormat::AwsOta;
  if (text == "nxp") return SignFormat::Nxp;
  if (text == "esp-sbv1") return SignFormat::EspSbv1;
  if (text == "esp-sbv2") return SignFormat::EspSbv2;
  throw Error(ErrorKind::Usage, SourceLocation{"--format"}, "unknown format '" + text + "'");
}

[[noreturn]] void usage(const std::string& message) { throw Error(ErrorKind::Usage, message); }

// Option combinations that make no sense for the chosen format are refused, not ignored.
RsaScheme check_combinations(const SignCommandOptions& options, SignFormat format) {
  const std::size_t key_count = options.keys.size() + (options.key_options.hsm_config.empty() ? 0 : 1);
  const bool precomputed = !options.signatures.empty() || !options.public_keys.empty();
  if (precomputed) {
    if (format != SignFormat::EspSbv1 && format != SignFormat::EspSbv2)
      usage("--pub-key/--signature (pre-computed signatures) are only accepted with --format esp-sbv1 or esp-sbv2");
    if (key_count != 0) usage("give either --key (sign here) or --pub-key with --signature (signed elsewhere), not both");
    if (options.public_keys.size() != options.signatures.size())
      usage("one --pub-key per --signature: " + std::to_string(options.public_keys.size()) + " --pub-key, " +
            std::to_string(options.signatures.size()) + " --signature");
    if (options.files.size() != 1) usage("a pre-computed signature belongs to one file: give exactly one input");
    if (format == SignFormat::EspSbv1 && options.signatures.size() != 1) usage("secure boot v1 takes one signature");
    if (!options.certificate.empty() || options.deterministic || !options.scheme.empty())
      usage("--cert, --deterministic and --scheme apply to signing here with --key, not to pre-computed signatures");
  } else if (key_count == 0) {
    usage("--key (a key file or a pkcs11: URI) or --hsm-config is required (or --pub-key with --signature for signatures made elsewhere, e.g. by an HSM)");
  }
  if (key_count > 1 && format != SignFormat::EspSbv2) usage("several --key are only accepted with --format esp-sbv2");
  if (std::max(key_count, options.signatures.size()) > sign::format::kSbv2MaxBlocks) usage("at most three --key (a secure boot v2 sector holds three blocks)");
  if (options.append && format != SignFormat::EspSbv2) usage("--append is only accepted with --format esp-sbv2");
  if (!options.bundle_certificate.empty() && format != SignFormat::Nxp) usage("--bundle is only accepted with --format nxp");
  if (!options.output.empty() && options.files.size() > 1) usage("-o names one output: with several input files use --outdir");
  if (!options.output.empty() && format == SignFormat::Nxp) usage("--format nxp writes several files: use --outdir instead of -o");
  if (!options.certificate.empty() && key_count > 1) usage("--cert checks a single --key");
  if (options.certificate_name != sign::format::kAwsDefaultCertificateName && format != SignFormat::AwsOta)
    usage("--cert-path-on-device is only accepted with --format aws-ota");
  if (options.scheme.empty()) return format == SignFormat::EspSbv2 ? RsaScheme::Pss : RsaScheme::Pkcs1;
  RsaScheme scheme = options.scheme == "pss" ? RsaScheme::Pss : RsaScheme::Pkcs1;
  if (format == SignFormat::EspSbv1) usage("--scheme does not apply to esp-sbv1 (ECDSA only)");
  if (format == SignFormat::EspSbv2 && scheme != RsaScheme::Pss) usage("secure boot v2 RSA blocks are always RSA-PSS: drop --scheme pkcs1");
  if ((format == SignFormat::AwsOta || format == SignFormat::Nxp) && scheme != RsaScheme::Pkcs1)
    usage(std::string("--format ") + options.format + " uses RSA PKCS#1 v1.5 (what the device verifies): drop --scheme pss");
  return scheme;
}

struct Planned {
  fs::path input;
  std::vector<fs::path> outputs;
  std::uint64_t size = 0;
};

fs::path folder_for(const SignCommandOptions& options, const fs::path& input) {
  return options.outdir.empty() ? input.parent_path() : fs::path(options.outdir);
}

std::vector<fs::path> outputs_for(const SignCommandOptions& options, SignFormat format, const fs::path& input) {
  if (!options.output.empty()) return {fs::path(options.output)};
  fs::path folder = folder_for(options, input);
  std::string name = input.filename().string();
  switch (format) {
    case SignFormat::Der: return {folder / (name + ".sig")};
    case SignFormat::Base64: return {folder / (name + ".sig.b64")};
    case SignFormat::AwsOta: return {folder / (name + ".ota.json")};
    case SignFormat::Nxp: {
      std::vector<fs::path> out{folder / (name + sign::format::kNxpSignatureSuffix), folder / (name + sign::format::kNxpSignatureTextSuffix)};
      if (!options.bundle_certificate.empty()) out.push_back(folder / (sign::format::kNxpBundlePrefix + name));
      return out;
    }
    case SignFormat::EspSbv1:
    case SignFormat::EspSbv2:
      return {folder / (input.stem().string() + ".signed" + input.extension().string())};
  }
  return {};
}

// Time spent in each phase, reported with --json so a batch's signing rate can be told apart
// from the cost of reading inputs and creating output files. CPU time is what `openssl speed`
// reports by default; wall time is what a user waits.
struct PhaseTime {
  double wall = 0;
  double cpu = 0;
  nlohmann::json to_json() const { return {{"wall_seconds", wall}, {"cpu_seconds", cpu}}; }
};

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

template <typename F>
auto timed(PhaseTime& phase, F&& work) {
  struct Add {
    PhaseTime& phase;
    std::chrono::steady_clock::time_point wall_start = std::chrono::steady_clock::now();
    double cpu_start = thread_cpu_seconds();
    ~Add() {
      phase.wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
      phase.cpu += thread_cpu_seconds() - cpu_start;
    }
  } add{phase};
  return work();
}

struct LoadedKey {
  std::string path;  // the file, the URI (PIN hidden) or the --hsm-config file
  pki::PrivateKey key;
};

// espsecure's --pub-key + --signature: the signatures were made elsewhere (an HSM) over the
// input as it is; they are verified, then put into the same output an own key would give.
void run_sign_precomputed(const SignCommandOptions& options, SignFormat format, Context& context) {
  const std::string& input_name = options.files.front();
  fs::path output = outputs_for(options, format, input_name).front();
  std::vector<pki::PkeyPtr> public_keys;
  std::vector<sign::espsecure::PrecomputedSignature> signatures;
  for (std::size_t i = 0; i < options.signatures.size(); ++i) {
    public_keys.push_back(pki::load_public_key_file(options.public_keys[i]));
    signatures.push_back({public_keys.back().get(), read_file(options.signatures[i]), options.signatures[i]});
  }
  Bytes input = read_file(input_name);
  Warnings warnings(context.out.warning_sink());
  Bytes signed_image = format == SignFormat::EspSbv1
                           ? sign::espsecure::sbv1_sign_precomputed(input, signatures.front())
                           : sign::espsecure::sbv2_sign_precomputed(input, signatures, options.append, input_name, &warnings);
  nlohmann::json key_list = nlohmann::json::array();
  for (std::size_t i = 0; i < public_keys.size(); ++i) {
    nlohmann::json entry = {{"file", options.public_keys[i]}, {"signature", options.signatures[i]}, {"key", sign::key_info(public_keys[i].get()).describe()}};
    if (format == SignFormat::EspSbv2) entry["sbv2_public_key_digest"] = to_hex(sign::espsecure::sbv2_public_key_digest(public_keys[i].get()));
    key_list.push_back(entry);
  }
  write_file_atomic(output, signed_image);
  if (context.out.json()) {
    context.out.document({{"ok", true}, {"format", options.format}, {"keys", key_list}, {"files", nlohmann::json::array({{{"input", input_name}, {"outputs", {output.string()}}}})}});
    return;
  }
  context.out.result(fmt::format("{} -> {}", input_name, output.string()));
  for (const auto& entry : key_list) {
    std::string line = fmt::format("signature {} verified with {} ({})", entry["signature"].get<std::string>(), entry["file"].get<std::string>(),
                                   entry["key"].get<std::string>());
    if (entry.contains("sbv2_public_key_digest"))
      line += ", secure boot v2 public key digest " + entry["sbv2_public_key_digest"].get<std::string>();
    context.out.note(line);
  }
}

void run_sign(const SignCommandOptions& options, Context& context) {
  const SignFormat format = parse_format(options.format);
  const RsaScheme scheme = check_combinations(options, format);
  if (!options.outdir.empty()) signing::ensure_parent(fs::path(options.outdir) / "x");
  if (!options.output.empty()) signing::ensure_parent(options.output);
  if (!options.signatures.empty()) {
    run_sign_precomputed(options, format, context);
    return;
  }

  // Plan every output first: duplicates and missing inputs fail before anything is signed.
  std::vector<Planned> plan;
  std::set<fs::path> seen_outputs;
  std::uint64_t total_bytes = 0;
  for (const auto& file : options.files) {
    std::error_code ec;
    auto size = fs::file_size(file, ec);
    if (ec) throw Error(ErrorKind::Io, SourceLocation{file}, "cannot read input: " + ec.message());
    total_bytes += size;
    Planned planned{file, outputs_for(options, format, file), size};
    for (const auto& output : planned.outputs)
      if (!seen_outputs.insert(fs::absolute(output).lexically_normal()).second)
        usage("two inputs would write the same output " + output.string() + " (input names must differ with --outdir)");
    plan.push_back(std::move(planned));
  }

  // Keys are loaded and checked once; each signer keeps its OpenSSL context for the batch.
  // A token key logs in here, once for the whole batch.
  std::vector<LoadedKey> keys;
  for (const auto& path : options.keys) {
    pki::PrivateKey key = options.key_options.load(path, context);
    keys.push_back({key.origin(), key});
  }
  if (!options.key_options.hsm_config.empty()) keys.push_back({options.key_options.hsm_config, options.key_options.load_hsm_config(context)});
  std::vector<sign::Signer> signers;
  for (const auto& loaded : keys) {
    sign::SignOptions sign_options{scheme, options.deterministic, format == SignFormat::EspSbv2};
    signers.emplace_back(loaded.key, sign_options);
    if (format == SignFormat::EspSbv2) sign::espsecure::sbv2_require_key(signers.back().info(), loaded.path);
  }
  const sign::KeyInfo& info = signers.front().info();
  if (!options.certificate.empty()) {
    pki::X509Ptr certificate = pki::load_certificate_file(options.certificate);
    sign::require_certificate_matches_key(keys.front().key.public_key(), certificate.get(), keys.front().path, options.certificate);
  }
  Bytes bundle_certificate;
  if (!options.bundle_certificate.empty()) {
    pki::X509Ptr certificate = pki::load_certificate_file(options.bundle_certificate);
    sign::require_certificate_matches_key(keys.front().key.public_key(), certificate.get(), keys.front().path, options.bundle_certificate);
    bundle_certificate = read_file(options.bundle_certificate);
    if (!pki::looks_like_pem(bundle_certificate))
      throw Error(ErrorKind::Input, SourceLocation{options.bundle_certificate}, "the bundle carries the certificate as PEM; this file is DER");
  }
  if (format == SignFormat::AwsOta && !info.is_rsa() && info.curve != "P-256")
    context.out.warning({SourceLocation{keys.front().path}, "AWS IoT OTA on the ESP32 verifies ECDSA P-256 signatures; this key is " + info.describe()});
  if (format == SignFormat::Nxp && !info.is_rsa())
    context.out.warning({SourceLocation{keys.front().path}, "NXP devices expect an RSA signature; this key is " + info.describe()});

  ProgressFn progress = total_bytes >= (64u << 20) ? context.out.progress("signing") : ProgressFn{};
  std::uint64_t done_before = 0;
  sign::FileHasher hasher;
  OutputBatch batch;
  PhaseTime hash_time, sign_time, write_time;
  nlohmann::json results = nlohmann::json::array();
  for (const Planned& planned : plan) {
    const std::string input_name = planned.input.string();
    nlohmann::json result = {{"input", input_name}};
    auto file_progress = progress ? ProgressFn([&](std::uint64_t done, std::uint64_t) { progress(done_before + done, total_bytes); })
                                  : ProgressFn{};
    switch (format) {
      case SignFormat::Der:
      case SignFormat::Base64:
      case SignFormat::AwsOta:
      case SignFormat::Nxp: {
        Bytes input_bytes;
        Bytes digest;
        if (format == SignFormat::Nxp && !bundle_certificate.empty()) {
          input_bytes = read_file(planned.input);
          digest = sign::digest_bytes(sign::HashAlgorithm::Sha256, input_bytes);
        } else {
          digest = timed(hash_time, [&] { return hasher.digest_file(planned.input, file_progress); });
        }
        Bytes signature = timed(sign_time, [&] { return signers.front().sign_digest(digest); });
        std::string text = to_base64(signature);
        result["sha256"] = to_hex(digest);
        result["signature_base64"] = text;
        if (format == SignFormat::Der) {
          batch.add(planned.outputs[0], std::move(signature));
        } else if (format == SignFormat::Base64) {
          batch.add(planned.outputs[0], to_bytes(text));
        } else if (format == SignFormat::AwsOta) {
          batch.add(planned.outputs[0], to_bytes(sign::aws::custom_code_signing_json(signature, info, options.certificate_name)));
          result["job_document_key"] = sign::aws::job_document_key(info);
        } else {
          batch.add(planned.outputs[0], signature);
          batch.add(planned.outputs[1], to_bytes(text));
          if (!bundle_certificate.empty()) {
            batch.add(planned.outputs[2], sign::nxp::bundle(input_bytes, bundle_certificate, options.bundle_certificate));
            result["bundle_padding"] = sign::nxp::bundle_padding(bundle_certificate.size());
          }
        }
        break;
      }
      case SignFormat::EspSbv1: {
        Bytes input_bytes = read_file(planned.input);
        batch.add(planned.outputs[0], sign::espsecure::sbv1_sign(input_bytes, signers.front(), keys.front().path));
        result["signed_bytes"] = input_bytes.size();
        break;
      }
      case SignFormat::EspSbv2: {
        Bytes input_bytes = read_file(planned.input);
        std::vector<sign::Signer*> pointers;
        for (auto& signer : signers) pointers.push_back(&signer);
        Warnings warnings(context.out.warning_sink());
        Bytes signed_image = sign::espsecure::sbv2_sign(input_bytes, pointers, options.append, input_name, &warnings);
        result["padded_bytes"] = signed_image.size() - sign::format::kSbv2SectorSize;
        batch.add(planned.outputs[0], std::move(signed_image));
        break;
      }
    }
    done_before += planned.size;
    nlohmann::json outputs = nlohmann::json::array();
    for (const auto& output : planned.outputs) outputs.push_back(output.string());
    result["outputs"] = outputs;
    results.push_back(std::move(result));
  }
  timed(write_time, [&] {
    batch.commit();
    return 0;
  });

  nlohmann::json key_list = nlohmann::json::array();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    nlohmann::json entry = {{"file", keys[i].path}, {"key", signers[i].info().describe()}};
    if (format == SignFormat::EspSbv2) entry["sbv2_public_key_digest"] = to_hex(sign::espsecure::sbv2_public_key_digest(keys[i].key.public_key()));
    key_list.push_back(entry);
  }
  if (context.out.json()) {
    nlohmann::json timing = {{"hash", hash_time.to_json()}, {"sign", sign_time.to_json()}, {"write", write_time.to_json()}};
    context.out.document({{"ok", true}, {"format", options.format}, {"keys", key_list}, {"files", results}, {"timing", timing}});
    return;
  }
  for (const auto& result : results) {
    std::string outputs;
    for (const auto& output : result["outputs"]) outputs += (outputs.empty() ? "" : ", ") + output.get<std::string>();
    context.out.result(fmt::format("{} -> {}", result["input"].get<std::string>(), outputs));
  }
  for (const auto& entry : key_list) {
    std::string line = fmt::format("signed with {} ({})", entry["file"].get<std::string>(), entry["key"].get<std::string>());
    if (entry.contains("sbv2_public_key_digest"))
      line += ", secure boot v2 public key digest " + entry["sbv2_public_key_digest"].get<std::string>();
    context.out.note(line);
  }
  if (format == SignFormat::AwsOta) context.out.note("device job document key: " + sign::aws::job_document_key(info));
}

}  // namespace

void setup_sign(CLI::App& app, Context& context) {
  auto options = std::make_shared<SignCommandOptions>();
  auto* command = app.add_subcommand("sign", "Sign firmware files: DER/base64 signatures, AWS IoT OTA, NXP sign_me.py, espsecure v1/v2");
  command->add_option("files", options->files, "Files to sign (many in one call: the key is loaded once)")->required()->type_name("FILE...");
  command->add_option("-k,--key", options->keys,
                      "Private key: a file (PEM or DER, RSA >= 2048 or EC P-256/P-384) or a pkcs11: URI (docs/pkcs11.md);\n"
                      "esp-sbv2 takes up to three")
      ->allow_extra_args(false)
      ->type_name("KEY");
  command->add_option("--pub-key", options->public_keys,
                      "esp-sbv1/esp-sbv2 with a signature made elsewhere (HSM): the public key of each --signature, in the same order")
      ->allow_extra_args(false)
      ->type_name("PUB");
  command->add_option("--signature", options->signatures,
                      "Signature made elsewhere over the input as it is (v2: input already a multiple of 4096 bytes): esp-sbv1 raw r||s\n"
                      "(64 bytes); esp-sbv2 RSA-3072 raw PSS (salt 32) or ECDSA DER. Verified before use, as espsecure does")
      ->allow_extra_args(false)
      ->type_name("SIG");
  command->add_option("-f,--format", options->format,
                      "der: DER signature (FILE.sig); base64: one line, no newline (FILE.sig.b64);\n"
                      "aws-ota: customCodeSigning JSON for aws iot create-ota-update (FILE.ota.json);\n"
                      "nxp: FILE.sha256 (raw) + FILE.sha256.txt (base64) as sign_me.py, bundle.FILE with --bundle;\n"
                      "esp-sbv1 / esp-sbv2: espsecure secure boot v1 / v2 signed image (STEM.signed.EXT)")
      ->required()
      ->check(CLI::IsMember({"der", "base64", "aws-ota", "nxp", "esp-sbv1", "esp-sbv2"}));
  auto* output = command->add_option("-o,--output", options->output, "Output file (one input file only)")->type_name("OUT");
  auto* outdir = command->add_option("--outdir", options->outdir, "Folder for the outputs (default: beside each input)")->type_name("DIR");
  output->excludes(outdir);
  command->add_option("--cert", options->certificate, "Signer certificate: refuse to sign when it does not belong to --key")->type_name("CERT");
  command->add_option("--bundle", options->bundle_certificate, "nxp: also write bundle.FILE with this certificate PEM appended")->type_name("CERT.pem");
  command->add_option("--scheme", options->scheme, "RSA padding: pkcs1 (PKCS#1 v1.5, default) or pss (der/base64; esp-sbv2 is always pss)")
      ->check(CLI::IsMember({"pkcs1", "pss"}));
  command->add_flag("--deterministic", options->deterministic, "ECDSA nonces per RFC 6979: re-signing gives identical bytes (esp-sbv1 always is)");
  command->add_flag("--append", options->append, "esp-sbv2: add blocks to an already signed image, keeping its valid blocks");
  command->add_option("--cert-path-on-device", options->certificate_name,
                      "aws-ota: certificateChain.certificateName, the code-signing certificate's path/label on the device")
      ->capture_default_str();
  options->key_options.add_to(command, "of an encrypted key");
  options->key_options.add_hsm_config_to(command, "one more key");
  command->footer(
      "Examples:\n"
      "  fwprov sign firmware.bin --key csk.key.pem --cert csk.crt.pem --format aws-ota\n"
      "  fwprov sign build/*.bin --key release.key.pem --format der --outdir signatures/\n"
      "  fwprov sign app.bin --key prod.app.a.key.pem --passphrase-env SIGN_PASS --format nxp --bundle prod.app.a.crt.pem --outdir output\n"
      "  fwprov sign bootloader.bin --key sbv2_a.pem --key sbv2_b.pem --format esp-sbv2 -o bootloader-signed.bin\n"
      "  fwprov sign padded.bin --pub-key hsm_pub.pem --signature hsm.sig --format esp-sbv2 -o signed.bin   # HSM flow\n"
      "  fwprov sign build/*.bin --key 'pkcs11:token=factory;object=ota-signer?pin-source=file:/run/pin' \\\n"
      "      --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --format aws-ota --outdir signed/   # key in an HSM\n"
      "Outputs of a run are written all-or-nothing. Hashes are SHA-256 over the whole file, streamed\n"
      "(esp-sbv2 with a P-384 key: SHA-384 of the padded image, as espsecure).");
  command->callback([options, &context] { run_sign(*options, context); });
}

}  // namespace fwprov::cli
