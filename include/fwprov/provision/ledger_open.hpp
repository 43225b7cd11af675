#pragma once
// Opening a ledger by where it lives: a SQLite file path, or a PostgreSQL URL
// ("postgresql://..." or "postgres://...") for a line whose stations share one serial pool
// (docs/ledger.md, "PostgreSQL"). Every caller (provision, ledger list/show/export, benches)
// goes through open_ledger, so a new back end is one more branch here.
#include <memory>
#include <string>

#include "fwprov/provision/ledger.hpp"
#include "fwprov/provision/recipe.hpp"

namespace fwprov::provision {

struct LedgerOpenOptions {
  bool create = true;       // false: an Io error when there is no ledger yet (ledger list/show/export)
  bool read_only = false;   // no migration, no writes (--dry-run, reports)
  bool missing_ok = false;  // with create = false: nullptr instead of the error when there is no ledger
};

// true for "postgresql://..." and "postgres://..." (libpq's URI forms); anything else is a file.
bool is_ledger_url(const std::string& path_or_url);

// The URL with its password (user:PASSWORD@ or ?password=) replaced by "***", for messages.
// Text that is not a URL comes back unchanged.
std::string redact_ledger_url(const std::string& path_or_url);

// true when a PostgreSQL URL carries a password (refused on the command line: argv is public).
bool ledger_url_has_password(const std::string& url);

// A ledger named on the command line (--ledger, --db): a URL there must not carry a password
// (argv is visible to every user through ps); a Usage error says where the password goes.
void check_command_line_ledger(const std::string& path_or_url);

// Where a recipe's ledger lives: ledger.url_env's variable, ledger.url, or ledger.path beside
// the recipe. An unset url_env variable is an Input error naming the recipe key.
std::string recipe_ledger_location(const Recipe& recipe);

// Opens (creating and migrating as needed) the ledger at path_or_url. Errors are Io errors
// whose origin is the file or the redacted URL; a schema newer than this fwprov is refused.
std::unique_ptr<Ledger> open_ledger(const std::string& path_or_url, const LedgerOpenOptions& options = {});

}  // namespace fwprov::provision
