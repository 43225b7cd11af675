// `fwprov nvs ...`: NVS partition images, argument shapes as Espressif's nvs_partition_gen.py.
#include <fmt/compile.h>
#include <fmt/core.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/cleanup.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/mapped_file.hpp"
#include "fwprov/core/secret.hpp"
#include "fwprov/nvs/builder.hpp"
#include "fwprov/nvs/crypt.hpp"
#include "fwprov/nvs/csv_input.hpp"
#include "fwprov/nvs/csv_output.hpp"
#include "fwprov/nvs/keys.hpp"
#include "fwprov/nvs/reader.hpp"
#include "fwprov/nvs/values.hpp"

namespace fwprov::cli {
namespace {

namespace fs = std::filesystem;

struct GenerateArgs {
  std::vector<std::string> positionals;  // INPUT.csv... OUTPUT.bin SIZE
  int version = 2;
  std::string outdir;
  std::string base_dir;
  // encrypt only
  std::string inputkey;
  bool keygen = false;
  std::string keyfile;
  bool key_protect_hmac = false;
  std::string kp_hmac_inputkey;
};

// Like the reference: a relative output goes under --outdir (created when missing by the
// caller's OutputFolder, and removed again when the run fails).
fs::path under_outdir(const std::string& outdir, const fs::path& file) {
  refuse_stdio(outdir, "--outdir");
  if (outdir.empty() || file.is_absolute()) return file;
  return fs::path(outdir) / file;
}

// The folder an output goes into, when the command creates it (--outdir, keys/).
std::unique_ptr<OutputFolder> folder_for(const fs::path& target, bool create) {
  if (!create || target.parent_path().empty()) return nullptr;
  return std::make_unique<OutputFolder>(target.parent_path());
}

// <outdir>/keys/<name>, ".bin" added when the name has no extension (reference behaviour).
fs::path key_file_path(const std::string& outdir, std::string name) {
  if (name.empty()) {
    std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%m-%d_%H-%M", std::localtime(&now));
    name = std::string("keys-") + stamp + ".bin";
  }
  fs::path path(name);
  if (!path.has_extension()) path += ".bin";
  if (path.is_absolute()) return path;
  refuse_stdio(outdir, "--outdir");
  return fs::path(outdir.empty() ? "." : outdir) / "keys" / path;  // folders made by the caller's OutputFolder
}

nvs::XtsKeys keys_for_generate_key(bool protect_hmac, const std::string& hmac_inputkey) {
  if (!protect_hmac) {
    if (!hmac_inputkey.empty()) throw Error(ErrorKind::Usage, "--kp_hmac_inputkey needs --key_protect_hmac");
    return nvs::random_keys();
  }
  if (hmac_inputkey.empty()) throw Error(ErrorKind::Usage, "--key_protect_hmac needs --kp_hmac_inputkey HMAC_KEY.bin (the HMAC key)");
  SecretBytes hmac_key = read_secret_file(hmac_inputkey);
  if (hmac_key.empty()) throw Error(ErrorKind::Crypto, SourceLocation{hmac_inputkey}, "the HMAC key file is empty");
  return nvs::derive_keys_from_hmac(hmac_key.bytes());
}

void run_generate(Context& context, const GenerateArgs& args, bool encrypt) {
  if (args.positionals.size() < 3) throw Error(ErrorKind::Usage, "expected INPUT.csv [INPUT2.csv ...] OUTPUT.bin SIZE");
  std::vector<fs::path> inputs(args.positionals.begin(), args.positionals.end() - 2);
  fs::path output = args.positionals[args.positionals.size() - 2];
  const std::string& size_text = args.positionals.back();

  nvs::GenerateOptions options;
  options.build.partition_size = nvs::parse_partition_size(size_text);
  options.build.version = args.version == 1 ? nvs::Version::V1 : nvs::Version::V2;
  auto geometry = nvs::partition_geometry(options.build.partition_size);
  options.base_dir = args.base_dir;
  Warnings warnings(context.out.warning_sink(), context.options.strict);
  options.warnings = &warnings;

  std::optional<fs::path> new_key_file;
  if (encrypt) {
    if (args.keygen == !args.inputkey.empty()) throw Error(ErrorKind::Usage, "give exactly one of --input-key KEYS.bin or --keygen");
    if (!args.keygen && (!args.keyfile.empty() || args.key_protect_hmac))
      throw Error(ErrorKind::Usage, "--keyfile and --key_protect_hmac go with --keygen, not --input-key");
    if (args.keygen) {
      options.build.keys = keys_for_generate_key(args.key_protect_hmac, args.kp_hmac_inputkey);
      new_key_file = key_file_path(args.outdir, args.keyfile);
    } else {
      options.build.keys = nvs::read_key_file(args.inputkey, &warnings);
    }
  }
  if (geometry.read_only)
    context.out.note("partition size below 0x3000: a read-only NVS partition; the image holds only the pages used");

  Bytes image = nvs::generate_image(inputs, options);
  const std::size_t image_size = image.size();
  std::unique_ptr<OutputFolder> key_folder;
  if (new_key_file) key_folder = folder_for(*new_key_file, true);
  if (is_stdio(output.string())) {  // the image to stdout; a new key file still goes to its file
    if (new_key_file) {
      Bytes key_bytes = nvs::key_file_bytes(*options.build.keys);
      context.out.add_output(new_key_file->string(), key_bytes, "nvs-key");
      write_file_atomic(*new_key_file, key_bytes, FileMode::Secret);
    }
    write_output(context, "-", std::move(image), "nvs-image");
    if (key_folder) key_folder->keep();
    if (context.options.json) context.out.document({{"output", "-"}, {"bytes", image_size}, {"version", args.version}, {"encrypted", encrypt}});
    return;
  }
  fs::path target = under_outdir(args.outdir, output);
  auto out_folder = folder_for(target, !args.outdir.empty());
  OutputBatch batch;
  context.out.add_output(target.string(), image, "nvs-image");
  batch.add(target, std::move(image));
  if (new_key_file) {
    Bytes key_bytes = nvs::key_file_bytes(*options.build.keys);
    context.out.add_output(new_key_file->string(), key_bytes, "nvs-key");
    batch.add(*new_key_file, std::move(key_bytes), FileMode::Secret);
  }
  batch.commit();
  if (out_folder) out_folder->keep();
  if (key_folder) key_folder->keep();

  if (context.options.json) {
    nlohmann::json doc = {{"output", target.string()}, {"bytes", image_size}, {"version", args.version}, {"encrypted", encrypt}};
    if (new_key_file) doc["keyfile"] = new_key_file->string();
    context.out.document(doc);
    return;
  }
  context.out.result(fmt::format("created {} ({} bytes, NVS version {}{})", target.string(), image_size, args.version,
                                 encrypt ? ", encrypted" : ""));
  if (new_key_file) context.out.result(fmt::format("created key file {}", new_key_file->string()));
}

void add_generate_options(CLI::App* command, GenerateArgs& args) {
  command->add_option("INPUT.csv... OUTPUT.bin SIZE", args.positionals,
                      "One or more CSV files, the image to write (- for stdout) and the partition SIZE (0x6000, 24576 or 24K)")
      ->required()
      ->expected(3, -1)
      ->type_name("");
  command->add_option("--version", args.version, "NVS format: 1 (blobs on one page, up to 1984 bytes) or 2 (multi-page blobs, default)")
      ->check(CLI::IsMember({1, 2}));
  command->add_option("--outdir", args.outdir, "Folder for the output (created if missing, removed again if the run fails; default: current folder)");
  command->add_option("--base-dir", args.base_dir, "Resolve relative paths of `file` rows against this folder (default: current folder, as the reference)");
}

// An image only to be read (decode, check): mapped as it is, or a decrypted copy when keys are
// given.
struct ImageToRead {
  std::optional<MappedFile> file;  // not for stdin, which is read into `copy`
  Bytes copy;

