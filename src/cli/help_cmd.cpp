// `fwprov help [TOPIC]`: topics that are not a single command's --help.
#include <fmt/core.h>

#include "commands.hpp"
#include "fwprov/clidoc/clidoc.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/bytes.hpp"
#include "fwprov/core/error.hpp"
#include "version.hpp"

namespace fwprov::cli {
namespace {

struct ExitCodeRow {
  ErrorKind kind;
  const char* meaning;
};

constexpr ExitCodeRow kExitCodes[] = {
    {ErrorKind::Internal, "internal error: a bug in fwprov; please report it"},
    {ErrorKind::Usage, "usage error: unknown option, missing argument, conflicting options"},
    {ErrorKind::Input, "bad input: a file or value is malformed (the message names file, line, field)"},
    {ErrorKind::Io, "I/O error: a file cannot be read or written, an output folder is missing"},
    {ErrorKind::Crypto, "key or crypto error: wrong/missing passphrase, unsupported or weak key"},
    {ErrorKind::Device, "device error: serial link, timeout, or the device refused a command"},
    {ErrorKind::Mismatch, "verification mismatch: a signature, checksum or match check failed"},
};

std::string exit_code_table() {
  std::string table = "code  kind      meaning\n" + fmt::format("{:>4}  {:<8}  {}\n", 0, "ok", "success");
  for (const auto& row : kExitCodes) table += fmt::format("{:>4}  {:<8}  {}\n", exit_code(row.kind), kind_name(row.kind), row.meaning);
  return table;
}

// `fwprov help --man DIR`: one page per command (fwprov.1, fwprov-flash.1, ...), written all
// or nothing. The build runs this after every link (cmake/cli_docs.cmake), so the installed
// pages come from the same definitions as --help.
void write_man_pages(const CLI::App& app, const Context& context, const std::string& dir) {
  clidoc::ManOptions options;
  options.version = "fwprov " + build_facts().version;
  options.root_extra.push_back({"EXIT STATUS", exit_code_table()});
  options.root_extra.push_back({"ENVIRONMENT",
                                "NO_COLOR          no colours in messages\n"
                                "FWPROV_STUB_DIR   a folder of flasher stubs (<chip>.json) for `fwprov flash`,\n"
                                "                  consulted after the package's own share/fwprov/stubs"});
  OutputBatch batch;
  for (auto& page : clidoc::man_pages(clidoc::describe(app), options))
    batch.add(std::filesystem::path(dir) / page.file_name, to_bytes(page.text));
  std::size_t count = batch.size();
  batch.commit();
  context.out.note(fmt::format("{} man pages written to {}", count, dir));
}

void print_completion(const CLI::App& app, const Context& context, const std::string& shell) {
  if (shell == "bash") context.out.result(clidoc::bash_completion(clidoc::describe(app)));
  else if (shell == "zsh") context.out.result(clidoc::zsh_completion(clidoc::describe(app)));
  else throw Error(ErrorKind::Usage, "--completion " + shell + ": expected bash or zsh");
}

void print_exit_codes(const Context& context) {
  if (context.options.json) {
    nlohmann::json codes = nlohmann::json::array();
    codes.push_back({{"code", 0}, {"kind", "ok"}, {"meaning", "success"}});
    for (const auto& row : kExitCodes)
      codes.push_back({{"code", exit_code(row.kind)}, {"kind", kind_name(row.kind)}, {"meaning", row.meaning}});
    context.out.document({{"exit_codes", codes}});
    return;
  }
  auto table = exit_code_table();
  table.pop_back();
  context.out.result(table);
}

// `fwprov help nvs generate`: the --help of that command, found word by word.
void print_command_help(const CLI::App& app, const Context& context, const std::vector<std::string>& words) {
  const CLI::App* current = &app;
  std::string path;
  std::string parents = "fwprov";  // for the Usage line: "fwprov nvs check"
  for (const auto& word : words) {
    const CLI::App* next = nullptr;
    for (const auto* sub : current->get_subcommands([](const CLI::App*) { return true; }))
      if (sub->get_name() == word) next = sub;
    if (next == nullptr || word == "help")
      throw Error(ErrorKind::Usage, SourceLocation{}, "unknown help topic '" + path + word + "'",
                  "topics: exit-codes, or any command (`fwprov help` lists them)");
    if (current != &app) parents += " " + current->get_name();
    path += word + " ";
    current = next;
  }
  std::string text = current->help(parents);
  if (context.options.json) return context.out.document({{"help", text}});
  context.out.result(text);
}

}  // namespace

void setup_help(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("help", "Help on a command or topic: `fwprov help nvs generate`, `fwprov help exit-codes`");
  auto topic = std::make_shared<std::vector<std::string>>();
  command->add_option("topic", *topic, "A command (and subcommand), or exit-codes")->type_name("TOPIC");
  // Hidden (no group): used by the build to generate the installed man pages and completions.
  auto man_dir = std::make_shared<std::string>();
  auto shell = std::make_shared<std::string>();
  command->add_option("--man", *man_dir, "Write the man pages into DIR")->type_name("DIR")->group("");
  command->add_option("--completion", *shell, "Print the bash or zsh completion script")->type_name("SHELL")->group("");
  command->callback([&app, &context, topic, man_dir, shell] {
    if (!man_dir->empty()) {
      write_man_pages(app, context, *man_dir);
    } else if (!shell->empty()) {
      print_completion(app, context, *shell);
    } else if (topic->empty()) {
      if (context.options.json) return context.out.document({{"help", app.help()}});
      context.out.result(app.help());
    } else if (topic->size() == 1 && topic->front() == "exit-codes") {
      print_exit_codes(context);
    } else {
      print_command_help(app, context, *topic);
    }
  });
}

}  // namespace fwprov::cli
