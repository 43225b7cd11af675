#pragma once
// What every subcommand gets: the global options and the one place that writes to the user.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "fwprov/core/diagnostics.hpp"

namespace fwprov::cli {

struct GlobalOptions {
  bool json = false;
  bool quiet = false;
  int verbose = 0;
  bool no_color = false;
};

// Results go to stdout, diagnostics and progress to stderr. In --json mode stdout carries
// exactly one JSON document.
class Output {
 public:
  explicit Output(const GlobalOptions& options) : options_(options) {}

  bool json() const noexcept { return options_.json; }
  void result(std::string_view line) const;       // stdout, text mode only
  void note(std::string_view line) const;         // stderr unless --quiet
  void detail(std::string_view line) const;       // stderr with --verbose
  void warning(const Warning& warning) const;     // stderr, always
  void error(std::string_view message) const;     // stderr, always
  void document(const nlohmann::json& doc) const; // stdout, the --json document
  WarningSink warning_sink() const;
  // A progress bar on a terminal; a few plain lines otherwise; nothing with --quiet or --json.
  ProgressFn progress(std::string label) const;

 private:
  bool color_stderr() const;
  const GlobalOptions& options_;
};

struct Context {
  GlobalOptions options;
  Output out{options};
  int exit_code = 0;  // a command that finishes without throwing may still report e.g. a mismatch
};

}  // namespace fwprov::cli