  ImageToRead(const std::string& path, const std::string& inputkey, Warnings* warnings) {
    refuse_stdio(inputkey, "--input-key");
    if (is_stdio(path)) {
      copy = read_input(path);
    } else {
      file.emplace(path);
      if (!inputkey.empty()) copy.assign(file->bytes().begin(), file->bytes().end());
    }
    if (!inputkey.empty()) nvs::decrypt_image_in_place(copy, nvs::read_key_file(inputkey, warnings));
  }
  ByteView bytes() const { return file && copy.empty() ? file->bytes() : ByteView(copy); }
};

std::string printable(const Bytes& data) {
  std::string text(data.begin(), data.end());
  if (!text.empty() && text.back() == '\0') text.pop_back();
  if (!nvs::is_valid_utf8(text) || text.find('\0') != std::string::npos) return {};
  return text;
}

nlohmann::json item_json(const nvs::Item& item) {
  nlohmann::json j = {{"namespace_index", item.ns}, {"page", item.page}, {"slot", item.slot}};
  put_text(j, "namespace", item.namespace_name);  // keys are bytes: `_hex` when not UTF-8
  put_text(j, "key", item.key);
  if (item.is_integer()) {
    j["type"] = nvs::type_name(item.type);
    if (nvs::is_signed_integer(item.type)) j["value"] = item.signed_value();
    else j["value"] = item.integer_bits;
  } else if (item.type == nvs::ItemType::String) {
    j["type"] = "string";
    std::string text = printable(item.data);
    if (!text.empty() || item.data.size() <= 1) j["value"] = text;
    else j["value_hex"] = to_hex(item.data);
    j["size"] = item.data.size();
  } else {
    j["type"] = "blob";
    j["size"] = item.data.size();
    j["sha256"] = to_hex(sha256(item.data));
    if (item.type == nvs::ItemType::BlobIndex) j["chunks"] = item.chunk_count;
  }
  return j;
}

std::string item_text(const nvs::Item& item) {
  std::string value;
  if (item.is_integer()) {
    value = nvs::is_signed_integer(item.type) ? std::to_string(item.signed_value()) : std::to_string(item.integer_bits);
    return fmt::format(FMT_COMPILE("  {:<15}  {:<6}  {}"), item.key, nvs::type_name(item.type), value);
  }
  if (item.type == nvs::ItemType::String) {
    std::string text;
    for (char c : printable(item.data)) {
      if (c == '\n') text += "\\n";
      else if (c == '\r') text += "\\r";
      else if (c == '\t') text += "\\t";
      else if (c == '"') text += "\\\"";
      else text.push_back(c);
    }
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return fmt::format(FMT_COMPILE("  {:<15}  {:<6}  \"{}\""), item.key, std::string_view("string"), text);
  }
  // Compiled formats: decode prints thousands of these lines (issue 3 speed target).
  return fmt::format(FMT_COMPILE("  {:<15}  {:<6}  {} bytes{}  sha256 {}"), item.key, std::string_view("blob"), item.data.size(),
                     item.type == nvs::ItemType::BlobIndex ? fmt::format(" in {} chunks", item.chunk_count) : "", to_hex(sha256(item.data)));
}

// An entry whose type code fwprov does not know: what it is, never a guessed value.
nlohmann::json unknown_entry_json(const nvs::EntryInfo& entry) {
  nlohmann::json j = {{"namespace_index", entry.ns}, {"page", entry.page}, {"slot", entry.slot}, {"type", "unknown"},
                      {"type_code", static_cast<unsigned>(entry.type)}, {"raw_hex", to_hex(ByteView(entry.raw, nvs::kEntrySize))}};
  put_text(j, "key", entry.key);
  return j;
}

std::string unknown_entry_text(const nvs::EntryInfo& entry) {
  return fmt::format("  {:<15}  {:<6}  type 0x{:02X} (page {} slot {}), not decoded", entry.key, "unknown",
                     static_cast<unsigned>(entry.type), entry.page, entry.slot);
}

// An encrypted image read without its keys: headers and bitmaps are plain, every entry fails
// its CRC. Said as such instead of a list of CRC errors and "0 namespaces".
void refuse_if_encrypted(const nvs::DecodedImage& decoded, const std::string& path, const std::string& inputkey) {
  if (!inputkey.empty() || !decoded.entries.empty() || !decoded.unknown_entries.empty() || decoded.bad_entry_crcs == 0) return;
  throw Error(ErrorKind::Input, SourceLocation{path},
              fmt::format("looks encrypted: none of its {} entries passes its CRC check", decoded.bad_entry_crcs),
              "give --input-key KEYS.bin (the key file the image was encrypted with)");
}

std::string problem_text(const nvs::Problem& problem) {
  return problem.slot ? fmt::format("page {} slot {}: {}", problem.page, *problem.slot, problem.message)
                      : fmt::format("page {}: {}", problem.page, problem.message);
}

struct DecodeArgs {
  std::string image;
  std::string inputkey;
  bool csv = false;
  std::string output;
  std::string extract_dir;
};

void run_decode(Context& context, const DecodeArgs& args) {
  Warnings warnings(context.out.warning_sink());
  ImageToRead input(args.image, args.inputkey, &warnings);
  ByteView image = input.bytes();
  nvs::DecodedImage decoded = nvs::read_image(image);
  refuse_if_encrypted(decoded, args.image, args.inputkey);
  if (!args.extract_dir.empty() && !args.csv) throw Error(ErrorKind::Usage, "--extract-dir goes with --csv");
  if (!args.output.empty() && !args.csv) throw Error(ErrorKind::Usage, "--output goes with --csv");

  if (args.csv) {
    nvs::CsvExportOptions options;
    if (!args.extract_dir.empty()) options.extract_dir = fs::path(args.extract_dir);
    refuse_stdio(args.extract_dir, "--extract-dir");
    // Without -o the CSV is the result on stdout, which --json needs for its document.
    const std::string csv_output = args.output.empty() ? "-" : args.output;
    if (context.options.json && is_stdio(csv_output))
      throw Error(ErrorKind::Usage, SourceLocation{}, "--csv writes the CSV to stdout, which --json needs for its document",
                  "give -o FILE with --json");
    nvs::CsvExport exported = nvs::export_csv(decoded, options);
    for (const auto& note : exported.notes) context.out.warning(Warning{SourceLocation{args.image}, "CSV will not regenerate the same image: " + note});
    for (const auto& entry : decoded.unknown_entries)
      context.out.warning(Warning{SourceLocation{args.image}, fmt::format("entry '{}' (page {} slot {}) has the unknown type 0x{:02X} and is not in the CSV",
                                                                          json_safe_text(entry.key), entry.page, entry.slot, static_cast<unsigned>(entry.type))});
    std::optional<OutputFolder> extract_dir;  // created when missing, removed again if the run fails
    if (!args.extract_dir.empty()) extract_dir.emplace(args.extract_dir);
    OutputBatch batch;
    for (auto& file : exported.files) {
      context.out.add_output(file.path.string(), file.data, "blob");
      batch.add(file.path, std::move(file.data));
    }
    if (!is_stdio(csv_output)) {  // one batch: the CSV and its blob files, or none of them
      Bytes csv = to_bytes(exported.csv);
      context.out.add_output(csv_output, csv, "csv");
      batch.add(csv_output, std::move(csv));
    }
    batch.commit();
    if (is_stdio(csv_output)) write_output(context, csv_output, to_bytes(exported.csv), "csv");
    if (extract_dir) extract_dir->keep();
    if (context.options.json) context.out.document({{"image", json_safe_text(args.image)}, {"csv", csv_output}, {"blob_files", exported.files.size()}});
    else if (!is_stdio(csv_output)) context.out.result(fmt::format("wrote {} ({} blob files)", csv_output, exported.files.size()));
    return;
  }

  if (context.options.json) {
    nlohmann::json doc = {{"ok", true}, {"image", json_safe_text(args.image)}, {"bytes", image.size()}};
    doc["pages"] = nlohmann::json::array();
    for (const auto& page : decoded.pages) {
      nlohmann::json p = {{"index", page.index}, {"blank", page.blank}};
      if (!page.blank) {
        p["state"] = page.state == nvs::kPageStateActive ? "active" : page.state == nvs::kPageStateFull ? "full" : fmt::format("0x{:08X}", page.state);
        p["sequence"] = page.sequence;
        p["version"] = page.version == nvs::kPageVersion1 ? 1 : page.version == nvs::kPageVersion2 ? 2 : 0;
        p["used_slots"] = page.used_slots;
        p["header_crc_ok"] = page.header_crc_ok;
      }
      doc["pages"].push_back(p);
    }
    doc["namespaces"] = nlohmann::json::array();
    for (const auto& ns : decoded.namespaces) {
      nlohmann::json entry = {{"index", ns.index}};
      put_text(entry, "name", ns.name);
      doc["namespaces"].push_back(entry);
    }
    doc["items"] = nlohmann::json::array();
    for (const auto& item : decoded.items) doc["items"].push_back(item_json(item));
    doc["unknown_entries"] = nlohmann::json::array();
    for (const auto& entry : decoded.unknown_entries) doc["unknown_entries"].push_back(unknown_entry_json(entry));
    doc["problems"] = nlohmann::json::array();
    for (const auto& problem : decoded.problems) doc["problems"].push_back(json_safe_text(problem_text(problem)));
    context.out.document(doc);
    return;
  }
  std::size_t used = 0;
  for (const auto& page : decoded.pages) used += page.blank ? 0 : 1;
  context.out.result(fmt::format("{}: {} bytes, {} pages ({} in use), {} namespaces, {} values", args.image, image.size(),
                                 decoded.pages.size(), used, decoded.namespaces.size(), decoded.items.size()));
  // Group by namespace in write order.
  std::optional<std::uint8_t> shown_ns;
  for (const auto& item : decoded.items) {
    if (!shown_ns || *shown_ns != item.ns) {
      shown_ns = item.ns;
      context.out.result(item.namespace_name.empty() ? fmt::format("namespace #{}", item.ns)
                                                     : fmt::format("namespace {} (#{})", item.namespace_name, item.ns));
    }
    context.out.result(item_text(item));
  }
  if (!decoded.unknown_entries.empty()) context.out.result("entries of unknown type");
  for (const auto& entry : decoded.unknown_entries) context.out.result(unknown_entry_text(entry));
  for (const auto& problem : decoded.problems) context.out.warning(Warning{SourceLocation{args.image}, problem_text(problem)});
  if (!decoded.problems.empty()) context.out.note("the image has problems; `fwprov nvs check` lists them all");
}

void run_check(Context& context, const std::string& image_path, const std::string& inputkey) {
  Warnings warnings(context.out.warning_sink());
  ImageToRead input(image_path, inputkey, &warnings);
  nvs::DecodedImage decoded = nvs::read_image(input.bytes());
  refuse_if_encrypted(decoded, image_path, inputkey);
  auto problems = nvs::check_image(decoded);
  if (context.options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& problem : problems) {
      nlohmann::json p = {{"page", problem.page}, {"message", json_safe_text(problem.message)}};
      if (problem.slot) p["slot"] = *problem.slot;
      list.push_back(p);
    }
    context.out.document({{"ok", problems.empty()}, {"image", json_safe_text(image_path)}, {"values", decoded.items.size()}, {"problems", list}});
  } else {
    for (const auto& problem : problems) context.out.result(image_path + ": " + problem_text(problem));
    context.out.result(problems.empty() ? fmt::format("{}: OK ({} namespaces, {} values)", image_path, decoded.namespaces.size(), decoded.items.size())
                                        : fmt::format("{}: {} problem(s)", image_path, problems.size()));
  }
  if (!problems.empty()) context.exit_code = exit_code(ErrorKind::Mismatch);
}

}  // namespace

