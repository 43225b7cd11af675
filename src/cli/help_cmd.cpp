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
    nlohmann::json doc = nlohmann::json::array();
    doc.push_back({{"code", 0}, {"kind", "ok"}, {"meaning", "success"}});
    for (const auto& row : kExitCodes)
      doc.push_back({{"code", exit_code(row.kind)}, {"kind", kind_name(row.kind)}, {"meaning", row.meaning}});
    context.out.document(doc);
    return;
  }
  context.out.result("code  kind      meaning");
  context.out.result(fmt::format("{:>4}  {:<8}  {}", 0, "ok", "success"));
  for (const auto& row : kExitCodes)
    context.out.result(fmt::format("{:>4}  {:<8}  {}", exit_code(row.kind), kind_name(row.kind), row.meaning));
}

}  // namespace

void setup_help(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("help", "Help topics: `fwprov help exit-codes`");
  auto topic = std::make_shared<std::string>();
  command->add_option("topic", *topic, "exit-codes");
  command->callback([&app, &context, topic] {
    if (topic->empty()) {
      context.out.result(app.help());
    } else if (*topic == "exit-codes") {
      print_exit_codes(context);
    } else {
      throw Error(ErrorKind::Usage, "unknown help topic '" + *topic + "' (known: exit-codes)");
    }
  });
}

}  // namespace fwprov::cli
