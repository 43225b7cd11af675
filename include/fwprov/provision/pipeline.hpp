#pragma once
// One device, start to end: connect and identify, ledger allocation (serial), credentials,
// NVS storage image in memory, every region written compressed and MD5-verified in one
// session, storage read back and decoded, reset, ledger commit. The device link, the clock
// and the ledger are interfaces, so tests run the whole pipeline against an in-memory device.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fwprov/core/diagnostics.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/efuse/register_port.hpp"
#include "fwprov/provision/ledger.hpp"
#include "fwprov/provision/plan.hpp"

namespace fwprov::provision {

struct ChipIdentity {
  std::string chip;         // esptool's name: "esp32", "esp32c3" (as recipes name chips)
  std::string description;  // "ESP32-D0WD-V3 (revision v3.0)"
  std::string mac;          // "24:0a:c4:12:34:56"
  std::uint32_t flash_size = 0;  // 0: unknown
  unsigned major_revision = 0;   // from the chip's eFuses (images and secure boot v2 need some)
  unsigned minor_revision = 0;
};

struct RegionWrite {
  bool md5_verified = false;
  std::string md5;  // hex, of what the device reports
};

// A connection to one device in its loader.
class DeviceLink {
 public:
  virtual ~DeviceLink() = default;
  // Connects (once; later calls return the same identity). Device errors on link failure.
  virtual const ChipIdentity& connect() = 0;
  virtual RegionWrite write(const Region& region, const ProgressFn& progress) = 0;
  virtual Bytes read(std::uint32_t offset, std::uint32_t size) = 0;
  virtual void finish() = 0;  // reset into the application (the recipe's `after`)
  // The chip's eFuse controller registers over the same session (after connect()), for
  // [security]'s burns. `chip` is the connected chip's eFuse table.
  virtual efuse::RegisterPort& efuse_port(const efuse::ChipTable& chip) = 0;
  virtual std::string describe() const = 0;
};

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() = 0;
};
class SteadyClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }
};

struct RegionReport {
  std::string partition;
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
  std::string sha256;
  std::string md5;
  bool md5_verified = false;
  std::string source;
};

struct DeviceReport {
  bool ok = false;
  ChipIdentity identity;
  std::string serial;
  bool new_device = false;
  std::string certificate_sha256;
  std::string certificate_subject;
  std::vector<RegionReport> regions;  // what was written (on failure: what was written so far)
  std::vector<std::pair<std::string, double>> durations;  // step -> milliseconds, in order
  std::string failed_step;
  std::optional<Error> error;
  std::optional<std::filesystem::path> kept_private_key;
  nlohmann::json security;  // [security]: key SHA-256, blocks, digest (null without [security])

  nlohmann::json to_json() const;
};

struct PipelineOptions {
  std::string station;
  std::string operator_name;
  std::string fwprov_version;
  bool reprovision = false;
};

struct PipelineHooks {
  std::function<void(const std::string& step, const std::string& detail)> on_step;  // a step begins
  std::function<void(const std::string& step, double milliseconds)> on_step_done;
  std::function<ProgressFn(const Region& region)> progress;
  std::function<void(const std::string& serial)> on_serial;  // the ledger gave the device its serial
  Warnings* warnings = nullptr;
};

// Never throws for a device failure: the report says which step failed and what was written;
// the ledger records the failed attempt when one was started.
DeviceReport provision_device(const RunPlan& plan, DeviceLink& link, Ledger& ledger, Clock& clock, const PipelineOptions& options,
                              const PipelineHooks& hooks);

// Everything one device gets, without a device or a ledger (--dry-run): common regions plus
// its storage image, by offset.
std::vector<Region> device_regions(const RunPlan& plan, const DeviceIdentity& identity, const DeviceCredentials& credentials,
                                   Warnings* warnings = nullptr);

// "24:0a:c4:12:34:56" from any case / '-' separators; Usage error otherwise.
std::string normalize_mac(const std::string& text);

}  // namespace fwprov::provision
