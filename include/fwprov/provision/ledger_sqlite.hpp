#pragma once
// The SQLite ledger: one file, WAL journal, a schema_version table and forward migrations
// (docs/provision.md has the schema). ":memory:" gives a private in-memory ledger for tests.
#include <filesystem>
#include <memory>

#include "fwprov/provision/ledger.hpp"

namespace fwprov::provision {

struct SqliteLedgerOptions {
  bool create = true;  // false: an Io error when the file does not exist (ledger list/show/export)
  bool read_only = false;
};

// Opens (creating and migrating as needed). Io errors name the file; a file written by a
// newer fwprov (schema version above kLedgerSchemaVersion) is refused.
std::unique_ptr<Ledger> open_sqlite_ledger(const std::filesystem::path& path, const SqliteLedgerOptions& options = {});

// The current UTC time as "2026-01-31T12:00:00.123Z" (what the ledger stores).
std::string utc_timestamp();

}  // namespace fwprov::provision
