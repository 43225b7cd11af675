// `fwprov secure-cert generate|parse`: the esp_secure_cert partition (device certificate, key,
// DS data, user TLVs), as configure_esp_secure_cert.py --skip_flash builds it and --parse_bin
// takes it apart. Generating never needs a port.
#include <fmt/core.h>

#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/core/secret.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/secure_cert/export.hpp"
#include "fwprov/secure_cert/generate.hpp"
#include "fwprov/secure_cert/partition.hpp"
#include "fwprov/secure_cert/peripheral_keys.hpp"
#include "pki_passphrase_options.hpp"

namespace fwprov::cli {
namespace {

namespace fs = std::filesystem;
using namespace fwprov::secure_cert;

struct SecureCertGenerateArgs {
  std::string ca_cert, device_cert, private_key, csv, target_chip = "esp32c3";
  bool secure_sign = false, configure_ds = false, skip_flash = false;
  std::string signing_scheme = "rsa3072";
  std::vector<std::string> signing_keys;
  std::vector<std::string> priv_key_algo;
  int efuse_key_id = -1;
  std::string efuse_key_file, output = "esp_secure_cert_data/esp_secure_cert.bin", append_integrity;
  std::string password_on_command_line;  // the tool's --pwd: refused, secrets never on argv
  PassphraseOptions passphrase;
};

nlohmann::json output_entry(const fs::path& path, ByteView data, const char* kind) {
  return {{"path", path.string()}, {"size", data.size()}, {"sha256", to_hex(sha256(data))}, {"kind", kind}};
}

void ensure_folder_of(const fs::path& path) {
  const fs::path parent = path.parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw Error(ErrorKind::Io, SourceLocation{parent.string()}, "cannot create folder: " + ec.message());
}

void run_append_integrity(Context& context, const SecureCertGenerateArgs& args) {
  const Bytes input = read_file(args.append_integrity);
  const AppendedIntegrity appended = append_integrity(input, args.append_integrity);
  const fs::path target = args.output.empty() ? fs::path(args.append_integrity) : fs::path(args.output);
  write_file_atomic(target, appended.file);
  if (context.options.json)
    return context.out.document({{"ok", true}, {"integrity_subtype", appended.subtype}, {"integrity_offset", appended.tlv_offset},
                                 {"outputs", nlohmann::json::array({output_entry(target, appended.file, "esp-secure-cert")})}});
  context.out.result(fmt::format("{}: integrity TLV (subtype {}) appended at 0x{:x}, {} bytes", target.string(), appended.subtype,
                                 appended.tlv_offset, appended.file.size()));
}

// The command-line certificate and key come before the CSV's rows, as in the tool.
std::vector<EntrySpec> command_line_entries(const SecureCertGenerateArgs& args) {
  std::vector<EntrySpec> entries;
  auto file_entry = [](std::uint8_t type, const std::string& path, const char* option) {
    EntrySpec e;
    e.type = type;
    e.value = path;
    e.data_type = DataType::File;
    e.where = SourceLocation{{}, 0, 0, option};
    return e;
  };
  if (!args.ca_cert.empty()) add_entry(entries, file_entry(tlv_type::kCaCert, args.ca_cert, "--ca-cert"));
  if (!args.device_cert.empty()) add_entry(entries, file_entry(tlv_type::kDevCert, args.device_cert, "--device-cert"));
  if (!args.private_key.empty()) {
    EntrySpec key = file_entry(tlv_type::kPrivKey, args.private_key, "--private-key");
    key.key_mode = KeyMode::Plaintext;
    if (args.configure_ds) {
      if (args.priv_key_algo.size() != 2) throw Error(ErrorKind::Usage, "--configure_ds needs --priv_key_algo ALGORITHM BITS (RSA 2048, ECDSA 256, ...)");
      key.algorithm = args.priv_key_algo[0];
      for (char& c : key.algorithm) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (key.algorithm != "RSA" && key.algorithm != "ECDSA") throw Error(ErrorKind::Usage, "--priv_key_algo takes RSA or ECDSA, not '" + args.priv_key_algo[0] + "'");
      const auto bits = parse_unsigned(args.priv_key_algo[1]);
      if (!bits || *bits == 0 || *bits > 8192) throw Error(ErrorKind::Usage, "--priv_key_algo: '" + args.priv_key_algo[1] + "' is not a key size in bits");
      key.key_size = static_cast<unsigned>(*bits);
      key.key_mode = key.algorithm == "RSA" ? KeyMode::RsaDs : KeyMode::EcdsaPeripheral;
      if (key.key_mode == KeyMode::RsaDs) require_rsa_ds(args.target_chip, key.key_size);
      else require_ecdsa_peripheral(args.target_chip, key.key_size);
      if (args.efuse_key_id < 0) throw Error(ErrorKind::Usage, "--configure_ds needs --efuse_key_id (0..5, the BLOCK_KEYn that holds the key)");
      key.efuse_id = static_cast<unsigned>(args.efuse_key_id);
      key.efuse_key_file = args.efuse_key_file;
    }
    add_entry(entries, std::move(key));
  } else if (args.configure_ds) {
    throw Error(ErrorKind::Usage, "--configure_ds needs --private-key (the key the peripheral will hold)");
  }
  return entries;
}

void run_secure_cert_generate(Context& context, const SecureCertGenerateArgs& args) {
  if (!args.password_on_command_line.empty())
    throw Error(ErrorKind::Usage, "--pwd: fwprov never takes a passphrase on the command line (shell history, ps); "
                                  "use --passphrase-env VAR or --passphrase-file FILE");
  if (!args.append_integrity.empty()) return run_append_integrity(context, args);
  require_supported_chip(args.target_chip);
  GenerateRequest request;
  request.target_chip = args.target_chip;
  request.entries = command_line_entries(args);
  if (!args.csv.empty()) {
    for (auto& entry : read_entries_csv(read_text_file(args.csv), args.csv)) add_entry(request.entries, std::move(entry));
    request.csv_folder = fs::path(args.csv).parent_path();
  }
  request.key_passphrase = args.passphrase.source();
  std::vector<pki::PkeyPtr> signing_keys;
  if (args.secure_sign) {
    request.signing_scheme = parse_signing_scheme(args.signing_scheme);
    if (args.signing_keys.empty()) throw Error(ErrorKind::Usage, "--secure-sign needs --signing-key-file KEY (the secure boot v2 signing key)");
    for (const auto& path : args.signing_keys) {
      signing_keys.push_back(pki::load_private_key_file(path, request.key_passphrase));
      request.signing_keys.push_back({signing_keys.back().get(), path});
    }
  }
  const GenerateResult result = generate_partition(request);

  const fs::path output(args.output);
  const fs::path folder = output.parent_path();
  ensure_folder_of(output);
  OutputBatch batch;
  nlohmann::json outputs = nlohmann::json::array();
  batch.add(output, result.partition);
  outputs.push_back(output_entry(output, result.partition, "esp-secure-cert"));
  if (result.signed_partition) {
    const fs::path signed_path = folder / (output.stem().string() + "_signed" + output.extension().string());
    batch.add(signed_path, *result.signed_partition);
    outputs.push_back(output_entry(signed_path, *result.signed_partition, "esp-secure-cert-signed"));
  }
  if (result.ecdsa_key) {
    const fs::path key_path = folder / "ecdsa_key.bin";
    outputs.push_back(output_entry(key_path, result.ecdsa_key->view(), "ecdsa-efuse-key"));
    batch.add(key_path, result.ecdsa_key->bytes(), FileMode::Secret);
  }
  if (result.new_hmac_key) {
    const fs::path key_path = folder / "hmac_key.bin";
    outputs.push_back(output_entry(key_path, result.new_hmac_key->view(), "ds-hmac-key"));
    batch.add(key_path, result.new_hmac_key->bytes(), FileMode::Secret);
  }
  batch.commit();
  if (context.options.json) return context.out.document({{"ok", true}, {"target_chip", args.target_chip}, {"outputs", outputs}});
  for (const auto& o : outputs) context.out.result(fmt::format("{}: {} ({} bytes)", o["path"].get<std::string>(), o["kind"].get<std::string>(), o["size"].get<std::size_t>()));
  if (result.signed_partition)
    context.out.note("note: the signature in the unsigned-layout file covers the other layout (as the reference tool); see docs/secure-cert.md");
  if (result.ecdsa_key)
    context.out.note(fmt::format("burn it: fwprov efuse burn-key BLOCK_KEY{} {} ECDSA_KEY", args.efuse_key_id, (folder / "ecdsa_key.bin").string()));
  if (result.new_hmac_key)
    context.out.note(fmt::format("burn it: fwprov efuse burn-key BLOCK_KEY{} {} HMAC_DOWN_DIGITAL_SIGNATURE", args.efuse_key_id, (folder / "hmac_key.bin").string()));
}

struct SecureCertParseArgs {
  std::string input, outdir = "esp_secure_cert_parsed_data";
  bool force = false;
};

void run_secure_cert_parse(Context& context, const SecureCertParseArgs& args) {
  const Bytes data = read_file(args.input);
  const PartitionExport exported = export_partition(data, args.input);
  const fs::path outdir(args.outdir);
  std::error_code ec;
  if (fs::exists(outdir, ec) && !fs::is_empty(outdir, ec) && !args.force)
    throw Error(ErrorKind::Usage, SourceLocation{args.outdir}, "output folder is not empty (use --force to write into it)");
  fs::create_directories(outdir / "contents", ec);
  if (ec) throw Error(ErrorKind::Io, SourceLocation{args.outdir}, "cannot create folder: " + ec.message());
  OutputBatch batch;
  nlohmann::json outputs = nlohmann::json::array();
  for (const auto& file : exported.files) {
    const fs::path path = outdir / file.path;
    outputs.push_back(output_entry(path, file.data, file.path == kParsedCsvName ? "csv" : file.path == kRawDumpName ? "text" : "tlv-content"));
    batch.add(path, file.data, file.secret ? FileMode::Secret : FileMode::Public);
  }
  batch.commit();
  if (context.options.json) {
    nlohmann::json tlvs = nlohmann::json::array();
    for (const auto& t : exported.parsed.tlvs)
      tlvs.push_back({{"offset", t.offset}, {"type", t.tlv.type}, {"subtype", t.tlv.subtype}, {"flags", t.tlv.flags},
                      {"length", t.tlv.data.size()}, {"crc_ok", t.crc_ok}});
    return context.out.document({{"ok", true}, {"tlvs", tlvs}, {"tlv_end", exported.parsed.end}, {"csv_rows", exported.csv_rows},
                                 {"not_in_csv", exported.not_in_csv}, {"outputs", outputs}});
  }
  context.out.result(fmt::format("{}: {} TLVs, {} CSV rows -> {}", args.input, exported.parsed.tlvs.size(), exported.csv_rows,
                                 (outdir / kParsedCsvName).string()));
  for (const auto& skipped : exported.not_in_csv) context.out.note("not in the CSV (regenerated or not reproducible): " + skipped);
}

}  // namespace

void setup_secure_cert(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("secure-cert", "esp_secure_cert partition: generate it (configure_esp_secure_cert.py) or take it apart");
  command->require_subcommand(1);

  auto g = std::make_shared<SecureCertGenerateArgs>();
  auto* generate = command->add_subcommand("generate", "Build an esp_secure_cert partition (TLV format) from certificates, keys and a CSV");
  generate->add_option("--ca-cert", g->ca_cert, "CA certificate (PEM or DER) -> TLV type 0")->type_name("CERT");
  generate->add_option("--device-cert", g->device_cert, "Device certificate (PEM or DER) -> TLV type 1")->type_name("CERT");
  generate->add_option("--private-key", g->private_key, "Device private key (PEM or DER, any encoding) -> TLV type 2 (traditional form)")->type_name("KEY");
  generate->add_option("--esp_secure_cert_csv,--esp-secure-cert-csv", g->csv, "More TLVs, one per row (see docs/secure-cert.md)")->type_name("CSV");
  generate->add_option("--target_chip,--target-chip", g->target_chip, "Chip: esp32, esp32s2, esp32s3, esp32c3 (default), esp32c5, esp32c6, esp32c61, esp32h2, esp32p4")
      ->type_name("CHIP");
  generate->add_flag("--secure-sign", g->secure_sign, "Add signature block TLVs made with the secure boot v2 key (also writes OUT_signed.bin)");
  generate->add_option("--signing-scheme", g->signing_scheme, "rsa3072 (default), ecdsa192, ecdsa256 or ecdsa384")->type_name("SCHEME");
  generate->add_option("--signing-key-file", g->signing_keys, "Secure boot v2 private key(s), one signature TLV each")->type_name("KEY");
  generate->add_flag("--configure_ds,--configure-ds", g->configure_ds, "Key for the DS (RSA) or ECDSA peripheral instead of the partition");
  generate->add_option("--priv_key_algo,--priv-key-algo", g->priv_key_algo, "With --configure_ds: RSA BITS or ECDSA BITS")->expected(2)->type_name("ALGO BITS");
  generate->add_option("--efuse_key_id,--efuse-key-id", g->efuse_key_id, "With --configure_ds: the BLOCK_KEYn (0..5) holding the HMAC/ECDSA key")
      ->check(CLI::Range(0, 5))->type_name("ID");
  generate->add_option("--efuse_key_file,--efuse-key-file", g->efuse_key_file, "RSA DS: the 32-byte HMAC key burned to eFuse (default: a new random one, written as hmac_key.bin)")
      ->type_name("FILE");
  generate->add_flag("--skip_flash,--skip-flash", g->skip_flash, "Accepted for compatibility: fwprov secure-cert never flashes (use fwprov flash)");
  generate->add_option("-o,--output", g->output, "Partition file to write (default esp_secure_cert_data/esp_secure_cert.bin)")->type_name("OUT.bin");
  generate->add_option("--append-integrity", g->append_integrity, "Instead: append an integrity TLV to this existing partition file (in place, or to -o)")
      ->type_name("FILE");
  add_passphrase_options(generate, g->passphrase);
  generate->add_option("--pwd,--password", g->password_on_command_line, "Refused: use --passphrase-env or --passphrase-file")
      ->type_name("PASS");
  generate->footer(
      "Examples:\n"
      "  fwprov secure-cert generate --ca-cert ca.pem --device-cert dev.pem --private-key dev.key --target_chip esp32c3 -o esp_secure_cert.bin\n"
      "  fwprov secure-cert generate --esp_secure_cert_csv tlvs.csv --target_chip esp32s3 --skip_flash -o esp_secure_cert.bin\n"
      "  fwprov secure-cert generate --device-cert dev.pem --private-key dev_rsa.key --configure_ds --priv_key_algo RSA 2048 \\\n"
      "      --efuse_key_id 2 --efuse_key_file hmac_key.bin --target_chip esp32c3 -o esp_secure_cert.bin\n"
      "Flash it to the esp_secure_cert partition (0xD000 in Espressif's examples). Exit codes: 2 usage, 3 bad\n"
      "input (duplicate TLV, CSV row, partition over 8 KiB), 4 I/O, 5 key problems. See docs/secure-cert.md.");
  generate->callback([&context, g] {
    if (!g->append_integrity.empty() && g->output == "esp_secure_cert_data/esp_secure_cert.bin") g->output.clear();
    run_secure_cert_generate(context, *g);
  });

  auto p = std::make_shared<SecureCertParseArgs>();
  auto* parse = command->add_subcommand("parse", "Take an esp_secure_cert partition apart: files, a CSV that regenerates it, a TLV listing");
  parse->add_option("FILE", p->input, "esp_secure_cert partition (the generated file or the partition read from flash)")->required()->type_name("FILE");
  parse->add_option("--outdir", p->outdir, "Folder to write (default esp_secure_cert_parsed_data)")->type_name("DIR");
  parse->add_flag("--force", p->force, "Write into a folder that is not empty");
  parse->footer(
      "Example:\n"
      "  fwprov secure-cert parse esp_secure_cert.bin --outdir parsed\n"
      "  (cd parsed && fwprov secure-cert generate --esp_secure_cert_csv esp_secure_cert_parsed.csv -o again.bin)\n"
      "Private keys are written 0600.");
  parse->callback([&context, p] { run_secure_cert_parse(context, *p); });
}

}  // namespace fwprov::cli
