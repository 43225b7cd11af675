#include "fwprov/provision/pipeline.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/efuse/efuses.hpp"
#include "fwprov/nvs/reader.hpp"
#include "fwprov/provision/secure_cert_partition.hpp"
#include "fwprov/provision/storage.hpp"
#include "device_revision.hpp"

namespace fwprov::provision {
namespace {

namespace fs = std::filesystem;

// Runs the steps of one device, timing each and remembering which one is running.
class StepRunner {
 public:
  StepRunner(Clock& clock, const PipelineHooks& hooks, DeviceReport& report) : clock_(clock), hooks_(hooks), report_(report) {}

  template <typename F>
  auto run(const std::string& step, const std::string& detail, F&& body) {
    current_ = step;
    if (hooks_.on_step) hooks_.on_step(step, detail);
    auto started = clock_.now();
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      done(step, started);
    } else {
      auto result = body();
      done(step, started);
      return result;
    }
  }
  const std::string& current() const { return current_; }

 private:
  void done(const std::string& step, std::chrono::steady_clock::time_point started) {
    double ms = std::chrono::duration<double, std::milli>(clock_.now() - started).count();
    report_.durations.emplace_back(step, ms);
    if (hooks_.on_step_done) hooks_.on_step_done(step, ms);
  }
  Clock& clock_;
  const PipelineHooks& hooks_;
  DeviceReport& report_;
  std::string current_;
};

nlohmann::json regions_json(const std::vector<RegionReport>& regions) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : regions)
    list.push_back({{"partition", r.partition}, {"offset", r.offset}, {"size", r.size}, {"sha256", r.sha256}, {"md5", r.md5},
                    {"md5_verified", r.md5_verified}, {"source", r.source}});
  return list;
}

nlohmann::json durations_json(const std::vector<std::pair<std::string, double>>& durations) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [step, ms] : durations) object[step] = std::round(ms * 100) / 100;
  return object;
}

// Reads the storage region back and checks it is what was meant, byte for byte, and that it
// decodes without a problem.
void check_read_back(DeviceLink& link, const Region& storage) {
  // Only the sectors the image uses: the rest is blank (0xFF), MD5-verified with the write, and
  // reading it would cost the whole partition's size on the wire.
  std::size_t used = storage.bytes.size();
  while (used > 0 && storage.bytes[used - 1] == 0xFF) --used;
  used = std::min(storage.bytes.size(), (used + 0xFFF) & ~std::size_t(0xFFF));
  Bytes back = link.read(storage.offset, static_cast<std::uint32_t>(used));
  back.resize(storage.bytes.size(), 0xFF);
  if (back != storage.bytes)
    throw Error(ErrorKind::Mismatch, fmt::format("the {} partition read back differs from the image written", storage.target));
  auto decoded = nvs::read_image(back);
  auto problems = nvs::check_image(decoded);
  if (!problems.empty())
    throw Error(ErrorKind::Mismatch, fmt::format("the {} partition read back does not decode: page {}: {}", storage.target, problems[0].page,
                                                 problems[0].message));
}

}  // namespace

std::string normalize_mac(const std::string& text) {
  std::string hex;
  for (char c : text) {
    if (c == ':' || c == '-') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) hex.clear(), hex += "bad";
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 12 || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw Error(ErrorKind::Usage, fmt::format("MAC '{}' is not six hex bytes such as 24:0a:c4:12:34:56", text));
  std::string mac;
  for (std::size_t i = 0; i < 12; i += 2) mac += (i ? ":" : "") + hex.substr(i, 2);
  return mac;
}

