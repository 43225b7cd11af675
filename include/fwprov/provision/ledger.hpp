#pragma once
// The factory ledger: which device (MAC) got which serial number and certificate, and every
// attempt at it. An interface, so the pipeline runs against an in-memory SQLite database in
// tests and other back ends (PostgreSQL for multi-station lines) can follow; the SQLite back
// end is ledger_sqlite.hpp. No private key material is ever stored.
//
// Rules every back end keeps (docs/provision.md, "Ledger"):
// - begin_attempt is one transaction: look the MAC up, reuse its serial or allocate the next
//   one (never handed out twice, never reused after a failure), insert the attempt as
//   "incomplete". A device whose last attempt succeeded is refused unless reprovisioning.
// - record_certificate marks the device's earlier certificates superseded.
// - finish_attempt is one transaction: result, hashes, durations; on success the attempt's
//   certificate becomes delivered. Success is reported only after it returns.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fwprov::provision {

// The schema version every back end writes (schema_version table); a ledger with a higher one
// was written by a newer fwprov and is refused.
inline constexpr int kLedgerSchemaVersion = 2;

struct SerialRule {
  std::string format;  // "ACME-{seq:06}"
  std::uint64_t first = 1;
};

struct AttemptStart {
  std::string mac;
  std::string chip;
  std::string station;
  std::string operator_name;
  std::string fwprov_version;
  std::string recipe_sha256;
  bool reprovision = false;
};

struct Allocation {
  std::int64_t device_id = 0;
  std::int64_t attempt_id = 0;
  std::string serial;
  bool new_device = false;
  int previous_attempts = 0;
};

struct CertificateRecord {
  std::string serial_number;  // the certificate's, hex
  std::string subject;
  std::string sha256;
  std::string public_key_sha256;
  std::string pem;            // the certificate (public), for exports such as aws-bulk
};

struct AttemptResult {
  bool ok = false;
  std::string failed_step;
  std::string error;
  nlohmann::json regions = nlohmann::json::array();  // [{partition, offset, size, sha256, md5_verified}]
  nlohmann::json durations = nlohmann::json::object();  // step -> milliseconds
  nlohmann::json security = nullptr;  // [security]: key SHA-256 (never the key), blocks, digest
};

struct CertificateRow {
  std::int64_t id = 0;
  std::int64_t attempt_id = 0;
  CertificateRecord record;
  std::string state;  // issued | delivered | superseded
  std::string created;
};

struct AttemptRow {
  std::int64_t id = 0;
  std::string started, ended;  // ISO 8601 UTC; ended empty while incomplete
  std::string station, operator_name, fwprov_version, recipe_sha256;
  std::string result;  // incomplete | ok | failed
  std::string failed_step, error;
  nlohmann::json regions, durations;
  nlohmann::json security;  // null when the attempt had no [security]
};

struct DeviceRow {
  std::int64_t id = 0;
  std::string mac, chip, serial;
  std::string first_seen, last_seen;
  std::string status;  // the last attempt's result
  int attempts = 0;
  std::optional<CertificateRow> certificate;  // the newest one not superseded
};

struct DeviceDetail {
  DeviceRow device;
  std::vector<AttemptRow> attempts;          // oldest first
  std::vector<CertificateRow> certificates;  // oldest first
};

class Ledger {
 public:
  virtual ~Ledger() = default;
  // Throws Input (exit 3) for a device that already succeeded when !start.reprovision.
  virtual Allocation begin_attempt(const AttemptStart& start, const SerialRule& rule) = 0;
  virtual void record_certificate(const Allocation& allocation, const CertificateRecord& certificate) = 0;
  virtual void finish_attempt(const Allocation& allocation, const AttemptResult& result) = 0;
  // A device already in the ledger (no transaction, no change), for --dry-run and station waits.
  virtual std::optional<DeviceRow> find_device(const std::string& mac_or_serial) = 0;
  virtual std::vector<DeviceRow> list_devices() = 0;
  virtual std::optional<DeviceDetail> show_device(const std::string& mac_or_serial) = 0;
  // The serial the next new device would get (for --dry-run; nothing is reserved).
  virtual std::string peek_serial(const SerialRule& rule) = 0;
};

}  // namespace fwprov::provision
