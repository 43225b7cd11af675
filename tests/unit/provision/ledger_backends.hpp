#pragma once
// The ledger back ends the unit tests run against: SQLite always; PostgreSQL when the ctest
// fixture (pg_fixture.sh) started a server and wrote its URL to $FWPROV_TEST_PG_DIR/url.
// Each PostgreSQL ledger lives in a schema of its own (the URL's search_path), so test cases
// that run in parallel never see each other's rows.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "fwprov/provision/ledger_open.hpp"
#include "pg_client.hpp"

namespace ledger_test {

// The fixture's server URL, or "" (and a SKIP line on stderr, once) without one.
inline std::string postgres_url() {
  static const std::string url = [] {
    const char* dir = std::getenv("FWPROV_TEST_PG_DIR");
    std::string line;
    if (dir) {
      std::ifstream file(std::filesystem::path(dir) / "url");
      std::getline(file, line);
    }
    if (line.empty()) std::fprintf(stderr, "SKIP: no PostgreSQL test server (FWPROV_TEST_PG_DIR/url); ledger tests run on SQLite only\n");
    return line;
  }();
  return url;
}

inline std::vector<std::string> backends() {
  if (postgres_url().empty()) return {"sqlite"};
  return {"sqlite", "postgresql"};
}

// A new empty schema on the test server; the URL that makes it the ledger's.
inline std::string fresh_postgres_url() {
  static std::atomic<int> counter{0};
  std::string schema = "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  fwprov::provision::pg::Connection admin(postgres_url(), "test", false);
  admin.exec(("DROP SCHEMA IF EXISTS " + schema + " CASCADE").c_str());
  admin.exec(("CREATE SCHEMA " + schema).c_str());
  const std::string& base = postgres_url();
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

// Where a fresh, empty ledger of this back end lives (a file for SQLite: several connections
// must see the same database).
inline std::string fresh_location(const std::string& backend) {
  if (backend == "postgresql") return fresh_postgres_url();
  static std::atomic<int> counter{0};
  std::filesystem::create_directories(FWPROV_TEST_TMP_DIR);
  auto path = std::filesystem::path(FWPROV_TEST_TMP_DIR) / ("ledger-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

// An empty ledger: in-memory SQLite, or a fresh PostgreSQL schema.
inline std::unique_ptr<fwprov::provision::Ledger> fresh_ledger(const std::string& backend) {
  return fwprov::provision::open_ledger(backend == "postgresql" ? fresh_postgres_url() : std::string(":memory:"));
}

}  // namespace ledger_test
