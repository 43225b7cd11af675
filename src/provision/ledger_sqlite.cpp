// The SQLite back end of the ledger (docs/provision.md, "Ledger schema").
#include "fwprov/provision/ledger_sqlite.hpp"
#include "ledger_columns.hpp"

#include <fmt/core.h>
#include <sqlite3.h>

#include <chrono>
#include <ctime>

#include "fwprov/core/error.hpp"
#include "fwprov/provision/placeholders.hpp"

namespace fwprov::provision {
namespace {

namespace fs = std::filesystem;

// Forward migrations: entry i takes the schema from version i to i + 1. Never edit a shipped
// entry; add a new one (and raise kLedgerSchemaVersion).
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (0);
CREATE TABLE serial_counters (
  format   TEXT PRIMARY KEY,
  next_seq INTEGER NOT NULL
);
CREATE TABLE devices (
  id         INTEGER PRIMARY KEY,
  mac        TEXT NOT NULL UNIQUE,
  chip       TEXT NOT NULL,
  serial     TEXT NOT NULL UNIQUE,
  first_seen TEXT NOT NULL,
  last_seen  TEXT NOT NULL
);
CREATE TABLE attempts (
  id             INTEGER PRIMARY KEY,
  device_id      INTEGER NOT NULL REFERENCES devices(id),
  started        TEXT NOT NULL,
  ended          TEXT,
  station        TEXT NOT NULL DEFAULT '',
  operator       TEXT NOT NULL DEFAULT '',
  fwprov_version TEXT NOT NULL,
  recipe_sha256  TEXT NOT NULL,
  result         TEXT NOT NULL DEFAULT 'incomplete' CHECK (result IN ('incomplete', 'ok', 'failed')),
  failed_step    TEXT,
  error          TEXT,
  regions        TEXT,
  durations      TEXT
);
CREATE INDEX attempts_by_device ON attempts(device_id);
CREATE TABLE certificates (
  id                INTEGER PRIMARY KEY,
  device_id         INTEGER NOT NULL REFERENCES devices(id),
  attempt_id        INTEGER NOT NULL REFERENCES attempts(id),
  serial_number     TEXT NOT NULL,
  subject           TEXT NOT NULL,
  sha256            TEXT NOT NULL UNIQUE,
  public_key_sha256 TEXT NOT NULL,
  pem               TEXT NOT NULL,
  state             TEXT NOT NULL CHECK (state IN ('issued', 'delivered', 'superseded')),
  created           TEXT NOT NULL
);
CREATE INDEX certificates_by_device ON certificates(device_id);
)sql",
    // 2: [security]'s record per attempt (JSON: key SHA-256, never the key; blocks; digest).
    R"sql(
ALTER TABLE attempts ADD COLUMN security TEXT;
)sql",
};
static_assert(std::size(kMigrations) == kLedgerSchemaVersion);

