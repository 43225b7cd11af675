// The PostgreSQL ledger's own concerns: schema creation and migration (also by several
// stations at once), refusing a newer schema, a database without a ledger, and passwords
// that never reach a message. URL handling needs no server; the rest uses the test fixture's.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <netinet/in.h>

#include <thread>

#include "fwprov/core/error.hpp"
#include "fwprov/provision/ledger_postgres.hpp"
#include "ledger_backends.hpp"

using namespace fwprov;
using namespace fwprov::provision;

namespace {

// A loopback port nobody listens on (bound, read back, closed).
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

AttemptStart pg_start_for(const std::string& mac) { return {mac, "esp32", "line-1", "alice", "test", "abcd", false}; }

}  // namespace

TEST_CASE("ledger URLs: which text is a URL, redaction, passwords") {
  CHECK(is_ledger_url("postgresql://db.line/ledger"));
  CHECK(is_ledger_url("postgres://db.line/ledger"));
  CHECK_FALSE(is_ledger_url("fwprov-ledger.db"));
  CHECK_FALSE(is_ledger_url("/var/lib/postgresql://x"));
  CHECK(redact_ledger_url("postgresql://fwprov:s3cret@db.line:5432/ledger") == "postgresql://fwprov:***@db.line:5432/ledger");
  CHECK(redact_ledger_url("postgresql://fwprov@db.line/ledger?sslmode=require&password=s3cret&connect_timeout=5") ==
        "postgresql://fwprov@db.line/ledger?sslmode=require&password=***&connect_timeout=5");
  CHECK(redact_ledger_url("postgresql://u:p%40ss@db/x?password=q") == "postgresql://u:***@db/x?password=***");
  CHECK(redact_ledger_url("postgresql://fwprov@db.line/ledger") == "postgresql://fwprov@db.line/ledger");
  CHECK(redact_ledger_url("ledger:with:colons.db") == "ledger:with:colons.db");
  CHECK(ledger_url_has_password("postgresql://fwprov:s3cret@db.line/ledger"));
  CHECK(ledger_url_has_password("postgresql://db.line/ledger?password=s3cret"));
  CHECK_FALSE(ledger_url_has_password("postgresql://fwprov@db.line/ledger?sslmode=verify-full"));
  CHECK_FALSE(ledger_url_has_password("postgresql://fwprov:@db.line/ledger"));
  CHECK_THROWS_AS(check_command_line_ledger("postgresql://fwprov:s3cret@db/x"), Error);
  CHECK_NOTHROW(check_command_line_ledger("postgresql://fwprov@db/x"));
}

TEST_CASE("an unreachable PostgreSQL ledger: one line, exit 4, no password") {
  std::string url = "postgresql://fwprov:hunter2-secret@127.0.0.1:" + std::to_string(closed_port()) + "/ledger?password=hunter2-secret";
  try {
    open_ledger(url);
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::Io);
    std::string text = error.where().to_string() + " " + error.message();
    INFO(text);
    CHECK(text.find("hunter2") == std::string::npos);
    CHECK(text.find('\n') == std::string::npos);
    CHECK_THAT(text, Catch::Contains("***") && Catch::Contains("cannot connect to the PostgreSQL ledger") && Catch::Contains("refused"));
  }
}

TEST_CASE("PostgreSQL: schema created once by racing stations, version recorded, newer schema refused") {
  if (ledger_test::postgres_url().empty()) return;  // SKIP printed by postgres_url()
  std::string url = ledger_test::fresh_postgres_url();
  // No ledger yet: reports say so (or get nothing with missing_ok), nothing is created.
  CHECK_THROWS_WITH(open_ledger(url, {.create = false}), Catch::Contains("no ledger in this database"));
  CHECK(open_ledger(url, {.create = false, .read_only = true, .missing_ok = true}) == nullptr);
  // Four stations start at once on an empty database: one migrates, the others wait and use it.
  std::vector<std::thread> stations;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i)
    stations.emplace_back([&] {
      try {
        open_ledger(url);
      } catch (const std::exception& error) {
        ++failures;
        std::fprintf(stderr, "station: %s\n", error.what());
      }
    });
  for (auto& t : stations) t.join();
  CHECK(failures == 0);
  pg::Connection admin(url, "test", false);
  CHECK(admin.exec("SELECT version FROM schema_version").text(0, 0) == std::to_string(kLedgerSchemaVersion));
  CHECK(admin.exec("SELECT count(*) FROM schema_version").text(0, 0) == "1");
  {
    auto ledger = open_ledger(url);
    ledger->begin_attempt(pg_start_for("24:0a:c4:00:00:01"), {"ACME-{seq:06}", 1});
    auto reader = open_ledger(url, {.create = false, .read_only = true});
    CHECK(reader->list_devices().size() == 1);
    CHECK_THROWS_AS(reader->begin_attempt(pg_start_for("24:0a:c4:00:00:02"), {"ACME-{seq:06}", 1}), Error);  // read-only
  }
  admin.exec("UPDATE schema_version SET version = 99");
  CHECK_THROWS_WITH(open_ledger(url), Catch::Contains("newer fwprov"));
  CHECK_THROWS_WITH(open_ledger(url, {.create = false, .read_only = true}), Catch::Contains("schema version 99"));
}

TEST_CASE("PostgreSQL: a begin_attempt cut off mid-transaction leaves nothing and burns no number") {
  if (ledger_test::postgres_url().empty()) return;
  std::string url = ledger_test::fresh_postgres_url();
  auto ledger = open_ledger(url);
  const SerialRule rule{"ACME-{seq:06}", 1};
  CHECK(ledger->begin_attempt(pg_start_for("24:0a:c4:00:00:01"), rule).serial == "ACME-000001");
  // A device insert that fails after the counter moved (here: a trigger refuses it, as a lost
  // connection would end it) rolls the counter back with it.
  pg::Connection admin(url, "test", false);
  admin.exec_script("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;"
                    "CREATE TRIGGER refuse BEFORE INSERT ON devices FOR EACH ROW EXECUTE FUNCTION refuse();");
  CHECK_THROWS_WITH(ledger->begin_attempt(pg_start_for("24:0a:c4:00:00:02"), rule), Catch::Contains("refused by test"));
  admin.exec("DROP TRIGGER refuse ON devices");
  CHECK(ledger->peek_serial(rule) == "ACME-000002");
  CHECK(ledger->begin_attempt(pg_start_for("24:0a:c4:00:00:02"), rule).serial == "ACME-000002");
  CHECK(ledger->list_devices().size() == 2);
}

TEST_CASE("PostgreSQL: a station whose server session was dropped between devices connects again") {
  if (ledger_test::postgres_url().empty()) return;
  std::string name = "reconnect-" + std::to_string(::getpid());
  std::string url = ledger_test::fresh_postgres_url() + "&application_name=" + name;
  auto ledger = open_ledger(url);
  const SerialRule rule{"ACME-{seq:06}", 1};
  CHECK(ledger->begin_attempt(pg_start_for("24:0a:c4:00:00:01"), rule).serial == "ACME-000001");
  pg::Connection admin(url, "test", false);  // also named `name`: pid <> pg_backend_pid() spares it
  // waits (up to 10 s) until the ledger's session is gone, so the next call finds it dropped
  CHECK(admin.exec(("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE application_name = '" + name + "' AND pid <> pg_backend_pid()").c_str())
            .rows() == 1);
  CHECK(ledger->begin_attempt(pg_start_for("24:0a:c4:00:00:02"), rule).serial == "ACME-000002");
}