std::vector<Region> device_regions(const RunPlan& plan, const DeviceIdentity& identity, const DeviceCredentials& credentials, Warnings* warnings) {
  std::vector<Region> regions = plan.common;
  if (plan.secure_cert) {
    Region region = secure_cert_region(plan, identity, credentials);
    check_region(region, regions, plan.recipe.secure_cert.where);
    regions.push_back(std::move(region));
    std::sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) { return a.offset < b.offset; });
  }
  if (plan.storage_slot) {
    Region storage = *plan.storage_slot;
    storage.bytes = build_storage_image(plan, identity, credentials, warnings);
    storage.sha256 = sha256(storage.bytes);
    storage.source = "generated (" + plan.recipe.storage.csv.string() + ")";
    check_region(storage, regions, SourceLocation(plan.recipe.file.string(), 0, 0, "storage.partition"));
    regions.push_back(std::move(storage));
    std::sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) { return a.offset < b.offset; });
  }
  return regions;
}

nlohmann::json DeviceReport::to_json() const {
  nlohmann::json doc = {{"ok", ok},
                        {"result", ok ? "ok" : "failed"},
                        {"serial", serial.empty() ? nlohmann::json(nullptr) : nlohmann::json(serial)},
                        {"mac", identity.mac.empty() ? nlohmann::json(nullptr) : nlohmann::json(identity.mac)},
                        {"chip", identity.chip.empty() ? nlohmann::json(nullptr) : nlohmann::json(identity.chip)},
                        {"new_device", new_device},
                        {"certificate_sha256", certificate_sha256.empty() ? nlohmann::json(nullptr) : nlohmann::json(certificate_sha256)},
                        {"regions", regions_json(regions)},
                        {"durations_ms", durations_json(durations)}};
  if (!certificate_subject.empty()) doc["certificate_subject"] = certificate_subject;
  if (kept_private_key) doc["kept_private_key"] = kept_private_key->string();
  if (!security.is_null()) doc["security"] = security;
  if (error) {
    doc["failed_step"] = failed_step;
    doc["error"] = {{"kind", kind_name(error->kind())}, {"message", error->message()}, {"exit_code", exit_code(error->kind())}};
  } else {
    doc["error"] = nullptr;
  }
  return doc;
}

