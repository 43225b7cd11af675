// bash: `complete -F _fwprov fwprov`. The script holds the command tree as case tables (one
// entry per command path) and a walker that finds the path the cursor is in.
#include <fmt/core.h>

#include "fwprov/clidoc/clidoc.hpp"

namespace fwprov::clidoc {
namespace {

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

// The words of every path, keyed by the path below the program ("" for the program itself).
struct BashTables {
  std::string commands, options, valued;
};

void collect(const CommandDoc& command, std::vector<std::string> inherited, std::vector<std::string> inherited_valued,
             BashTables& tables) {
  std::vector<std::string> options, valued;
  for (const auto& option : command.options)
    for (const auto& name : option.names) {
      options.push_back(name);
      if (!option.value_name.empty()) valued.push_back(name);
    }
  // Options of the commands above are accepted here too when this command falls through.
  if (command.fallthrough) {
    options.insert(options.end(), inherited.begin(), inherited.end());
    valued.insert(valued.end(), inherited_valued.begin(), inherited_valued.end());
  }
  std::vector<std::string> below(command.path.begin() + 1, command.path.end());
  std::string key = join_words(below);
  std::vector<std::string> names;
  for (const auto& sub : command.subcommands) {
    names.push_back(sub.path.back());
    names.insert(names.end(), sub.aliases.begin(), sub.aliases.end());
  }
  tables.commands += fmt::format("    '{}') words='{}' ;;\n", key, join_words(names));
  tables.options += fmt::format("    '{}') words='{}' ;;\n", key, join_words(options));
  tables.valued += fmt::format("    '{}') words='{}' ;;\n", key, join_words(valued));
  for (const auto& sub : command.subcommands) {
    collect(sub, options, valued, tables);
    for (const auto& alias : sub.aliases) collect(spelled_as(sub, alias), options, valued, tables);
  }
}

}  // namespace

std::string bash_completion(const CommandDoc& program) {
  BashTables tables;
  collect(program, {}, {}, tables);
  const std::string& name = program.path.front();
  std::string fn = "_" + name;
  for (auto& c : fn)
    if (c == '-') c = '_';
  return fmt::format(R"SH(# bash completion for {name}
# Generated from {name}'s own command definitions (`{name} help --completion bash`); do not edit.

# {fn}_words KIND PATH: the subcommands, options or value-taking options of a command path.
{fn}_words() {{
  local words=''
  case "$1" in
  commands)
    case "$2" in
{commands}    esac ;;
  options)
    case "$2" in
{options}    esac ;;
  valued)
    case "$2" in
{valued}    esac ;;
  esac
  printf '%s\n' "$words"
}}

{fn}() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}}
  local cmdpath='' word i skip=0
  # Walk the words before the cursor: a subcommand of the current path descends into it; the
  # value after a value-taking option is skipped.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${{COMP_WORDS[i]}}
    if ((skip)); then skip=0; continue; fi
    if [[ $word == -* ]]; then
      [[ $word != *=* && " $({fn}_words valued "$cmdpath") " == *" $word "* ]] && skip=1
      continue
    fi
    if [[ " $({fn}_words commands "$cmdpath") " == *" $word "* ]]; then
      cmdpath=${{cmdpath:+$cmdpath }}$word
    fi
  done
  COMPREPLY=()
  if [[ $prev == -* && " $({fn}_words valued "$cmdpath") " == *" $prev "* ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
    return 0
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$({fn}_words options "$cmdpath")" -- "$cur"))
    return 0
  fi
  local commands
  commands=$({fn}_words commands "$cmdpath")
  if [[ -n $commands ]]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
  return 0
}}
complete -o filenames -o bashdefault -F {fn} {name}
)SH",
                     fmt::arg("name", name), fmt::arg("fn", fn), fmt::arg("commands", tables.commands),
                     fmt::arg("options", tables.options), fmt::arg("valued", tables.valued));
}

}  // namespace fwprov::clidoc
