#pragma once
// The PostgreSQL ledger (docs/ledger.md, "PostgreSQL"): the SQLite ledger's schema, version
// table and rules on a server several stations share. libpq is loaded at run time
// (dlopen "libpq.so.5", Debian's libpq5): fwprov links no PostgreSQL code, so the static
// build keeps its libc-only dependency and only a station that names a URL needs libpq5.
#include <memory>
#include <string>

#include "fwprov/provision/ledger.hpp"
#include "fwprov/provision/ledger_open.hpp"

namespace fwprov::provision {

// url: libpq's URI ("postgresql://user@host:port/db?sslmode=verify-full"). The password comes
// from the URL (given through an environment variable), PGPASSWORD, PGPASSFILE or ~/.pgpass
// (libpq reads them). Serial allocation is a row lock on the template's counter row inside
// begin_attempt's transaction: no number twice, and no gap (a rolled-back allocation returns
// its number; a SEQUENCE would lose it).
std::unique_ptr<Ledger> open_postgres_ledger(const std::string& url, const LedgerOpenOptions& options = {});

}  // namespace fwprov::provision
