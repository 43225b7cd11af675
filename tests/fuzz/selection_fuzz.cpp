// Command-line selectors a script or an environment variable feeds: --ledger FILE|URL (the
// first line: URL detection, password detection, redaction, the argv check) and --port-filter
// FIELD=VALUE[,...] (the other lines, one option each). Both refuse with Usage errors only;
// a redacted URL never still holds a password.
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "fwprov/esp/ports.hpp"
#include "fwprov/provision/ledger_open.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  std::string_view input = fuzz::text(data, size);
  std::vector<std::string> lines;
  for (std::size_t start = 0; start <= input.size();) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    lines.emplace_back(input.substr(start, end - start));
    start = end + 1;
  }
  const std::string& location = lines.front();
  const std::string redacted = provision::redact_ledger_url(location);
  if (provision::is_ledger_url(location)) {
    fuzz::require(provision::is_ledger_url(redacted), "a redacted URL is still a URL");
    fuzz::require(!provision::ledger_url_has_password(redacted) || redacted.find("***") != std::string::npos,
                  "a redacted URL carries no password but ***");
  } else {
    fuzz::require(redacted == location, "text that is not a URL comes back unchanged");
  }
  fuzz::expect_kinds({ErrorKind::Usage}, [&] { provision::check_command_line_ledger(location); });
  fuzz::expect_kinds({ErrorKind::Usage}, [&] {
    esp::PortFilter filter = esp::parse_port_filter(std::vector<std::string>(lines.begin() + 1, lines.end()));
    esp::PortInfo port;
    port.vid = 0x303A;
    port.pid = 0x1001;
    port.serial = "A1";
    port.location = "1-1.4";
    (void)esp::port_matches(port, filter);
  });
  return 0;
}
