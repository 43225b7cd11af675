// zsh: a #compdef function with the command tree as case tables of "name:description" lines
// (shown by _describe), the same walk as the bash script.
#include <fmt/core.h>

#include "fwprov/clidoc/clidoc.hpp"

namespace fwprov::clidoc {
namespace {

// Inside '...': a quote becomes '\''. A colon separates name and description for _describe.
std::string zsh_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out + "'";
}

std::string first_line_of(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string escape_colons(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ':') out += '\\';
    out += c;
  }
  return out;
}

struct ZshTables {
  std::string commands, options, valued;
};

struct OptionLine {
  std::string name, description;
  bool valued;
};

void collect_zsh(const CommandDoc& command, const std::vector<OptionLine>& inherited, ZshTables& tables) {
  std::vector<OptionLine> options;
  for (const auto& option : command.options)
    for (const auto& name : option.names) options.push_back({name, option.description, !option.value_name.empty()});
  if (command.fallthrough) options.insert(options.end(), inherited.begin(), inherited.end());
  std::string key;
  for (std::size_t i = 1; i < command.path.size(); ++i) key += (key.empty() ? "" : " ") + command.path[i];
  std::string commands, option_lines, valued;
  for (const auto& sub : command.subcommands) {
    commands += " " + zsh_quote(escape_colons(sub.path.back()) + ":" + first_line_of(sub.description));
    for (const auto& alias : sub.aliases)
      commands += " " + zsh_quote(escape_colons(alias) + ":" + first_line_of(sub.description));
  }
  for (const auto& option : options) {
    option_lines += " " + zsh_quote(escape_colons(option.name) + ":" + first_line_of(option.description));
    if (option.valued) valued += " " + option.name;
  }
  tables.commands += fmt::format("    {}) reply=({}) ;;\n", zsh_quote(key), commands);
  tables.options += fmt::format("    {}) reply=({}) ;;\n", zsh_quote(key), option_lines);
  tables.valued += fmt::format("    {}) reply=({}) ;;\n", zsh_quote(key), valued);
  for (const auto& sub : command.subcommands) {
    collect_zsh(sub, options, tables);
    for (const auto& alias : sub.aliases) collect_zsh(spelled_as(sub, alias), options, tables);
  }
}

}  // namespace

std::string zsh_completion(const CommandDoc& program) {
  ZshTables tables;
  collect_zsh(program, {}, tables);
  const std::string& name = program.path.front();
  std::string fn = "_" + name;
  for (auto& c : fn)
    if (c == '-') c = '_';
  return fmt::format(R"SH(#compdef {name}
# zsh completion for {name}
# Generated from {name}'s own command definitions (`{name} help --completion zsh`); do not edit.

# {fn}_words KIND PATH: sets reply to the subcommands or options ("name:description") of a
# command path, or to its value-taking option names.
{fn}_words() {{
  reply=()
  case $1 in
  commands)
    case $2 in
{commands}    esac ;;
  options)
    case $2 in
{options}    esac ;;
  valued)
    case $2 in
{valued}    esac ;;
  esac
}}

{fn}() {{
  local cmdpath='' word i skip=0
  local -a reply
  for ((i = 2; i < CURRENT; i++)); do
    word=${{words[i]}}
    if ((skip)); then skip=0; continue; fi
    if [[ $word == -* ]]; then
      {fn}_words valued "$cmdpath"
      [[ $word != *=* && ${{reply[(Ie)$word]}} -gt 0 ]] && skip=1
      continue
    fi
    {fn}_words commands "$cmdpath"
    if (( ${{reply[(I)${{word}}:*]}} )); then
      cmdpath=${{cmdpath:+$cmdpath }}$word
    fi
  done
  {fn}_words valued "$cmdpath"
  if [[ ${{words[CURRENT-1]}} == -* && ${{reply[(Ie)${{words[CURRENT-1]}}]}} -gt 0 ]]; then
    _files
    return
  fi
  if [[ $PREFIX == -* ]]; then
    {fn}_words options "$cmdpath"
    local -a option_specs
    option_specs=("${{reply[@]}}")
    _describe -t options option option_specs
    return
  fi
  {fn}_words commands "$cmdpath"
  if (( ${{#reply}} )); then
    local -a command_specs
    command_specs=("${{reply[@]}}")
    _describe -t commands command command_specs
  else
    _files
  fi
}}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  {fn} "$@"
else
  compdef {fn} {name}
fi
)SH",
                     fmt::arg("name", name), fmt::arg("fn", fn), fmt::arg("commands", tables.commands),
                     fmt::arg("options", tables.options), fmt::arg("valued", tables.valued));
}

}  // namespace fwprov::clidoc
