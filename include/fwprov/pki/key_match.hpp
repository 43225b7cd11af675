#pragma once
// Does a certificate (or CSR) belong to a key? Compares public keys, so a private key, its
// public key file and every certificate issued for it all match one another.
#include "fwprov/pki/pki_file.hpp"

namespace fwprov::pki {

// The public key a file carries: a certificate's (the first of a chain), a CSR's, or the key.
const EVP_PKEY* public_key_of(const PkiFile& file);

bool same_public_key(const EVP_PKEY* a, const EVP_PKEY* b);

}  // namespace fwprov::pki
