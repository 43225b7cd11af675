#pragma once
// Text templates of the recipe: "ACME-{seq:06}" for serial numbers, "CN={serial},O=Acme" for
// subjects, "certs/{serial}/" for folders and `{name}` values in the storage CSV. `{{` and `}}`
// stand for literal braces. Unknown names are Input errors at the template's location.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fwprov/core/error.hpp"

namespace fwprov::provision {

// The names a template uses, in order (duplicates kept); throws Input on an unclosed brace
// or an empty name.
std::vector<std::string> placeholder_names(std::string_view text, const SourceLocation& where);

// Throws Input naming the first placeholder not in `known`.
void check_placeholders(std::string_view text, const std::set<std::string>& known, const SourceLocation& where);

// Replaces every {name} with lookup(name); nullopt from lookup is an Input error.
std::string expand(std::string_view text, const std::function<std::optional<std::string>(const std::string&)>& lookup,
                   const SourceLocation& where);

// A serial template must hold exactly one {seq} or {seq:0N} / {seq:N} (N <= 20) and nothing else
// in braces. Throws Input.
void check_serial_format(std::string_view format, const SourceLocation& where);
std::string format_serial(std::string_view format, std::uint64_t seq);

}  // namespace fwprov::provision
