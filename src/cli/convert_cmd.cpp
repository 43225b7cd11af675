// `fwprov convert`: PEM <-> DER for certificates, chains, keys and CSRs; a batch is all or nothing.
#include <fmt/core.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/pki/convert.hpp"
#include "pki_passphrase_options.hpp"

namespace fwprov::cli {
namespace {

namespace fs = std::filesystem;

struct ConvertArgs {
  std::vector<std::string> items;
  std::string output;
  std::string to;
  std::string chain = "reject";
  std::string key_format = "traditional";
  PassphraseOptions passphrase;
};

struct Job {
  fs::path input;
  fs::path output;  // empty: the default, known once the input's encoding is
};

// "IN" or "IN:OUT". A name that exists as given is an input even if it holds a colon.
Job parse_item(const std::string& item) {
  std::error_code ec;
  auto colon = item.rfind(':');
  if (colon == std::string::npos || fs::exists(item, ec)) return Job{item, {}};
  std::string input = item.substr(0, colon);
  std::string output = item.substr(colon + 1);
  if (input.empty() || output.empty())
    throw Error(ErrorKind::Usage, "'" + item + "': a batch item is IN:OUT with both names given");
  return Job{input, output};
}

pki::ConvertOptions convert_options(const ConvertArgs& args) {
  pki::ConvertOptions options;
  if (args.to == "der") options.to = pki::Encoding::Der;
  if (args.to == "pem") options.to = pki::Encoding::Pem;
  options.chain = args.chain == "first" ? pki::ChainMode::First
                  : args.chain == "all" ? pki::ChainMode::All
                                        : pki::ChainMode::Reject;
  options.key_format = args.key_format == "pkcs8" ? pki::KeyFormat::Pkcs8 : pki::KeyFormat::Traditional;
  options.passphrase = args.passphrase.source();
  return options;
}

// Two names for one file: the same device and inode (links and "./x" included); for outputs
// that do not exist yet, the same normalised absolute path.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  auto operator<=>(const FileIdentity&) const = default;
};

std::optional<FileIdentity> identity_of(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  return FileIdentity{info.st_dev, info.st_ino};
}

// Problems OutputBatch would only meet half-way through its renames are caught before anything
// is written: an output that is a folder, one named twice, one that would overwrite an input.
void check_outputs(const std::vector<Job>& jobs) {
  std::set<FileIdentity> inputs;
  for (const auto& job : jobs)
    if (auto identity = identity_of(job.input)) inputs.insert(*identity);
  std::set<fs::path> outputs;
  for (const auto& job : jobs) {
    std::error_code ec;
    if (fs::is_directory(job.output, ec))
      throw Error(ErrorKind::Io, SourceLocation{job.output.string()}, "output is a folder, not a file");
    auto identity = identity_of(job.output);
    if (identity && inputs.count(*identity) != 0)
      throw Error(ErrorKind::Usage, SourceLocation{job.output.string()},
                  "output would overwrite an input of this command; name another output (-o or IN:OUT)");
    if (!outputs.insert(fs::absolute(job.output, ec).lexically_normal()).second)
      throw Error(ErrorKind::Usage, SourceLocation{job.output.string()}, "named as the output of two inputs");
  }
}

// The outputs array's kind: "certificate", "private-key", "csr", ...
std::string output_kind(const pki::Converted& converted) {
  std::string kind{pki::kind_name(converted.kind)};
  std::replace(kind.begin(), kind.end(), ' ', '-');
  return kind;
}

std::string describe(const pki::Converted& converted) {
  std::string text{pki::kind_name(converted.kind)};
  if (converted.kind == pki::ObjectKind::Certificate && converted.certificates > 1)
    text = fmt::format("chain of {} certificates", converted.certificates);
  text += fmt::format(", {} -> {}", pki::encoding_name(converted.from), pki::encoding_name(converted.to));
  if (converted.output_structure != pki::KeyStructure::None) {
    text += ", ";
    if (converted.input_structure != converted.output_structure)
      text += std::string(pki::structure_name(converted.input_structure)) + " -> ";
    text += pki::structure_name(converted.output_structure);
  }
  return text;
}

void run(Context& context, const ConvertArgs& args) {
  std::vector<Job> jobs;
  for (const auto& item : args.items) jobs.push_back(parse_item(item));
  if (!args.output.empty()) {
    if (jobs.size() != 1 || !jobs.front().output.empty())
      throw Error(ErrorKind::Usage, "-o/--output takes one input; for several give IN:OUT pairs");
    jobs.front().output = args.output;
  }
  pki::ConvertOptions options = convert_options(args);

  // Everything is converted in memory first: a bad input stops the batch before any write.
  // Progress (in input bytes, what Output's progress line shows) only for batches big enough
  // to take a noticeable time.
  constexpr std::size_t kProgressFromFiles = 100;
  ProgressFn progress = jobs.size() >= kProgressFromFiles ? context.out.progress("converting") : ProgressFn{};
  std::uint64_t total_bytes = 0;
  if (progress) {
    for (const auto& job : jobs) {
      std::error_code ec;
      auto size = fs::file_size(job.input, ec);
      if (!ec) total_bytes += size;
    }
  }
  std::uint64_t done_bytes = 0;
  std::vector<pki::Converted> results;
  results.reserve(jobs.size());
  for (auto& job : jobs) {
    if (is_stdio(job.input.string())) {
      if (jobs.size() != 1) throw Error(ErrorKind::Usage, "'-' (stdin) is an input of a single conversion, not of a batch");
      if (job.output.empty()) throw Error(ErrorKind::Usage, SourceLocation{}, "stdin has no name to derive the output's from", "give -o OUT (or -o - for stdout)");
      results.push_back(pki::convert(read_input("-"), "(stdin)", options));
    } else {
      results.push_back(pki::convert_file(job.input, options));
    }
    if (job.output.empty()) job.output = pki::default_output_path(job.input, results.back().to);
    if (progress) {
      std::error_code ec;
      auto size = fs::file_size(job.input, ec);
      done_bytes += ec ? 0 : size;
      progress(std::min(done_bytes, total_bytes), total_bytes);
    }
  }
  const bool to_stdout = jobs.size() == 1 && is_stdio(jobs.front().output.string());
  if (to_stdout) {
    if (results.front().secret) refuse_stdio("-", "the output of a private key");  // keys never go to a pipe
    write_output(context, "-", results.front().data, output_kind(results.front()));
  } else {
    for (const auto& job : jobs) refuse_stdio(job.output.string(), "an output of a batch");
    check_outputs(jobs);
    OutputBatch batch;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      context.out.add_output(jobs[i].output.string(), results[i].data, output_kind(results[i]));
      batch.add(jobs[i].output, results[i].data, results[i].secret ? FileMode::Secret : FileMode::Public);
    }
    batch.commit();
  }

