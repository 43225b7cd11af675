#pragma once
// Man pages and shell completions made from the same CLI11 definitions as `--help`, so the
// installed documentation cannot drift from the options a command really takes. The CLI
// builds its App (every registered command) and hands it here; nothing is written by hand.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace fwprov::clidoc {

struct OptionDoc {
  std::vector<std::string> names;  // "-p", "--port"; for a positional, its name ("FILE")
  std::string value_name;          // "TEXT", "FILE"; empty for a flag
  std::string description;
  std::string default_value;       // empty when none
  std::string environment;         // variable read when the option is not given, or empty
  bool required = false;
  bool repeated = false;           // takes several values (positional "FILE...")
};

struct CommandDoc {
  std::vector<std::string> path;  // {"fwprov", "flash", "write"}
  std::vector<std::string> aliases;  // other names of the last part: "write_flash", "write-flash"
  std::string description;
  std::string footer;             // examples and notes printed after the options
  std::vector<OptionDoc> options;
  std::vector<OptionDoc> positionals;
  std::vector<CommandDoc> subcommands;
  bool fallthrough = false;       // this command's options are accepted after a subcommand too

  std::string joined_path() const;  // "fwprov flash write"
};

// The same command under one of its aliases (its path and its subcommands' paths renamed), so
// completions know `flash write_flash --fm` as well as `flash write --fm`.
CommandDoc spelled_as(const CommandDoc& command, const std::string& alias);

// The visible part of `app` (what --help lists: hidden groups are left out), recursively.
CommandDoc describe(const CLI::App& app);

struct ManPage {
  std::string file_name;  // "fwprov-flash.1"
  std::string text;       // roff source
};

struct ManSection {
  std::string title;  // e.g. "EXIT STATUS"
  std::string body;   // plain text, lines kept as written
};

struct ManOptions {
  std::string version;                 // the footer's source field, e.g. "fwprov 0.1.0"
  std::string manual = "fwprov manual";
  std::vector<ManSection> root_extra;  // sections added to the program's own page
  std::vector<std::string> see_also;   // other pages, e.g. "fwprov(1)"
};

// One page for the program (its commands and global options) and one per command, e.g.
// fwprov-flash(1) with a subsection per subcommand (write, read, ...).
std::vector<ManPage> man_pages(const CommandDoc& program, const ManOptions& options);

// A hidden `--man DIR` option for a program without a help command (fwprov-sim): writes
// man_pages() into DIR, all or nothing, and ends parsing with CLI::Success (exit 0). It runs
// before required options are checked, so `fwprov-sim --man DIR` needs no --flash.
void add_man_option(CLI::App& app, ManOptions options);

// A bash completion script (complete -F) and a zsh one (#compdef) for the program.
std::string bash_completion(const CommandDoc& program);
std::string zsh_completion(const CommandDoc& program);

}  // namespace fwprov::clidoc
