#pragma once
// Every constant of the signature formats fwprov writes and reads, in one place.
// Sources: shared/docs/signing-formats.md (espsecure 5.3.1, NXP sign_me.py, AWS IoT OTA).
#include <cstddef>
#include <cstdint>

namespace fwprov::sign::format {

// --- Espressif secure boot v1 (`espsecure sign-data --version 1`) ---
// image || uint32 LE version (0) || r (32 B big-endian) || s (32 B big-endian)
inline constexpr std::uint32_t kSbv1Version = 0;
inline constexpr std::size_t kSbv1CoordinateSize = 32;
inline constexpr std::size_t kSbv1TrailerSize = 4 + 2 * kSbv1CoordinateSize;  // 68

// --- Espressif secure boot v2 (`espsecure sign-data --version 2`) ---
inline constexpr std::size_t kSbv2SectorSize = 4096;  // image padded to this, then one signature sector
inline constexpr std::uint8_t kSbv2ImagePadByte = 0xFF;
inline constexpr std::uint8_t kSbv2SectorFillByte = 0xFF;
inline constexpr std::size_t kSbv2BlockSize = 1216;
inline constexpr std::size_t kSbv2MaxBlocks = 3;
inline constexpr std::uint8_t kSbv2Magic = 0xE7;
inline constexpr std::uint8_t kSbv2VersionRsa = 0x02;
inline constexpr std::uint8_t kSbv2VersionEcdsa = 0x03;
inline constexpr std::size_t kSbv2CrcOffset = 1196;  // CRC-32 of bytes [0, 1196), uint32 LE
inline constexpr std::size_t kSbv2TrailingZeros = 16;
inline constexpr std::size_t kSbv2DigestOffset = 4;

// RSA-3072 block (version 0x02)
inline constexpr std::size_t kSbv2RsaBits = 3072;
inline constexpr std::size_t kSbv2RsaBytes = kSbv2RsaBits / 8;  // 384
inline constexpr std::size_t kSbv2RsaModulusOffset = 36;         // n, little-endian
inline constexpr std::size_t kSbv2RsaExponentOffset = 420;       // e, uint32 LE
inline constexpr std::size_t kSbv2RsaRinvOffset = 424;           // R^2 mod n, R = 2^3072, LE
inline constexpr std::size_t kSbv2RsaMPrimeOffset = 808;         // -n^-1 mod 2^32, uint32 LE
inline constexpr std::size_t kSbv2RsaSignatureOffset = 812;      // PSS signature, byte-reversed
inline constexpr std::size_t kSbv2RsaKeyEnd = 812;               // key digest covers [36, 812)
inline constexpr std::size_t kSbv2PssSaltLength = 32;

// ECDSA block (version 0x03): E7 03 <sha id> 00, digest, curve id, X, Y, r, s (all LE)
inline constexpr std::uint8_t kSbv2ShaIdSha256 = 0;
inline constexpr std::uint8_t kSbv2ShaIdSha384 = 1;
inline constexpr std::uint8_t kSbv2CurveP192 = 1;
inline constexpr std::uint8_t kSbv2CurveP256 = 2;
inline constexpr std::uint8_t kSbv2CurveP384 = 3;

// --- NXP Ivaldi sign_me.py ---
// bundle.<name> = input || certificate PEM || 0x00 || 0xFF... (certificate area 2048 bytes)
inline constexpr std::size_t kNxpCertificateArea = 2048;
inline constexpr std::uint8_t kNxpCertificateTerminator = 0x00;
inline constexpr std::uint8_t kNxpPadByte = 0xFF;
inline constexpr const char* kNxpSignatureSuffix = ".sha256";       // raw signature bytes
inline constexpr const char* kNxpSignatureTextSuffix = ".sha256.txt";  // base64, no newline
inline constexpr const char* kNxpBundlePrefix = "bundle.";

// --- AWS IoT OTA custom code signing ---
inline constexpr const char* kAwsDefaultCertificateName = "Code Verify Key";  // pkcs11configLABEL_CODE_VERIFICATION_KEY
inline constexpr const char* kAwsHashAlgorithm = "SHA256";

}  // namespace fwprov::sign::format
