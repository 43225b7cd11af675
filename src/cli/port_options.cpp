#include "port_options.hpp"

#include "fwprov/esp/ports.hpp"

namespace fwprov::cli {

void add_port_options(CLI::App& command, PortOptions& options, const std::string& port_help) {
  command.add_option("-p,--port", options.ports, "Serial port (/dev/ttyUSB0) or socket://HOST:PORT (raw TCP, as esptool); " + port_help)
      ->envname("ESPTOOL_PORT")
      ->type_name("PORT");
  command.add_option("--ports", options.port_globs, "Choose the listed serial ports whose path matches GLOB (see `fwprov ports`)")
      ->type_name("GLOB");
  command.add_option("--port-filter", options.port_filters,
                     "Choose the listed serial ports matching FIELD=VALUE[,...] (vid, pid, serial, location), as esptool")
      ->type_name("FILTER");
}

std::vector<std::string> selected_ports(const PortOptions& options) {
  esp::PortSelection selection;
  selection.explicit_ports = options.ports;
  selection.globs = options.port_globs;
  selection.filter = esp::parse_port_filter(options.port_filters);
  return esp::select_ports(selection, selection.enumerates() ? esp::list_ports() : std::vector<esp::PortInfo>{});
}

PortOptions only_port(const std::string& port) { return PortOptions{{port}, {}, {}}; }

}  // namespace fwprov::cli
