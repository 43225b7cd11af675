#include "fwprov/provision/placeholders.hpp"

#include <fmt/core.h>

#include <charconv>

namespace fwprov::provision {
namespace {

// Walks a template: literal text to `on_text`, each {name} to `on_name`.
void walk_template(std::string_view text, const SourceLocation& where, const std::function<void(std::string_view)>& on_text,
                   const std::function<void(const std::string&)>& on_name) {
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      on_text(text.substr(i, 1));
      i += 2;
      continue;
    }
    if (c == '}') throw Error(ErrorKind::Input, where, fmt::format("'}}' without '{{' in \"{}\" (write }}}} for a literal brace)", text));
    if (c == '{') {
      auto close = text.find('}', i + 1);
      if (close == std::string_view::npos) throw Error(ErrorKind::Input, where, fmt::format("unclosed '{{' in \"{}\"", text));
      std::string name(text.substr(i + 1, close - i - 1));
      if (name.empty()) throw Error(ErrorKind::Input, where, fmt::format("empty placeholder {{}} in \"{}\"", text));
      on_name(name);
      i = close + 1;
      continue;
    }
    auto next = text.find_first_of("{}", i);
    if (next == std::string_view::npos) next = text.size();
    on_text(text.substr(i, next - i));
    i = next;
  }
}

struct SeqSpec {
  int width = 0;
  bool zero = false;
};

std::optional<SeqSpec> parse_seq(const std::string& name) {
  if (name == "seq") return SeqSpec{};
  if (name.rfind("seq:", 0) != 0) return std::nullopt;
  std::string_view spec(name);
  spec.remove_prefix(4);
  SeqSpec result;
  if (!spec.empty() && spec[0] == '0') {
    result.zero = true;
    spec.remove_prefix(1);
  }
  if (spec.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), result.width);
  if (ec != std::errc() || end != spec.data() + spec.size() || result.width < 1 || result.width > 20) return std::nullopt;
  return result;
}

}  // namespace

std::vector<std::string> placeholder_names(std::string_view text, const SourceLocation& where) {
  std::vector<std::string> names;
  walk_template(text, where, [](std::string_view) {}, [&](const std::string& name) { names.push_back(name); });
  return names;
}

void check_placeholders(std::string_view text, const std::set<std::string>& known, const SourceLocation& where) {
  for (const auto& name : placeholder_names(text, where)) {
    if (known.count(name)) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "{" : ", {") + k + "}";
    throw Error(ErrorKind::Input, where, fmt::format("unknown placeholder {{{}}} in \"{}\" (known here: {})", name, text, list));
  }
}

std::string expand(std::string_view text, const std::function<std::optional<std::string>(const std::string&)>& lookup,
                   const SourceLocation& where) {
  std::string out;
  walk_template(
      text, where, [&](std::string_view literal) { out += literal; },
      [&](const std::string& name) {
        auto value = lookup(name);
        if (!value) throw Error(ErrorKind::Input, where, fmt::format("unknown placeholder {{{}}} in \"{}\"", name, text));
        out += *value;
      });
  return out;
}

void check_serial_format(std::string_view format, const SourceLocation& where) {
  int seq_count = 0;
  for (const auto& name : placeholder_names(format, where)) {
    if (!parse_seq(name))
      throw Error(ErrorKind::Input, where,
                  fmt::format("\"{}\": a serial template takes only {{seq}} or {{seq:0N}} (N digits, zero-padded), not {{{}}}", format, name));
    ++seq_count;
  }
  if (seq_count != 1)
    throw Error(ErrorKind::Input, where, fmt::format("\"{}\": a serial template needs exactly one {{seq}} or {{seq:0N}}", format));
}

std::string format_serial(std::string_view format, std::uint64_t seq) {
  return expand(
      format,
      [seq](const std::string& name) -> std::optional<std::string> {
        auto spec = parse_seq(name);
        if (!spec) return std::nullopt;
        std::string digits = std::to_string(seq);
        if (static_cast<int>(digits.size()) < spec->width)
          digits.insert(0, static_cast<std::size_t>(spec->width) - digits.size(), spec->zero ? '0' : ' ');
        return digits;
      },
      SourceLocation{});
}

}  // namespace fwprov::provision
