#include "fwprov/provision/esp_link.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "fwprov/core/encoding.hpp"
#include "fwprov/efuse/loader_port.hpp"

namespace fwprov::provision {
namespace {

class EspLink final : public DeviceLink {
 public:
  explicit EspLink(const EspLinkOptions& options) : options_(options) {}

  const ChipIdentity& connect() override {
    if (!identity_.mac.empty()) return identity_;
    try {
      open_session();
    } catch (...) {  // a failed connect leaves nothing half-open: a later call starts afresh
      loader_.reset();
      transport_.reset();
      throw;
    }
    return identity_;
  }

 private:
  // Reset, sync, stub, baud, flash attach; fills identity_.
  void open_session() {
    esp::LoaderOptions loader_options;
    loader_options.before = options_.before;
    loader_options.connect_attempts = options_.connect_attempts;
    loader_options.command_timeout = options_.command_timeout;
    transport_ = esp::open_transport(options_.port, std::min<std::uint32_t>(options_.baud, 115200));
    loader_.emplace(*transport_, loader_options);
    loader_->connect();
    if (options_.stub) loader_->run_stub(*options_.stub);
    if (options_.baud > 115200) loader_->change_baud(options_.baud);
    auto id = loader_->flash_id();
    std::uint32_t size = id.size.value_or(4u << 20);
    loader_->attach_flash(size);
    const auto& chip = loader_->chip();
    confirm_mac(chip);
    identity_.chip = std::string(chip.target->esptool_name);
    identity_.description = chip.description;
    identity_.mac = esp::esp32::format_mac(chip.mac);
    identity_.flash_size = id.size.value_or(0);
    identity_.major_revision = chip.major_revision;
    identity_.minor_revision = chip.minor_revision;
  }

 public:
  RegionWrite write(const Region& region, const ProgressFn& progress) override {
    esp::WriteOptions options;
    options.compress = true;
    if (region.compressed.valid()) options.precompressed = &region.compressed.get();
    options.verify = true;
    options.progress = progress;
    auto report = loader_->write_flash(region.offset, region.bytes, options);
    return {report.verified, to_hex(report.md5)};
  }

  Bytes read(std::uint32_t offset, std::uint32_t size) override { return loader_->read_flash(offset, size, {}); }

  void finish() override { loader_->leave(options_.after); }

  efuse::RegisterPort& efuse_port(const efuse::ChipTable& chip) override {
    if (!loader_) throw Error(ErrorKind::Internal, "eFuse access before connect");
    efuse_port_.emplace(*loader_, chip);
    return *efuse_port_;
  }

  std::string describe() const override { return options_.port; }

 private:
  // The ledger keys a device by its MAC, and a loader's register replies carry no checksum: a
  // byte flipped on a noisy line would give a device another board's identity (seen with
  // fwprov-sim --corrupt-rate). The MAC's eFuse words are read a second time (two register
  // reads) and must agree with the first reading.
  void confirm_mac(const esp::ChipInfo& chip) {
    auto again = loader_->read_mac();
    if (again != chip.mac)
      throw Error(ErrorKind::Device, fmt::format("{}: the MAC read twice differs ({} then {}): a corrupted reply on the link", options_.port,
                                                 esp::esp32::format_mac(chip.mac), esp::esp32::format_mac(again)));
  }

  EspLinkOptions options_;
  std::unique_ptr<esp::Transport> transport_;
  std::optional<esp::Loader> loader_;
  std::optional<efuse::LoaderPort> efuse_port_;
  ChipIdentity identity_;
};

}  // namespace

EspLinkOptions esp_link_options(const Recipe& recipe, const std::string& port, const esp::StubImage* stub) {
  EspLinkOptions options;
  options.port = port;
  options.baud = recipe.device.baud;
  auto before = esp::parse_before_reset(recipe.device.before);
  auto after = esp::parse_after_reset(recipe.device.after);
  if (!before || !after) throw Error(ErrorKind::Input, SourceLocation(recipe.file.string(), 0, 0, "device.before"), "unknown reset mode");
  options.before = *before;
  options.after = *after;
  options.stub = stub;
  return options;
}

std::unique_ptr<DeviceLink> open_esp_link(const EspLinkOptions& options) { return std::make_unique<EspLink>(options); }

}  // namespace fwprov::provision