class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const std::string& origin) : db_(db), origin_(origin) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail("prepare");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  Statement& bind_null(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
  }
  // true: a row is ready; false: done.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail("step");
  }
  void run() { while (step()) {} }
  std::string text(int column) const {
    auto* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  [[noreturn]] void fail(const char* what) {
    throw Error(ErrorKind::Io, SourceLocation(origin_), fmt::format("ledger {}: {}", what, sqlite3_errmsg(db_)));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  const std::string& origin_;
};

class SqliteLedger final : public Ledger {
 public:
  SqliteLedger(const fs::path& path, const SqliteLedgerOptions& options) : origin_(path.string()) {
    bool memory = path == ":memory:";
    if (!memory && !options.create && !fs::exists(path)) throw Error(ErrorKind::Io, SourceLocation(origin_), "no ledger here (no device provisioned yet?)");
    int flags = options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(origin_.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw Error(ErrorKind::Io, SourceLocation(origin_), "cannot open the ledger: " + message);
    }
    sqlite3_busy_timeout(db_, 10000);  // other stations/processes on the same file wait, not fail
    try {
      if (!options.read_only) {
        // No checkpoint when the connection closes: it costs several disk flushes at the end of
        // every run, and the WAL, synced at each FULL commit, is already the durable copy.
        sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=FULL");  // a commit is on disk before success is reported
      }
      exec("PRAGMA foreign_keys=ON");
      migrate(options.read_only);
    } catch (...) {  // e.g. a newer schema: no destructor runs for a half-made object
      sqlite3_close(db_);
      throw;
    }
  }
  ~SqliteLedger() override { sqlite3_close(db_); }

  Allocation begin_attempt(const AttemptStart& start, const SerialRule& rule) override {
    Transaction tx(*this);
    Allocation allocation;
    std::string now = utc_timestamp();
    auto device = find_device_row(start.mac);
    if (device) {
      if (device->status == "ok" && !start.reprovision)
        throw Error(ErrorKind::Input, SourceLocation(origin_, 0, 0, start.mac),
                    fmt::format("device {} was already provisioned as {} ({}); add --reprovision to do it again (a new certificate; the old one is superseded)",
                                start.mac, device->serial, device->last_seen));
      allocation.device_id = device->id;
      allocation.serial = device->serial;
      allocation.previous_attempts = device->attempts;
      Statement(db_, "UPDATE devices SET last_seen = ?1, chip = ?2 WHERE id = ?3", origin_).bind(1, now).bind(2, start.chip).bind(3, device->id).run();
    } else {
      allocation.new_device = true;
      std::int64_t seq = next_seq(rule);
      std::string serial;
      for (;; ++seq) {  // skip numbers a device already holds (a recipe's format changed back and forth)
        serial = format_serial(rule.format, static_cast<std::uint64_t>(seq));
        Statement taken(db_, "SELECT 1 FROM devices WHERE serial = ?1", origin_);
        if (!taken.bind(1, serial).step()) break;
      }
      Statement(db_, "INSERT INTO serial_counters(format, next_seq) VALUES (?1, ?2) ON CONFLICT(format) DO UPDATE SET next_seq = ?2", origin_)
          .bind(1, rule.format).bind(2, seq + 1).run();
      Statement(db_, "INSERT INTO devices(mac, chip, serial, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)", origin_)
          .bind(1, start.mac).bind(2, start.chip).bind(3, serial).bind(4, now).run();
      allocation.device_id = sqlite3_last_insert_rowid(db_);
      allocation.serial = serial;
    }
    Statement(db_, "INSERT INTO attempts(device_id, started, station, operator, fwprov_version, recipe_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", origin_)
        .bind(1, allocation.device_id).bind(2, now).bind(3, start.station).bind(4, start.operator_name).bind(5, start.fwprov_version)
        .bind(6, start.recipe_sha256).run();
    allocation.attempt_id = sqlite3_last_insert_rowid(db_);
    tx.commit();
    return allocation;
  }

  void record_certificate(const Allocation& allocation, const CertificateRecord& c) override {
    // Crash-safe without its own fsync (WAL, synchronous=NORMAL): a killed process keeps it;
    // only a power cut before the attempt's final (FULL) commit can lose it, and then the
    // certificate was never reported delivered. Saves one disk flush per device.
    exec("PRAGMA synchronous=NORMAL");
    struct RestoreFull {
      sqlite3* db;
      ~RestoreFull() { sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr); }
    } restore{db_};
    Transaction tx(*this);
    Statement known(db_, "SELECT c.id, c.device_id, d.serial FROM certificates c JOIN devices d ON d.id = c.device_id WHERE c.sha256 = ?1", origin_);
    if (known.bind(1, c.sha256).step()) {
      // Per-device files (mode "files") give a retried device the same certificate again.
      if (known.integer(1) != allocation.device_id)
        throw Error(ErrorKind::Input, SourceLocation(origin_, 0, 0, c.subject),
                    fmt::format("this certificate (SHA-256 {}) already belongs to device {}; two devices must not share one", c.sha256, known.text(2)));
      std::int64_t id = known.integer(0);
      Statement(db_, "UPDATE certificates SET state = 'superseded' WHERE device_id = ?1 AND id <> ?2 AND state <> 'superseded'", origin_)
          .bind(1, allocation.device_id).bind(2, id).run();
      Statement(db_, "UPDATE certificates SET state = 'issued', attempt_id = ?1 WHERE id = ?2", origin_).bind(1, allocation.attempt_id).bind(2, id).run();
      tx.commit();
      return;
    }
    Statement(db_, "UPDATE certificates SET state = 'superseded' WHERE device_id = ?1 AND state <> 'superseded'", origin_)
        .bind(1, allocation.device_id).run();
    Statement(db_, "INSERT INTO certificates(device_id, attempt_id, serial_number, subject, sha256, public_key_sha256, pem, state, created) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'issued', ?8)", origin_)
        .bind(1, allocation.device_id).bind(2, allocation.attempt_id).bind(3, c.serial_number).bind(4, c.subject).bind(5, c.sha256)
        .bind(6, c.public_key_sha256).bind(7, c.pem).bind(8, utc_timestamp()).run();
    tx.commit();
  }

  void finish_attempt(const Allocation& allocation, const AttemptResult& result) override {
    Transaction tx(*this);
    std::string now = utc_timestamp();
    Statement update(db_, "UPDATE attempts SET ended = ?1, result = ?2, failed_step = ?3, error = ?4, regions = ?5, durations = ?6, security = ?8 WHERE id = ?7", origin_);
    update.bind(1, now).bind(2, std::string(result.ok ? "ok" : "failed"));
    if (result.ok) update.bind_null(3).bind_null(4);
    else update.bind(3, result.failed_step).bind(4, result.error);
    update.bind(5, result.regions.dump()).bind(6, result.durations.dump()).bind(7, allocation.attempt_id);
    if (result.security.is_null()) update.bind_null(8);
    else update.bind(8, result.security.dump());
    update.run();
    if (result.ok)
      Statement(db_, "UPDATE certificates SET state = 'delivered' WHERE attempt_id = ?1 AND state = 'issued'", origin_).bind(1, allocation.attempt_id).run();
    Statement(db_, "UPDATE devices SET last_seen = ?1 WHERE id = ?2", origin_).bind(1, now).bind(2, allocation.device_id).run();
    tx.commit();
  }

  std::optional<DeviceRow> find_device(const std::string& key) override { return find_device_row(key); }

  std::vector<DeviceRow> list_devices() override {
    std::vector<DeviceRow> rows;
    Statement s(db_, (std::string(kDeviceSelect) + " ORDER BY d.id").c_str(), origin_);
    while (s.step()) rows.push_back(device_from(s));
    for (auto& row : rows) row.certificate = current_certificate(row.id);
    return rows;
  }

  std::optional<DeviceDetail> show_device(const std::string& key) override {
    auto device = find_device_row(key);
    if (!device) return std::nullopt;
    DeviceDetail detail;
    detail.device = *device;
    Statement a(db_, "SELECT id, started, ended, station, operator, fwprov_version, recipe_sha256, result, failed_step, error, regions, durations, security "
                     "FROM attempts WHERE device_id = ?1 ORDER BY id", origin_);
    a.bind(1, device->id);
    while (a.step()) {
      AttemptRow row;
      row.id = a.integer(0);
      row.started = a.text(1);
      row.ended = a.text(2);
      row.station = a.text(3);
      row.operator_name = a.text(4);
      row.fwprov_version = a.text(5);
      row.recipe_sha256 = a.text(6);
      row.result = a.text(7);
      row.failed_step = a.text(8);
      row.error = a.text(9);
      row.regions = parse_json_column(a.text(10));
      row.durations = parse_json_column(a.text(11));
      row.security = parse_json_column(a.text(12));
      detail.attempts.push_back(std::move(row));
    }
    Statement c(db_, (std::string(kCertificateSelect) + " WHERE device_id = ?1 ORDER BY id").c_str(), origin_);
    c.bind(1, device->id);
    while (c.step()) detail.certificates.push_back(certificate_from(c));
    return detail;
  }

  std::string peek_serial(const SerialRule& rule) override { return format_serial(rule.format, static_cast<std::uint64_t>(next_seq(rule))); }

 private:
  static constexpr const char* kDeviceSelect =
      "SELECT d.id, d.mac, d.chip, d.serial, d.first_seen, d.last_seen, "
      "(SELECT result FROM attempts WHERE device_id = d.id ORDER BY id DESC LIMIT 1), "
      "(SELECT count(*) FROM attempts WHERE device_id = d.id) FROM devices d";
  static constexpr const char* kCertificateSelect =
      "SELECT id, attempt_id, serial_number, subject, sha256, public_key_sha256, pem, state, created FROM certificates";

  class Transaction {
   public:
    explicit Transaction(SqliteLedger& ledger) : ledger_(ledger) { ledger_.exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
      if (!done_) sqlite3_exec(ledger_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
      ledger_.exec("COMMIT");
      done_ = true;
    }

   private:
    SqliteLedger& ledger_;
    bool done_ = false;
  };

  void exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : sqlite3_errmsg(db_);
      sqlite3_free(message);
      throw Error(ErrorKind::Io, SourceLocation(origin_), "ledger: " + text);
    }
  }

  int schema_version() {
    Statement exists(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'", origin_);
    if (!exists.step()) return 0;
    Statement version(db_, "SELECT version FROM schema_version", origin_);
    return version.step() ? static_cast<int>(version.integer(0)) : 0;
  }

  void migrate(bool read_only) {
    int version = schema_version();
    if (version > kLedgerSchemaVersion)
      throw Error(ErrorKind::Io, SourceLocation(origin_),
                  fmt::format("ledger schema version {} was written by a newer fwprov (this one knows up to {})", version, kLedgerSchemaVersion));
    if (version == kLedgerSchemaVersion) return;
    if (read_only) throw Error(ErrorKind::Io, SourceLocation(origin_), fmt::format("ledger schema version {} needs a migration; open it for writing once", version));
    Transaction tx(*this);
    for (int v = version; v < kLedgerSchemaVersion; ++v) {
      exec(kMigrations[v]);
      Statement(db_, "UPDATE schema_version SET version = ?1", origin_).bind(1, std::int64_t(v + 1)).run();
    }
    tx.commit();
  }

  std::int64_t next_seq(const SerialRule& rule) {
    Statement s(db_, "SELECT next_seq FROM serial_counters WHERE format = ?1", origin_);
    std::int64_t first = static_cast<std::int64_t>(rule.first);
    if (s.bind(1, rule.format).step()) return std::max(s.integer(0), first);
    return first;
  }

  DeviceRow device_from(const Statement& s) {
    DeviceRow row;
    row.id = s.integer(0);
    row.mac = s.text(1);
    row.chip = s.text(2);
    row.serial = s.text(3);
    row.first_seen = s.text(4);
    row.last_seen = s.text(5);
    row.status = s.is_null(6) ? "new" : s.text(6);
    row.attempts = static_cast<int>(s.integer(7));
    return row;
  }

  static CertificateRow certificate_from(const Statement& s) {
    CertificateRow row;
    row.id = s.integer(0);
    row.attempt_id = s.integer(1);
    row.record.serial_number = s.text(2);
    row.record.subject = s.text(3);
    row.record.sha256 = s.text(4);
    row.record.public_key_sha256 = s.text(5);
    row.record.pem = s.text(6);
    row.state = s.text(7);
    row.created = s.text(8);
    return row;
  }

  std::optional<CertificateRow> current_certificate(std::int64_t device_id) {
    Statement c(db_, "SELECT id, attempt_id, serial_number, subject, sha256, public_key_sha256, pem, state, created FROM certificates "
                     "WHERE device_id = ?1 AND state <> 'superseded' ORDER BY id DESC LIMIT 1", origin_);
    if (!c.bind(1, device_id).step()) return std::nullopt;
    return certificate_from(c);
  }

  std::optional<DeviceRow> find_device_row(const std::string& key) {
    Statement s(db_, "SELECT d.id, d.mac, d.chip, d.serial, d.first_seen, d.last_seen, "
                     "(SELECT result FROM attempts WHERE device_id = d.id ORDER BY id DESC LIMIT 1), "
                     "(SELECT count(*) FROM attempts WHERE device_id = d.id) FROM devices d WHERE d.mac = lower(?1) OR d.serial = ?1", origin_);
    if (!s.bind(1, key).step()) return std::nullopt;
    DeviceRow row = device_from(s);
    row.certificate = current_certificate(row.id);
    return row;
  }

  std::string origin_;
  sqlite3* db_ = nullptr;
};

}  // namespace

std::string utc_timestamp() {
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03}Z", buffer, millis);
}

std::unique_ptr<Ledger> open_sqlite_ledger(const fs::path& path, const SqliteLedgerOptions& options) {
  return std::make_unique<SqliteLedger>(path, options);
}

}  // namespace fwprov::provision
