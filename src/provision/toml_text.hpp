#pragma once
// A check of a recipe's text before toml++ sees it. toml++ 3.3 (Debian's) reaches undefined
// behaviour (TOML_UNREACHABLE in is_non_ascii_horizontal_whitespace) when it asks whether some
// non-ASCII characters (U+00A1..U+0499 among them: é, ü, §) are whitespace: it does so for
// such a character outside a string (marzer/tomlplusplus#295, fixed after 3.4) and for the
// first character after a line-ending backslash in a """ string (#190). recipe_fuzz found it.
// Outside strings and comments TOML allows only ASCII, so refusing those first changes no
// valid recipe's meaning; the backslash case is refused with advice.
#include <string>
#include <string_view>

namespace fwprov::provision {

// Input error naming file, line and column; nothing for any other text (toml++ judges that).
void check_toml_text(std::string_view text, const std::string& file);

}  // namespace fwprov::provision
