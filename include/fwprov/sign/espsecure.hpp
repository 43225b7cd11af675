#pragma once
// Espressif secure boot signatures exactly as `espsecure sign-data` (esptool 5.3.1) writes them:
// v1 (ECDSA P-256 trailer, deterministic) and v2 (4096-byte signature sector with up to three
// RSA-3072-PSS or ECDSA blocks). Raw bytes in, raw bytes out: any image, not only ESP apps.
#include <optional>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/diagnostics.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/sign/file_digest.hpp"
#include "fwprov/sign/signer.hpp"

namespace fwprov::sign::espsecure {

using pki::PkeyPtr;

// A signature made elsewhere, e.g. by an HSM, with the public key it verifies under: what
// espsecure's `--pub-key` + `--signature` take. It is verified before it is used.
struct PrecomputedSignature {
  const EVP_PKEY* public_key = nullptr;
  Bytes signature;     // v1: r || s, 32 bytes each, big-endian; v2 RSA: raw RSA-PSS; v2 ECDSA: DER
  std::string origin;  // the signature file, named in errors
};

// --- v1 ---
// image || 00000000 || r || s, r/s from RFC 6979 with SHA-256. The key must be EC P-256.
Bytes sbv1_sign(ByteView image, const EVP_PKEY* key, const std::string& origin);
// The same with a signer: a file key signs deterministically as above; a token key signs in
// the token with its own nonce (the device verifies any valid ECDSA signature).
Bytes sbv1_sign(ByteView image, Signer& signer, const std::string& origin);
// X || Y big-endian, 64 bytes (espsecure extract-public-key --version 1).
Bytes sbv1_raw_public_key(const EVP_PKEY* key);
PkeyPtr sbv1_public_key_from_raw(ByteView x_y);
// image || 00000000 || r || s from a pre-computed signature over SHA-256(image). Crypto error
// when it does not verify with its public key.
Bytes sbv1_sign_precomputed(ByteView image, const PrecomputedSignature& signature);

struct Sbv1Check {
  std::size_t data_size = 0;
  bool valid = false;
};
// Throws Input error when the file is too short or the version word is not 0, Crypto error
// when the key is not P-256.
Sbv1Check sbv1_verify(ByteView signed_image, const EVP_PKEY* public_key, const std::string& origin);

// --- v2 ---
// Input padded with 0xFF to a multiple of 4096 (nothing added when already aligned).
Bytes sbv2_pad(ByteView image);

// One 1216-byte block for an already computed image digest.
Bytes sbv2_block(ByteView image_digest, Signer& signer);

// SHA-256 over the block's key part: the eFuse public-key digest (digest-sbv2-public-key).
Bytes sbv2_public_key_digest(const EVP_PKEY* key);
// The hash of the padded image for this key (SHA-384 for P-384, else SHA-256).
HashAlgorithm sbv2_hash_for(const KeyInfo& info);
// Refuses (Crypto error) keys secure boot v2 does not take: RSA other than 3072 bits.
void sbv2_require_key(const KeyInfo& info, const std::string& origin);

struct Sbv2Block {
  std::size_t index = 0;
  bool valid = false;      // magic, version and CRC are right
  bool rsa = false;
  HashAlgorithm hash = HashAlgorithm::Sha256;
  Bytes digest;            // image digest stored in the block
  Bytes key_digest;        // eFuse digest of the embedded key
  PkeyPtr embedded_key;    // public key stored in the block
  Bytes signature;         // RSA: big-endian raw; ECDSA: DER
};

// The three block slots of the last sector. Throws Input error when the file is not a
// non-zero multiple of 4096 bytes.
std::vector<Sbv2Block> sbv2_read_blocks(ByteView signed_image, const std::string& origin);

// Signs `input`: pads it, appends a sector with one block per signer. With `append`, `input`
// is an already signed image whose leading valid blocks are kept and new blocks are added
// after them (at most three in all). As espsecure 5.3.1, --append on an input that is not a
// multiple of 4096 bytes, or whose first block is not valid, signs afresh; both cases, and a
// kept block whose digest does not match the image, are reported to `warnings`.
Bytes sbv2_sign(ByteView input, std::vector<Signer*> signers, bool append, const std::string& origin, Warnings* warnings = nullptr);
// The same from pre-computed signatures over the input's digest (SHA-384 for P-384 keys),
// which is why the input must already be a multiple of 4096 bytes (espsecure refuses to pad
// it too). Crypto error naming the signature file when one does not verify.
Bytes sbv2_sign_precomputed(ByteView input, const std::vector<PrecomputedSignature>& signatures, bool append,
                            const std::string& origin, Warnings* warnings = nullptr);

struct Sbv2BlockCheck {
  std::size_t index = 0;
  bool valid = false;            // block slot holds a well-formed block
  bool digest_matches = false;   // stored digest equals the image's digest
  bool verified = false;         // signature verifies with the given key
  bool rsa = false;
  Bytes key_digest;
  std::string note;              // why it did not verify
};
struct Sbv2Check {
  std::size_t image_size = 0;
  std::vector<Sbv2BlockCheck> blocks;
  bool valid = false;  // some block verifies and no valid block's digest mismatches
};
Sbv2Check sbv2_verify(ByteView signed_image, const EVP_PKEY* public_key, const std::string& origin);

}  // namespace fwprov::sign::espsecure
