#pragma once
// NXP Ivaldi `sign_me.py` outputs: raw signature, its base64 text, and the bundle.
#include <string>

#include "fwprov/core/bytes.hpp"

namespace fwprov::sign::nxp {

// input || certificate PEM (verbatim) || 0x00 || 0xFF so that the certificate area is 2048
// bytes. Throws Input error (naming `certificate_origin`) for a certificate of 2048 bytes or
// more, which the reference script cannot handle either.
Bytes bundle(ByteView input, ByteView certificate_pem, const std::string& certificate_origin);

// Number of bytes after the certificate (the figure sign_me.py prints).
std::size_t bundle_padding(std::size_t certificate_size);

}  // namespace fwprov::sign::nxp