  nlohmann::json converted = nlohmann::json::array();
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& result = results[i];
    if (context.options.json) {
      nlohmann::json entry = {{"input", jobs[i].input.string()},
                              {"output", jobs[i].output.string()},
                              {"kind", pki::kind_name(result.kind)},
                              {"from", pki::encoding_name(result.from)},
                              {"to", pki::encoding_name(result.to)},
                              {"bytes", result.data.size()},
                              {"sha256", to_hex(sha256(result.data))}};
      if (result.kind == pki::ObjectKind::Certificate) entry["certificates"] = result.certificates;
      if (result.output_structure != pki::KeyStructure::None) {
        entry["input_structure"] = pki::structure_name(result.input_structure);
        entry["output_structure"] = pki::structure_name(result.output_structure);
      }
      if (result.secret) entry["mode"] = "0600";
      converted.push_back(std::move(entry));
    } else if (!to_stdout) {
      context.out.result(fmt::format("{} -> {}: {}, {} bytes{}", jobs[i].input.string(), jobs[i].output.string(),
                                     describe(result), result.data.size(), result.secret ? " (mode 0600)" : ""));
    }
  }
  if (context.options.json) context.out.document({{"ok", true}, {"converted", converted}});
}

}  // namespace

void setup_convert(CLI::App& app, Context& context) {
  auto args = std::make_shared<ConvertArgs>();
  auto* command = app.add_subcommand(
      "convert", "Convert certificates, chains, keys and CSRs between PEM and DER (byte-identical to openssl)");
  command->add_option("items", args->items,
                      "IN (output: IN with its extension swapped, or -o; - reads stdin) or IN:OUT pairs; a batch is all or nothing")
      ->required()
      ->type_name("IN[:OUT]");
  command->add_option("-o,--output", args->output, "Output file for a single IN (- for stdout)")->type_name("OUT");
  command->add_option("--to", args->to, "Output encoding (default: DER for PEM input, PEM for DER input)")
      ->check(CLI::IsMember({"der", "pem"}))
      ->type_name("der|pem");
  command->add_option("--chain", args->chain,
                      "A file of several certificates: 'first' writes the first, 'all' writes all of them "
                      "(DER: concatenated); without it such a file is an error")
      ->check(CLI::IsMember({"first", "all"}))
      ->type_name("first|all");
  command->add_option("--key-format", args->key_format,
                      "Private keys: 'traditional' = PKCS#1 (RSA) / SEC1 (EC), as `openssl rsa -traditional` and "
                      "`openssl ec` write them (Ed25519 is always PKCS#8); 'pkcs8' = unencrypted PKCS#8")
      ->check(CLI::IsMember({"traditional", "pkcs8"}))
      ->type_name("traditional|pkcs8")
      ->capture_default_str();
  add_passphrase_options(command, args->passphrase);
  command->footer(
      "Examples:\n"
      "  fwprov convert device.crt.pem                      # -> device.crt.der\n"
      "  fwprov convert device.key.pem -o privatekey.der    # PKCS#1 DER, mode 0600\n"
      "  fwprov convert device.key.pem:privatekey.der device.crt.pem:cert.der csk.crt.pem:csk.der\n"
      "  FWPROV_PASS=... fwprov convert enc.key.pem:key.der --passphrase-env FWPROV_PASS\n"
      "  fwprov convert cert.der --to pem --chain all\n"
      "Private key outputs are never encrypted and are written with mode 0600.\n"
      "Exit codes: 2 usage, 3 bad input, 4 cannot write (no output is left behind), 5 passphrase or\n"
      "unsupported key type. See docs/convert.md.");
  command->callback([&context, args] { run(context, *args); });
}

}  // namespace fwprov::cli
