#pragma once
// The DeviceLink of real (and simulated) ESP chips: fwprov_esp's loader session over a serial
// port or socket://, set up as `fwprov flash` does it (reset, sync, stub, baud, flash attach).
#include <memory>
#include <optional>
#include <string>

#include "fwprov/esp/loader.hpp"
#include "fwprov/provision/pipeline.hpp"

namespace fwprov::provision {

struct EspLinkOptions {
  std::string port;
  std::uint32_t baud = 460800;
  esp::BeforeReset before = esp::BeforeReset::Default;
  esp::AfterReset after = esp::AfterReset::HardReset;
  const esp::StubImage* stub = nullptr;  // nullptr: the ROM loader
  esp::Millis command_timeout{3000};
  int connect_attempts = 7;
};

// Usage errors for unknown before/after spellings.
EspLinkOptions esp_link_options(const Recipe& recipe, const std::string& port, const esp::StubImage* stub);

std::unique_ptr<DeviceLink> open_esp_link(const EspLinkOptions& options);

}  // namespace fwprov::provision
