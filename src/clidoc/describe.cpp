#include "fwprov/clidoc/clidoc.hpp"

namespace fwprov::clidoc {
namespace {

// CLI11 hides options and subcommands whose group is empty; --help leaves them out, so do we.
bool visible_option(const CLI::Option* option) { return !option->get_group().empty(); }

OptionDoc describe_option(const CLI::Option* option) {
  OptionDoc doc;
  if (option->nonpositional()) {
    for (const auto& name : option->get_snames()) doc.names.push_back("-" + name);
    for (const auto& name : option->get_lnames()) doc.names.push_back("--" + name);
  } else {
    doc.names.push_back(option->get_name(true, false));
  }
  // A flag takes no value (type size 0); everything else shows the value's type name.
  if (option->get_type_size_max() != 0) doc.value_name = option->get_type_name();
  doc.description = option->get_description();
  doc.default_value = option->get_default_str();
  doc.environment = option->get_envname();
  doc.required = option->get_required();
  doc.repeated = option->get_items_expected_max() > 1;
  return doc;
}

CommandDoc describe_at(const CLI::App& app, std::vector<std::string> path) {
  CommandDoc doc;
  doc.path = std::move(path);
  doc.aliases = app.get_aliases();
  doc.description = app.get_description();
  doc.footer = app.get_footer();
  doc.fallthrough = app.get_fallthrough();
  for (const CLI::Option* option : app.get_options(visible_option)) {
    if (option->nonpositional()) doc.options.push_back(describe_option(option));
    else doc.positionals.push_back(describe_option(option));
  }
  auto subcommands = app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
  for (const CLI::App* sub : subcommands) {
    auto sub_path = doc.path;
    sub_path.push_back(sub->get_name());
    doc.subcommands.push_back(describe_at(*sub, std::move(sub_path)));
  }
  return doc;
}

}  // namespace

std::string CommandDoc::joined_path() const {
  std::string text;
  for (const auto& part : path) text += (text.empty() ? "" : " ") + part;
  return text;
}

CommandDoc spelled_as(const CommandDoc& command, const std::string& alias) {
  CommandDoc copy = command;
  std::size_t depth = command.path.size() - 1;
  auto rename = [&](auto& self, CommandDoc& doc) -> void {
    doc.path[depth] = alias;
    for (auto& sub : doc.subcommands) self(self, sub);
  };
  rename(rename, copy);
  copy.aliases.clear();
  return copy;
}

CommandDoc describe(const CLI::App& app) { return describe_at(app, {app.get_name()}); }

}  // namespace fwprov::clidoc
