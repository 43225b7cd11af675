#include "fwprov/sign/nxp.hpp"

#include "fwprov/core/error.hpp"
#include "fwprov/sign/format.hpp"

namespace fwprov::sign::nxp {

std::size_t bundle_padding(std::size_t certificate_size) { return format::kNxpCertificateArea - certificate_size; }

Bytes bundle(ByteView input, ByteView certificate_pem, const std::string& certificate_origin) {
  if (certificate_pem.size() >= format::kNxpCertificateArea)
    throw Error(ErrorKind::Input, SourceLocation{certificate_origin},
                "certificate file is " + std::to_string(certificate_pem.size()) +
                    " bytes: the bundle's certificate area holds at most 2047 bytes plus a 0x00 terminator");
  Bytes out;
  out.reserve(input.size() + format::kNxpCertificateArea);
  append(out, input);
  append(out, certificate_pem);
  out.push_back(format::kNxpCertificateTerminator);
  out.resize(input.size() + format::kNxpCertificateArea, format::kNxpPadByte);
  return out;
}

}  // namespace fwprov::sign::nxp
