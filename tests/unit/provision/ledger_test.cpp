#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/provision/ledger_sqlite.hpp"
#include "ledger_backends.hpp"

using namespace fwprov;
using namespace fwprov::provision;
using ledger_test::backends;
using ledger_test::fresh_ledger;

namespace {

AttemptStart start_for(const std::string& mac, bool reprovision = false) {
  return {mac, "esp32", "line-1", "alice", "test", "abcd", reprovision};
}
const SerialRule kRule{"ACME-{seq:06}", 1};

CertificateRecord certificate(const std::string& sha) { return {"01", "CN=x", sha, "pub" + sha, "-----BEGIN CERTIFICATE-----"}; }

AttemptResult ok_result() {
  AttemptResult result;
  result.ok = true;
  return result;
}

}  // namespace

TEST_CASE("serials are handed out in order, once each (every back end)") {
  auto backend = GENERATE(from_range(backends()));
  INFO("back end: " << backend);
  auto ledger = fresh_ledger(backend);
  CHECK(ledger->peek_serial(kRule) == "ACME-000001");
  auto a = ledger->begin_attempt(start_for("24:0a:c4:00:00:01"), kRule);
  auto b = ledger->begin_attempt(start_for("24:0a:c4:00:00:02"), kRule);
  CHECK(a.serial == "ACME-000001");
  CHECK(b.serial == "ACME-000002");
  CHECK(a.new_device);
  CHECK(ledger->peek_serial(kRule) == "ACME-000003");
  // a different `first` never goes backwards
  CHECK(ledger->begin_attempt(start_for("24:0a:c4:00:00:03"), {"ACME-{seq:06}", 100}).serial == "ACME-000100");
  CHECK(ledger->begin_attempt(start_for("24:0a:c4:00:00:04"), kRule).serial == "ACME-000101");
}

TEST_CASE("a failed or interrupted device keeps its serial, a new certificate supersedes the old one (every back end)") {
  auto backend = GENERATE(from_range(backends()));
  INFO("back end: " << backend);
  auto ledger = fresh_ledger(backend);
  auto first = ledger->begin_attempt(start_for("24:0a:c4:00:00:01"), kRule);
  ledger->record_certificate(first, certificate("aa"));
  // interrupted: no finish_attempt
  auto other = ledger->begin_attempt(start_for("24:0a:c4:00:00:02"), kRule);
  CHECK(other.serial == "ACME-000002");
  auto again = ledger->begin_attempt(start_for("24:0a:c4:00:00:01"), kRule);
  CHECK(again.serial == "ACME-000001");
  CHECK_FALSE(again.new_device);
  CHECK(again.previous_attempts == 1);
  ledger->record_certificate(again, certificate("bb"));
  ledger->finish_attempt(again, ok_result());

  auto detail = ledger->show_device("ACME-000001");
  REQUIRE(detail);
  REQUIRE(detail->attempts.size() == 2);
  CHECK(detail->attempts[0].result == "incomplete");
  CHECK(detail->attempts[0].ended.empty());
  CHECK(detail->attempts[1].result == "ok");
  REQUIRE(detail->certificates.size() == 2);
  CHECK(detail->certificates[0].state == "superseded");
  CHECK(detail->certificates[1].state == "delivered");
  CHECK(detail->device.certificate->record.sha256 == "bb");
  CHECK(ledger->show_device("24:0A:C4:00:00:01"));  // MAC in any case
}

TEST_CASE("a provisioned device is refused unless reprovisioning (every back end)") {
  auto backend = GENERATE(from_range(backends()));
  INFO("back end: " << backend);
  auto ledger = fresh_ledger(backend);
  auto a = ledger->begin_attempt(start_for("24:0a:c4:00:00:01"), kRule);
  ledger->finish_attempt(a, ok_result());
  try {
    ledger->begin_attempt(start_for("24:0a:c4:00:00:01"), kRule);
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::Input);
    CHECK_THAT(error.message(), Catch::Contains("--reprovision"));
  }
  // the refused attempt left nothing behind
  CHECK(ledger->show_device("ACME-000001")->attempts.size() == 1);
  auto again = ledger->begin_attempt(start_for("24:0a:c4:00:00:01", true), kRule);
  CHECK(again.serial == "ACME-000001");
}

TEST_CASE("failed attempts record the step and error (every back end)") {
  auto backend = GENERATE(from_range(backends()));
  INFO("back end: " << backend);
  auto ledger = fresh_ledger(backend);
  auto a = ledger->begin_attempt(start_for("24:0a:c4:00:00:01"), kRule);
  AttemptResult failed;
  failed.failed_step = "write ota_0";
  failed.error = "link down";
  failed.durations = {{"connect", 12.5}};
  ledger->finish_attempt(a, failed);
  auto devices = ledger->list_devices();
  REQUIRE(devices.size() == 1);
  CHECK(devices[0].status == "failed");
  auto detail = ledger->show_device("24:0a:c4:00:00:01");
  CHECK(detail->attempts[0].failed_step == "write ota_0");
  CHECK(detail->attempts[0].durations["connect"] == 12.5);
}

TEST_CASE("a ledger file survives reopening, uses WAL and refuses a newer schema") {
  namespace fs = std::filesystem;
  fs::create_directories(FWPROV_TEST_TMP_DIR);
  fs::path path = fs::path(FWPROV_TEST_TMP_DIR) / "ledger-test.db";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  {
    auto ledger = open_sqlite_ledger(path);
    ledger->begin_attempt(start_for("24:0a:c4:00:00:01"), kRule);
  }
  {
    auto ledger = open_sqlite_ledger(path, {false, false});
    CHECK(ledger->list_devices().size() == 1);
    CHECK(ledger->begin_attempt(start_for("24:0a:c4:00:00:02"), kRule).serial == "ACME-000002");
  }
  CHECK_THROWS_AS(open_sqlite_ledger(fs::path(FWPROV_TEST_TMP_DIR) / "missing.db", {false, false}), Error);
  fs::path mode = path.string() + ".mode";
  std::string command = "sqlite3 " + path.string() + " 'PRAGMA journal_mode' 'UPDATE schema_version SET version = 99' >" + mode.string();
  REQUIRE(std::system(command.c_str()) == 0);
  CHECK(read_text_file(mode) == "wal\n");
  CHECK_THROWS_WITH(open_sqlite_ledger(path), Catch::Contains("newer fwprov"));
}
