#include "fwprov/core/error.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/esp/transport.hpp"

namespace fwprov::esp {

std::unique_ptr<Transport> open_transport(const std::string& port, std::uint32_t baud) {
  constexpr std::string_view kSocket = "socket://";
  if (port.rfind(kSocket, 0) == 0) {
    std::string rest = port.substr(kSocket.size());
    auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0)
      throw Error(ErrorKind::Usage, "port '" + port + "': expected socket://HOST:PORT");
    std::string host = rest.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    auto number = parse_unsigned(rest.substr(colon + 1));
    if (!number || *number == 0 || *number > 65535)
      throw Error(ErrorKind::Usage, "port '" + port + "': TCP port must be 1..65535");
    return open_tcp_transport(host, static_cast<std::uint16_t>(*number), Millis(5000));
  }
  if (port.find("://") != std::string::npos)
    throw Error(ErrorKind::Usage, "port '" + port + "': only socket://HOST:PORT URLs are supported (no rfc2217://)");
  return open_serial_transport(port, baud);
}

}  // namespace fwprov::esp
