#pragma once
// What every subcommand gets: the global options and the one place that writes to the user.
// The scripting contract these implement is docs/cli-contract.md.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/bytes.hpp"
#include "fwprov/core/diagnostics.hpp"
#include "fwprov/core/error.hpp"

namespace fwprov::cli {

struct GlobalOptions {
  bool json = false;
  bool quiet = false;
  int verbose = 0;
  bool no_color = false;
  bool strict = false;  // every warning is an error (exit 3)
};

// Results go to stdout, diagnostics and progress to stderr. In --json mode stdout carries
// exactly one JSON document: document() only keeps it, main() prints it (or, when the command
// throws after all, the error document instead) once the command is over.
class Output {
 public:
  explicit Output(const GlobalOptions& options) : options_(options) {}

  bool json() const noexcept { return options_.json; }
  bool verbose() const noexcept { return options_.verbose > 0; }
  void result(std::string_view line) const;       // stdout, text mode only, not with --quiet
  void note(std::string_view line) const;         // stderr unless --quiet
  void detail(std::string_view line) const;       // stderr with --verbose
  void warning(const Warning& warning) const;     // stderr unless --quiet; an error with --strict
  void error(std::string_view message) const;     // stderr, always
  // The --json document. `ok` (true unless set), `outputs` (the files recorded with
  // add_output) and `warnings` are filled in when the command did not set them.
  void document(nlohmann::json doc) const;
  WarningSink warning_sink() const;
  // A progress bar on a terminal; a few plain lines otherwise; nothing with --quiet or --json.
  ProgressFn progress(std::string label) const;

  // Records a file the command wrote, as {"path","size","sha256","kind"}; returns the entry.
  nlohmann::json add_output(const std::string& path, ByteView data, std::string_view kind) const;
  // The same for a file written by library code: reads it back for its size and digest.
  nlohmann::json add_output_file(const std::filesystem::path& path, std::string_view kind) const;
  // Seconds, rounded to microseconds, only with -v: two identical runs give identical JSON.
  void add_timing(nlohmann::json& doc, const std::string& name, double seconds) const;

  // For main(): prints the kept document, or the error document; exactly one reaches stdout.
  void flush_document() const;
  // A run that ends with a non-zero exit code but no exception (a mismatch verdict): the
  // document gets ok=false and an error object of that code's kind, when it has none.
  void mark_failed(int exit_code) const;
  void discard_document() const;

 private:
  bool color_stderr() const;
  const GlobalOptions& options_;
  mutable nlohmann::json pending_;  // the document, until flush_document()
  mutable nlohmann::json outputs_ = nlohmann::json::array();
  mutable nlohmann::json warnings_ = nlohmann::json::array();
};

struct Context {
  GlobalOptions options;
  Output out{options};
  int exit_code = 0;  // a command that finishes without throwing may still report e.g. a mismatch
};

// {"kind", "exit_code", "message", "file", "line", "column", "hint"} (+ "field"): the error
// object of a failed run's document, unknown parts null.
nlohmann::json error_json(const Error& error);

// --- Text that came from an input file -------------------------------------------------------
// JSON strings must be UTF-8; bytes from a file need not be. Sets object[name] to the text
// (bytes that are not UTF-8 become U+FFFD) and, only when it was not valid UTF-8, also
// object[name + "_hex"] to the exact bytes in hex.
void put_text(nlohmann::json& object, const std::string& name, std::string_view bytes);
std::string json_safe_text(std::string_view bytes);  // invalid UTF-8 bytes as U+FFFD

// --- `-` as a file name ------------------------------------------------------------------
// `-` is stdin for an input and stdout for an output; a file literally named `-` is `./-`.
bool is_stdio(std::string_view path) noexcept;
// The whole input: the file, or stdin for `-`.
Bytes read_input(const std::string& path);
// Writes an output atomically, or to stdout for `-` (refused with --json: stdout holds the
// document). Records it in the outputs array either way.
void write_output(const Context& context, const std::string& path, Bytes data, std::string_view kind,
                  FileMode mode = FileMode::Public);
// For options that cannot be stdin/stdout (a folder, a file read twice, a key file): a usage
// error naming the option.
void refuse_stdio(const std::string& path, std::string_view option);

}  // namespace fwprov::cli