void setup_nvs(CLI::App& app, Context& context) {
  auto* nvs = app.add_subcommand("nvs", "NVS partition images: generate (byte-identical to nvs_partition_gen.py), encrypt, decrypt, decode, check");
  nvs->require_subcommand(1);
  nvs->footer("Example: fwprov nvs generate storage.csv storage.bin 0x10000 && fwprov nvs check storage.bin");

  auto generate_args = std::make_shared<GenerateArgs>();
  auto* generate = nvs->add_subcommand("generate", "Build an NVS image from key,type,encoding,value CSV files");
  add_generate_options(generate, *generate_args);
  generate->footer(
      "Example: fwprov nvs generate storage.csv storage.bin 0x6000 --version 2\n"
      "CSV: key,type,encoding,value / creds,namespace,, / P11_Cert,file,binary,cert.der / thing,data,string,dev-42");
  generate->callback([&context, generate_args] { run_generate(context, *generate_args, false); });

  auto encrypt_args = std::make_shared<GenerateArgs>();
  auto* encrypt = nvs->add_subcommand("encrypt", "Build an XTS-AES encrypted NVS image (keys from --inputkey or new with --keygen)");
  add_generate_options(encrypt, *encrypt_args);
  encrypt->add_option("--input-key,--inputkey", encrypt_args->inputkey, "Key file to encrypt with (64 key bytes; the reference's 4096-byte format)");
  encrypt->add_flag("--keygen", encrypt_args->keygen, "Make new random keys and write them to <outdir>/keys/");
  encrypt->add_option("--keyfile", encrypt_args->keyfile, "Name of the key file --keygen writes (default keys-<date>.bin)");
  encrypt->add_flag("--key_protect_hmac", encrypt_args->key_protect_hmac, "With --keygen: derive the keys from an HMAC key (HMAC key protection scheme)");
  encrypt->add_option("--kp_hmac_inputkey", encrypt_args->kp_hmac_inputkey, "The HMAC key file for --key_protect_hmac");
  encrypt->footer("Example: fwprov nvs encrypt storage.csv storage-enc.bin 0x6000 --inputkey keys.bin");
  encrypt->callback([&context, encrypt_args] { run_generate(context, *encrypt_args, true); });

  struct DecryptArgs {
    std::string input, key, output, outdir;
  };
  auto decrypt_args = std::make_shared<DecryptArgs>();
  auto* decrypt = nvs->add_subcommand("decrypt", "Decrypt an encrypted NVS image (entries only; headers and bitmaps stay as they are)");
  decrypt->add_option("IMAGE", decrypt_args->input, "Encrypted image (- for stdin)")->required()->type_name("");
  decrypt->add_option("KEYS.bin", decrypt_args->key, "Key file")->required()->type_name("");
  decrypt->add_option("OUTPUT", decrypt_args->output, "Decrypted image to write (- for stdout)")->required()->type_name("");
  decrypt->add_option("--outdir", decrypt_args->outdir, "Folder for the output (default: current folder)");
  decrypt->footer("Example: fwprov nvs decrypt storage-enc.bin keys/keys.bin storage-plain.bin");
  decrypt->callback([&context, decrypt_args] {
    Warnings warnings(context.out.warning_sink());
    refuse_stdio(decrypt_args->key, "KEYS.bin");
    Bytes image = read_input(decrypt_args->input);
    nvs::decrypt_image_in_place(image, nvs::read_key_file(decrypt_args->key, &warnings));
    fs::path target = is_stdio(decrypt_args->output) ? fs::path("-") : under_outdir(decrypt_args->outdir, decrypt_args->output);
    auto out_folder = folder_for(target, !decrypt_args->outdir.empty() && !is_stdio(decrypt_args->output));
    const std::size_t bytes = image.size();
    write_output(context, target.string(), std::move(image), "nvs-image");
    if (out_folder) out_folder->keep();
    if (context.options.json) context.out.document({{"output", target.string()}, {"bytes", bytes}});
    else if (!is_stdio(target.string())) context.out.result("created " + target.string());
  });

  struct KeyArgs {
    std::string keyfile, outdir, kp_hmac_inputkey;
    bool key_protect_hmac = false;
  };
  auto key_args = std::make_shared<KeyArgs>();
  auto* generate_key = nvs->add_subcommand("generate-key", "Write a new NVS encryption key file to <outdir>/keys/");
  generate_key->add_option("--keyfile", key_args->keyfile, "Key file name (default keys-<date>.bin; .bin added when no extension)");
  generate_key->add_option("--outdir", key_args->outdir, "Folder that gets keys/ (default: current folder)");
  generate_key->add_flag("--key_protect_hmac", key_args->key_protect_hmac, "Derive the keys from an HMAC key (HMAC key protection scheme), byte-identical to the reference");
  generate_key->add_option("--kp_hmac_inputkey", key_args->kp_hmac_inputkey, "The HMAC key file for --key_protect_hmac");
  generate_key->footer("Example: fwprov nvs generate-key --keyfile keys.bin --key_protect_hmac --kp_hmac_inputkey hmac_key.bin");
  generate_key->callback([&context, key_args] {
    nvs::XtsKeys keys = keys_for_generate_key(key_args->key_protect_hmac, key_args->kp_hmac_inputkey);
    fs::path target = key_file_path(key_args->outdir, key_args->keyfile);
    auto folder = folder_for(target, true);  // keys/ (and --outdir): removed again if the run fails
    Bytes key_bytes = nvs::key_file_bytes(keys);
    context.out.add_output(target.string(), key_bytes, "nvs-key");
    write_file_atomic(target, key_bytes, FileMode::Secret);
    if (folder) folder->keep();
    if (context.options.json) context.out.document({{"keyfile", target.string()}});
    else context.out.result("created key file " + target.string());
  });

  auto decode_args = std::make_shared<DecodeArgs>();
  auto* decode = nvs->add_subcommand("decode", "Show every namespace and value of an image (--json), or write a CSV that regenerates it (--csv)");
  decode->add_option("IMAGE", decode_args->image, "NVS image")->required()->type_name("");
  decode->add_option("--input-key,--inputkey", decode_args->inputkey, "Key file, for encrypted images");
  decode->add_flag("--csv", decode_args->csv, "Print a key,type,encoding,value CSV that `nvs generate` turns back into the same image");
  decode->add_option("-o,--output", decode_args->output, "With --csv: write the CSV to this file instead of stdout (- is stdout)");
  decode->add_option("--extract-dir", decode_args->extract_dir, "With --csv: write blobs to files in this folder and reference them as file rows");
  decode->footer(
      "Examples: fwprov nvs decode storage.bin --json\n"
      "          fwprov nvs decode storage.bin --csv -o storage.csv --extract-dir blobs");
  decode->callback([&context, decode_args] { run_decode(context, *decode_args); });

  auto check_args = std::make_shared<std::pair<std::string, std::string>>();
  auto* check = nvs->add_subcommand("check", "Verify CRCs, bitmaps, blob chunks and keys; exit 7 when anything is wrong");
  check->add_option("IMAGE", check_args->first, "NVS image")->required()->type_name("");
  check->add_option("--input-key,--inputkey", check_args->second, "Key file, for encrypted images");
  check->footer("Example: fwprov nvs check storage.bin || echo damaged");
  check->callback([&context, check_args] { run_check(context, check_args->first, check_args->second); });
}

}  // namespace fwprov::cli
