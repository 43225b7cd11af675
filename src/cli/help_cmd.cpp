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
    nlohmann::json doc = nlohmann::json::array();
    doc.push_back({{"code", 0}, {"kind", "ok"}, {"meaning", "success"}});
    for (const auto& row : kExitCodes)
      doc.push_back({{"code", exit_code(row.kind)}, {"kind", kind_name(row.kind)}, {"meaning", row.meaning}});
    context.out.document(doc);
    return;
  }
  auto table = exit_code_table();
  table.pop_back();
  context.out.result(table);
}

}  // namespace

void setup_help(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("help", "Help topics: `fwprov help exit-codes`");
  auto topic = std::make_shared<std::string>();
  command->add_option("topic", *topic, "exit-codes");
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
      context.out.result(app.help());
    } else if (*topic == "exit-codes") {
      print_exit_codes(context);
    } else {
      throw Error(ErrorKind::Usage, "unknown help topic '" + *topic + "' (known: exit-codes)");
    }
  });
}

}  // namespace fwprov::cli
