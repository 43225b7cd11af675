// `fwprov ports`: the serial ports on this machine and what is plugged into them, with
// Espressif's own USB and the common USB-UART bridges named. Lists only; never opens a port.
#include <fmt/core.h>

#include "commands.hpp"
#include "fwprov/esp/ports.hpp"

namespace fwprov::cli {
namespace {

struct PortsOptions {
  std::vector<std::string> globs;
  std::vector<std::string> filters;
};

nlohmann::json port_json(const esp::PortInfo& port) {
  auto hex = [](const std::optional<std::uint16_t>& value) -> nlohmann::json {
    return value ? nlohmann::json(fmt::format("0x{:04X}", *value)) : nlohmann::json(nullptr);
  };
  return {{"path", port.path},
          {"transport", port.transport},
          {"description", port.description},
          {"vid", hex(port.vid)},
          {"pid", hex(port.pid)},
          {"serial", port.serial},
          {"manufacturer", port.manufacturer},
          {"product", port.product},
          {"location", port.location},
          {"kind", port.kind ? nlohmann::json(std::string(port.kind->name)) : nlohmann::json(nullptr)},
          {"espressif", port.kind != nullptr && port.kind->espressif}};
}

std::string port_line(const esp::PortInfo& port) {
  std::string usb = port.vid ? fmt::format("{:04x}:{:04x}", *port.vid, port.pid.value_or(0)) : std::string("-");
  std::string what = port.kind ? std::string(port.kind->name) : port.description;
  std::string line = fmt::format("{:<16} {:<9} {}", port.path, usb, what);
  if (port.kind && port.kind->espressif) line += " [espressif]";
  if (!port.serial.empty()) line += fmt::format(" serial={}", port.serial);
  if (!port.location.empty()) line += fmt::format(" location={}", port.location);
  if (!port.manufacturer.empty() || !port.product.empty()) line += fmt::format(" ({} {})", port.manufacturer, port.product);
  return line;
}

void run_ports(Context& context, const PortsOptions& options) {
  auto ports = esp::list_ports();
  esp::PortSelection selection;
  selection.globs = options.globs;
  selection.filter = esp::parse_port_filter(options.filters);
  std::vector<esp::PortInfo> shown;
  for (const auto& port : ports) {
    if (esp::port_selected(selection, port)) shown.push_back(port);
  }
  if (context.out.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& port : shown) list.push_back(port_json(port));
    context.out.document({{"ok", true}, {"ports", list}});
    return;
  }
  for (const auto& port : shown) context.out.result(port_line(port));
  if (shown.empty()) context.out.note(ports.empty() ? "No serial ports found." : "No serial port matches.");
}

}  // namespace

void setup_ports(CLI::App& app, Context& context) {
  auto options = std::make_shared<PortsOptions>();
  auto* ports = app.add_subcommand("ports", "List serial ports with USB VID/PID, serial number, maker, product and location");
  ports->add_option("--ports", options->globs, "Show only ports whose path matches GLOB (e.g. '/dev/ttyUSB*'); repeatable")
      ->type_name("GLOB");
  ports->add_option("--port-filter", options->filters,
                    "Show only ports matching FIELD=VALUE[,FIELD=VALUE...] (vid, pid, serial, location); repeatable")
      ->type_name("FILTER");
  ports->footer(
      "Ports are listed, never opened. Espressif's own USB (VID 0x303A) is marked [espressif]; common USB-UART\n"
      "bridges (CP210x, CH340/CH9102, FTDI, PL2303) are named. The same --ports and --port-filter choose ports\n"
      "for `fwprov flash`.\n"
      "Examples:\n"
      "  fwprov ports\n"
      "  fwprov --json ports --port-filter vid=0x303A\n"
      "  fwprov ports --ports '/dev/ttyUSB*' --port-filter vid=0x10C4,pid=0xEA60");
  ports->callback([&context, options] { run_ports(context, *options); });
}

}  // namespace fwprov::cli
