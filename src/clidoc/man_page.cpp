// roff for man(7): one page for the program, one per command, subsections for subcommands.
#include <fmt/core.h>

#include <algorithm>
#include <cctype>

#include "fwprov/clidoc/clidoc.hpp"
#include "fwprov/core/atomic_output.hpp"

namespace fwprov::clidoc {
namespace {

// Text to roff: backslashes and hyphens escaped (a "-" that is typed must stay an ASCII minus
// when copied from the page), and a line may not start with a control character.
std::string roff_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = false;
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
    if (c == '\n') line_start = true;
  }
  return out;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Lines as the author broke them (--help prints them that way too), blank lines as paragraphs.
std::string block(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
  while (!trimmed.empty() && trimmed.front() == '\n') trimmed.erase(trimmed.begin());
  if (trimmed.empty()) return {};
  return ".nf\n" + roff_escape(trimmed) + "\n.fi\n";
}

std::string option_label(const OptionDoc& option, bool positional) {
  std::string label;
  for (const auto& name : option.names) {
    if (!label.empty()) label += ", ";
    label += positional ? "\\fI" + roff_escape(name) + "\\fR" : "\\fB" + roff_escape(name) + "\\fR";
  }
  if (!option.value_name.empty() && !positional) label += " \\fI" + roff_escape(option.value_name) + "\\fR";
  if (positional && option.repeated) label += "...";
  return label;
}

std::string option_list(const std::vector<OptionDoc>& options, bool positional) {
  std::string out;
  for (const auto& option : options) {
    out += ".TP\n" + option_label(option, positional) + "\n";
    std::string text = option.description;
    if (option.required) text += text.empty() ? "Required." : " (required)";
    if (!option.default_value.empty()) text += fmt::format(" (default: {})", option.default_value);
    if (!option.environment.empty()) text += fmt::format(" (environment: {})", option.environment);
    out += text.empty() ? "\n" : roff_escape(text) + "\n";
  }
  return out;
}

std::string synopsis(const CommandDoc& command) {
  std::string out = "\\fB" + roff_escape(command.joined_path()) + "\\fR";
  if (!command.options.empty()) out += " [\\fIOPTIONS\\fR]";
  for (const auto& positional : command.positionals) {
    std::string name = "\\fI" + roff_escape(positional.names.front()) + "\\fR" + (positional.repeated ? "..." : "");
    out += " " + (positional.required ? name : "[" + name + "]");
  }
  if (!command.subcommands.empty()) out += " \\fICOMMAND\\fR";
  return ".nf\n" + out + "\n.fi\n";
}

std::string page_name(const CommandDoc& command) {
  std::string name;
  for (const auto& part : command.path) name += (name.empty() ? "" : "-") + part;
  return name;
}

std::string header(const std::string& name, std::string what, const ManOptions& options) {
  // "fwprov-sim: a simulated ESP32 ..." reads "fwprov-sim \- a simulated ESP32 ..." in NAME.
  if (what.rfind(name + ": ", 0) == 0) what.erase(0, name.size() + 2);
  // The date field stays empty: the page is generated at every build, a date would only add
  // noise to reproducible packages.
  // .nh/.ad l: option names and paths must not be hyphenated or stretched.
  return fmt::format(".TH \"{}\" \"1\" \"\" \"{}\" \"{}\"\n.SH NAME\n{} \\- {}\n.nh\n.ad l\n", upper(name),
                     options.version, options.manual, roff_escape(name), roff_escape(what));
}

// A subcommand's synopsis, text, options and its own subcommands, under .SS headings.
std::string subcommand_section(const CommandDoc& command) {
  std::string out = ".SS \"" + roff_escape(command.joined_path()) + "\"\n" + synopsis(command) + ".PP\n";
  if (!command.aliases.empty()) {
    std::string names;
    for (const auto& alias : command.aliases) names += (names.empty() ? "" : ", ") + ("\\fB" + roff_escape(alias) + "\\fR");
    out += "Also spelled " + names + ".\n.PP\n";
  }
  out += block(command.description);
  if (!command.positionals.empty()) out += ".PP\nArguments:\n.RS\n" + option_list(command.positionals, true) + ".RE\n";
  if (!command.options.empty()) out += ".PP\nOptions:\n.RS\n" + option_list(command.options, false) + ".RE\n";
  if (!command.footer.empty()) out += ".PP\n" + block(command.footer);
  for (const auto& sub : command.subcommands) out += subcommand_section(sub);
  return out;
}

ManPage command_page(const CommandDoc& command, const CommandDoc& program, const ManOptions& options) {
  std::string name = page_name(command);
  std::string out = header(name, first_line(command.description), options);
  out += ".SH SYNOPSIS\n" + synopsis(command);
  out += ".SH DESCRIPTION\n" + block(command.description);
  if (!command.positionals.empty()) out += ".SH ARGUMENTS\n" + option_list(command.positionals, true);
  if (!command.options.empty()) out += ".SH OPTIONS\n" + option_list(command.options, false);
  if (!command.subcommands.empty()) {
    out += ".SH COMMANDS\n";
    for (const auto& sub : command.subcommands) out += subcommand_section(sub);
  }
  if (!command.footer.empty()) out += ".SH NOTES\n" + block(command.footer);
  out += ".SH GLOBAL OPTIONS\nThe options of \\fB" + roff_escape(program.joined_path()) +
         "\\fR(1) are accepted before or after the command:\n" + option_list(program.options, false);
  out += ".SH SEE ALSO\n\\fB" + roff_escape(page_name(program)) + "\\fR(1)\n";
  return {name + ".1", out};
}

ManPage program_page(const CommandDoc& program, const ManOptions& options) {
  std::string name = page_name(program);
  std::string out = header(name, first_line(program.description), options);
  out += ".SH SYNOPSIS\n" + synopsis(program);
  out += ".SH DESCRIPTION\n" + block(program.description);
  if (!program.options.empty()) out += ".SH OPTIONS\n" + option_list(program.options, false);
  if (!program.subcommands.empty()) out += ".SH COMMANDS\n";
  for (const auto& command : program.subcommands)
    out += ".TP\n\\fB" + roff_escape(page_name(command)) + "\\fR(1)\n" + roff_escape(first_line(command.description)) + "\n";
  for (const auto& section : options.root_extra) out += ".SH " + upper(section.title) + "\n" + block(section.body);
  if (!program.footer.empty()) out += ".SH NOTES\n" + block(program.footer);
  std::vector<std::string> see_also;
  for (const auto& command : program.subcommands) see_also.push_back("\\fB" + roff_escape(page_name(command)) + "\\fR(1)");
  for (const auto& page : options.see_also) {
    auto paren = page.find('(');
    see_also.push_back("\\fB" + roff_escape(page.substr(0, paren)) + "\\fR" + (paren == std::string::npos ? "" : page.substr(paren)));
  }
  if (!see_also.empty()) out += ".SH SEE ALSO\n";
  for (std::size_t i = 0; i < see_also.size(); ++i) out += (i ? ",\n" : "") + see_also[i];
  if (!see_also.empty()) out += "\n";
  return {name + ".1", out};
}

}  // namespace

void add_man_option(CLI::App& app, ManOptions options) {
  app.add_option_function<std::string>(
         "--man",
         [&app, options](const std::string& dir) {
           OutputBatch batch;
           for (auto& page : man_pages(describe(app), options))
             batch.add(std::filesystem::path(dir) / page.file_name, to_bytes(page.text));
           batch.commit();
           throw CLI::Success();
         },
         "Write the man page into DIR")
      ->type_name("DIR")
      ->group("");
}

std::vector<ManPage> man_pages(const CommandDoc& program, const ManOptions& options) {
  std::vector<ManPage> pages{program_page(program, options)};
  for (const auto& command : program.subcommands) pages.push_back(command_page(command, program, options));
  return pages;
}

}  // namespace fwprov::clidoc