DeviceReport provision_device(const RunPlan& plan, DeviceLink& link, Ledger& ledger, Clock& clock, const PipelineOptions& options,
                              const PipelineHooks& hooks) {
  const Recipe& recipe = plan.recipe;
  DeviceReport report;
  StepRunner steps(clock, hooks, report);
  std::optional<Allocation> allocation;
  try {
    const ChipIdentity& chip = steps.run("connect", link.describe(), [&]() -> const ChipIdentity& { return link.connect(); });
    report.identity = chip;
    if (chip.chip != recipe.device.chip)
      throw Error(ErrorKind::Device, fmt::format("the device is an {} ({}), the recipe is for {}", chip.chip, chip.description, recipe.device.chip));
    if (plan.flash_size && chip.flash_size && chip.flash_size != *plan.flash_size)
      throw Error(ErrorKind::Device, fmt::format("the device has {} MB of flash, the recipe says {}", chip.flash_size >> 20, recipe.device.flash_size));
    check_device_revision(plan, chip);

    allocation = steps.run("identity", chip.mac, [&] {
      AttemptStart start{chip.mac, chip.chip, options.station, options.operator_name, options.fwprov_version, to_hex(recipe.sha256),
                         options.reprovision};
      return ledger.begin_attempt(start, {recipe.identity.serial, recipe.identity.first});
    });
    report.serial = allocation->serial;
    report.new_device = allocation->new_device;
    if (hooks.on_serial) hooks.on_serial(allocation->serial);
    DeviceIdentity identity{allocation->serial, chip.mac, chip.chip};

    DeviceCredentials credentials = steps.run("credentials", std::string(credential_mode_name(recipe.credentials.mode)), [&] {
      auto made = make_credentials(recipe, plan.ca ? &*plan.ca : nullptr, identity);
      if (made.present) ledger.record_certificate(*allocation, {made.certificate_serial, made.subject, made.certificate_sha256,
                                                                made.public_key_sha256, std::string(made.certificate_pem.begin(), made.certificate_pem.end())});
      return made;
    });
    report.certificate_sha256 = credentials.certificate_sha256;
    report.certificate_subject = credentials.subject;
    if (recipe.storage.keep_private_keys && !credentials.private_key_pem.empty()) {
      fs::path dir = recipe.dir / recipe.storage.keys_dir;
      fs::create_directories(dir);
      fs::path path = dir / (identity.serial + ".key.pem");
      write_file_atomic(path, credentials.private_key_pem, FileMode::Secret);
      report.kept_private_key = path;
    }

    std::vector<Region> regions = steps.run("nvs", recipe.storage.present ? recipe.storage.partition : "none",
                                            [&] { return device_regions(plan, identity, credentials, hooks.warnings); });
    // the device's key is in the storage image now; drop our copy
    credentials.private_key_der = SecretBytes();

    // [security]: everything the chip would refuse is refused here, before the first write;
    // the burn itself comes after the last write, so a failed write leaves the key block free.
    std::optional<efuse::Efuses> fuses;
    std::optional<DeviceFlashKey> flash_key;
    std::vector<std::string> encrypted;
    if (plan.security.chip) {
      steps.run("security", plan.security.flash_encryption ? "flash encryption key" : "secure boot digest", [&] {
        fuses.emplace(*plan.security.chip, link.efuse_port(*plan.security.chip));
        if (plan.security.flash_encryption) flash_key = make_flash_key(plan.security, *fuses);
        std::vector<std::string> notes;
        stage_security(plan.security, recipe.security.mode, *fuses, flash_key ? &*flash_key : nullptr, notes);
        if (flash_key) encrypt_regions(regions, plan.security, *flash_key);
        for (const auto& region : regions)
          if (region.encrypt) encrypted.push_back(region.target);
      });
      report.security = security_record(plan.security, recipe.security.mode, flash_key ? &*flash_key : nullptr, encrypted);
      report.security["burned"] = false;
    }

    for (const auto& region : regions) {
      steps.run("write " + region.target, fmt::format("0x{:X}", region.offset), [&] {
        RegionWrite written = link.write(region, hooks.progress ? hooks.progress(region) : ProgressFn());
        report.regions.push_back({region.target, region.offset, static_cast<std::uint32_t>(region.bytes.size()), to_hex(region.sha256),
                                  written.md5, written.md5_verified, region.source});
      });
    }

    if (recipe.device.read_back && plan.storage_slot) {
      auto storage = std::find_if(regions.begin(), regions.end(), [&](const Region& r) { return r.target == plan.storage_slot->target; });
      steps.run("verify", storage->target, [&] { check_read_back(link, *storage); });
    }
    if (fuses) {
      steps.run("efuse", plan.security.chip->display_name, [&] {
        std::vector<std::string> notes;
        fuses->burn(notes);
      });
      report.security["burned"] = true;
      flash_key.reset();  // the key lives in the chip's eFuses only now
    }
    steps.run("reset", recipe.device.after, [&] { link.finish(); });

    AttemptResult result;
    result.ok = true;
    result.regions = regions_json(report.regions);
    result.durations = durations_json(report.durations);
    result.security = report.security;
    steps.run("ledger", "commit", [&] { ledger.finish_attempt(*allocation, result); });
    report.ok = true;
  } catch (const Error& error) {
    report.failed_step = steps.current();
    std::string written;
    for (const auto& r : report.regions) written += (written.empty() ? "" : ", ") + r.partition;
    // error.what() names the file (and line, field) the failure is about, if any.
    std::string message = fmt::format("step {} failed: {} (written before it: {})", report.failed_step, error.what(),
                                      written.empty() ? "nothing" : written);
    report.error = Error(error.kind(), message);
    if (allocation && report.failed_step != "ledger") {
      AttemptResult result;
      result.failed_step = report.failed_step;
      result.error = error.what();
      result.regions = regions_json(report.regions);
      result.durations = durations_json(report.durations);
      result.security = report.security;
      try {
        ledger.finish_attempt(*allocation, result);
      } catch (const Error& ledger_error) {
        report.error = Error(error.kind(), message + "; the ledger could not record it either: " + ledger_error.what());
      }
    }
  }
  return report;
}

}  // namespace fwprov::provision
