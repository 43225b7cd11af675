// `fwprov help [TOPIC]`: topics that are not a single command's --help.
#include <fmt/core.h>

#include "commands.hpp"
#include "fwprov/core/error.hpp"

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

void print_exit_codes(const Context& context) {
  if (context.options.json) {
    nlohmann::json codes = nlohmann::json::array();
    codes.push_back({{"code", 0}, {"kind", "ok"}, {"meaning", "success"}});
    for (const auto& row : kExitCodes)
      codes.push_back({{"code", exit_code(row.kind)}, {"kind", kind_name(row.kind)}, {"meaning", row.meaning}});
    context.out.document({{"exit_codes", codes}});
    return;
  }
  context.out.result("code  kind      meaning");
  context.out.result(fmt::format("{:>4}  {:<8}  {}", 0, "ok", "success"));
  for (const auto& row : kExitCodes)
    context.out.result(fmt::format("{:>4}  {:<8}  {}", exit_code(row.kind), kind_name(row.kind), row.meaning));
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
  command->callback([&app, &context, topic] {
    if (topic->empty()) {
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
