#pragma once
// The port options every device command shares: -p (repeatable), --ports GLOB and
// --port-filter FIELD=VALUE (docs/ports.md), and the ports they select. Selecting lists the
// ports only when a glob or filter is given and never opens one.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace fwprov::cli {

struct PortOptions {
  std::vector<std::string> ports;         // -p, repeatable
  std::vector<std::string> port_globs;    // --ports
  std::vector<std::string> port_filters;  // --port-filter
};

// Adds -p/--port (also from $ESPTOOL_PORT), --ports and --port-filter to `command`.
// `port_help` says what the command does with several ports.
void add_port_options(CLI::App& command, PortOptions& options, const std::string& port_help);

// The selected ports, explicit ones first; Error(Usage) when none is given or matches.
std::vector<std::string> selected_ports(const PortOptions& options);

// Options that name exactly `port` (for one worker of a multi-port command).
PortOptions only_port(const std::string& port);

}  // namespace fwprov::cli
