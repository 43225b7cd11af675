// open_ledger: a SQLite file or a PostgreSQL URL, chosen by the text's form (ledger_open.hpp).
#include "fwprov/provision/ledger_open.hpp"

#include <cstdlib>

#include "fwprov/core/error.hpp"
#include "fwprov/provision/ledger_postgres.hpp"
#include "fwprov/provision/ledger_sqlite.hpp"

namespace fwprov::provision {
namespace {

namespace fs = std::filesystem;

struct UrlParts {
  std::size_t userinfo_begin = 0, userinfo_end = 0;  // [begin, end): "user:password" before '@'
  std::size_t query_begin = std::string::npos;       // just after '?'
};

UrlParts split_url(const std::string& url) {
  UrlParts parts;
  std::size_t start = url.find("://") + 3;
  std::size_t authority_end = url.find_first_of("/?#", start);
  if (authority_end == std::string::npos) authority_end = url.size();
  std::size_t at = url.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
  if (at != std::string::npos && at >= start) {
    parts.userinfo_begin = start;
    parts.userinfo_end = at;
  }
  if (std::size_t q = url.find('?', start); q != std::string::npos) parts.query_begin = q + 1;
  return parts;
}

// Calls f(value_begin, value_end) for every "password=" parameter of the query.
template <typename F>
void for_each_query_password(const std::string& url, std::size_t query_begin, F f) {
  std::size_t at = query_begin;
  while (at != std::string::npos && at < url.size()) {
    std::size_t end = url.find_first_of("&#", at);
    if (end == std::string::npos) end = url.size();
    if (url.compare(at, 9, "password=") == 0) f(at + 9, end);
    at = end < url.size() && url[end] == '&' ? end + 1 : std::string::npos;
  }
}

}  // namespace

bool is_ledger_url(const std::string& path_or_url) {
  return path_or_url.rfind("postgresql://", 0) == 0 || path_or_url.rfind("postgres://", 0) == 0;
}

std::string redact_ledger_url(const std::string& path_or_url) {
  if (!is_ledger_url(path_or_url)) return path_or_url;
  std::string url = path_or_url;
  UrlParts parts = split_url(url);
  // The query first: replacing the user-info part would move its offsets.
  std::vector<std::pair<std::size_t, std::size_t>> values;
  for_each_query_password(url, parts.query_begin, [&](std::size_t b, std::size_t e) { values.emplace_back(b, e); });
  for (auto it = values.rbegin(); it != values.rend(); ++it) url.replace(it->first, it->second - it->first, "***");
  if (parts.userinfo_end > parts.userinfo_begin) {
    std::size_t colon = url.find(':', parts.userinfo_begin);
    if (colon != std::string::npos && colon < parts.userinfo_end) url.replace(colon + 1, parts.userinfo_end - colon - 1, "***");
  }
  return url;
}

bool ledger_url_has_password(const std::string& url) {
  if (!is_ledger_url(url)) return false;
  UrlParts parts = split_url(url);
  bool found = false;
  if (parts.userinfo_end > parts.userinfo_begin) {
    std::size_t colon = url.find(':', parts.userinfo_begin);
    found = colon != std::string::npos && colon + 1 < parts.userinfo_end;
  }
  for_each_query_password(url, parts.query_begin, [&](std::size_t b, std::size_t e) { found = found || e > b; });
  return found;
}

void check_command_line_ledger(const std::string& path_or_url) {
  if (ledger_url_has_password(path_or_url))
    throw Error(ErrorKind::Usage, "--ledger " + redact_ledger_url(path_or_url) +
                                      ": no password on the command line (ps shows it to every user); put it in PGPASSWORD, PGPASSFILE or "
                                      "~/.pgpass, or the whole URL in the variable the recipe's ledger.url_env names");
}

std::string recipe_ledger_location(const Recipe& recipe) {
  const LedgerSection& l = recipe.ledger;
  if (!l.url_env.empty()) {
    const char* value = std::getenv(l.url_env.c_str());
    if (!value || !*value)
      throw Error(ErrorKind::Input, SourceLocation(recipe.file.string(), 0, 0, "ledger.url_env"),
                  "environment variable " + l.url_env + " (the ledger's URL) is not set");
    if (!is_ledger_url(value))
      throw Error(ErrorKind::Input, SourceLocation(recipe.file.string(), 0, 0, "ledger.url_env"),
                  "environment variable " + l.url_env + " does not hold a postgresql:// URL");
    return value;
  }
  if (!l.url.empty()) return l.url;
  return (l.path.is_absolute() ? l.path : recipe.dir / l.path).string();
}

std::unique_ptr<Ledger> open_ledger(const std::string& path_or_url, const LedgerOpenOptions& options) {
  if (is_ledger_url(path_or_url)) return open_postgres_ledger(path_or_url, options);
  if (!options.create && options.missing_ok && path_or_url != ":memory:" && !fs::exists(path_or_url)) return nullptr;
  return open_sqlite_ledger(path_or_url, {options.create, options.read_only});
}

}  // namespace fwprov::provision
