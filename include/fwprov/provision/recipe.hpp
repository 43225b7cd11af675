#pragma once
// The station recipe: one TOML file that says what every device of a product gets (docs/provision.md
// lists every key). Parsing checks the file's shape only (types, known keys, templates); the
// files it names are read and the plan is checked by prepare_run() (plan.hpp).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/pki/passphrase.hpp"
#include "fwprov/sign/certificates.hpp"

namespace fwprov::provision {

// A value's place in the recipe: file, line, column and dotted key ("credentials.mode").
using RecipeLocation = SourceLocation;

struct DeviceSection {
  // esptool's chip name ("esp32", "esp32c3", ...). Chip facts (bootloader offset, eFuse
  // layout) come from the esp and efuse chip tables.
  std::string chip = "esp32";
  std::string flash_mode = "keep";  // qio|qout|dio|dout|keep (bootloader header)
  std::string flash_freq = "keep";  // the chip's names (esp chip table: 80m|40m|26m|20m on most)|keep
  std::string flash_size = "keep";  // 1MB..128MB|keep: also checked against the chip's flash
  std::uint32_t baud = 460800;
  std::string before = "default_reset";
  std::string after = "hard_reset";
  std::optional<std::filesystem::path> stub;  // flasher stub JSON; default: an installed one
  bool no_stub = false;
  bool read_back = false;  // also read the storage region back and decode it (MD5 already proves the bytes)
};

struct ImageEntry {
  std::string target;          // partition name, or "bootloader" / "partition-table"
  std::filesystem::path file;  // resolved against the recipe folder
  bool otadata_initial = false;  // `otadata = "initial"`: the blank image is generated
  RecipeLocation where;
};

struct PartitionsSection {
  std::filesystem::path table;
  std::uint32_t offset = 0x8000;
  std::uint32_t bootloader_offset = 0x1000;  // from the esp chip table (device.chip)
  RecipeLocation where;
};

struct IdentitySection {
  std::string serial = "{seq:06}";  // {seq} or {seq:0N} (zero-padded to N digits), text around it
  std::uint64_t first = 1;
  RecipeLocation where;
};

enum class CredentialMode { None, Issue, Files };

struct CredentialsSection {
  CredentialMode mode = CredentialMode::None;
  // issue
  sign::KeyType key_type = sign::KeyType::EcP256;
  std::string subject = "CN={serial}";
  std::filesystem::path ca_cert;
  std::filesystem::path ca_key;  // one function loads it (load_factory_ca), so a pkcs11: URI slots in
  pki::PassphraseSource ca_passphrase;
  int days = 3650;
  // files
  std::string folder = "certs/{serial}/";  // template, relative to the recipe folder
  std::string cert_file = "cert.pem";
  std::string key_file = "privatekey.pem";
  RecipeLocation where;
};

struct CommonFile {
  std::string name;  // usable as {name} in the storage template
  std::filesystem::path file;
  RecipeLocation where;
};

struct StorageSection {
  bool present = false;
  std::string partition = "storage";
  std::filesystem::path csv;
  int version = 2;
  std::optional<std::filesystem::path> values;  // per-device values CSV (header row + one row per device)
  std::string match = "serial";                 // values column that names the device: serial | mac
  bool keep_private_keys = false;
  std::filesystem::path keys_dir = "keys";      // where kept keys go (0600), relative to the recipe
  RecipeLocation where;
};

// [secure_cert]: the device's esp_secure_cert partition (CA cert, device cert, private key,
// extra TLVs from a CSV), built per device (docs/provision.md "[secure_cert]").
struct SecureCertSection {
  bool present = false;
  std::string partition = "esp_secure_cert";
  std::optional<std::filesystem::path> ca_cert;  // default: the factory CA's certificate (mode issue)
  std::optional<std::filesystem::path> csv;      // more TLVs, configure_esp_secure_cert's CSV
  RecipeLocation where;
};

enum class FlashEncryption { None, PerDevice };
enum class SecurityMode { Release, Development };

// [security]: flash encryption with a key made per device, a secure boot v2 key digest
// (docs/provision.md "[security]"). Block names default to the chip's (efuse chip table).
struct SecuritySection {
  bool present = false;
  FlashEncryption flash_encryption = FlashEncryption::None;
  SecurityMode mode = SecurityMode::Release;  // release: the counter cannot be turned off again
  std::string key_block;                      // empty: the chip's default
  std::optional<std::filesystem::path> secure_boot_key;  // public key (or key pair) PEM
  std::string digest_block;                   // empty: the chip's default
  RecipeLocation where;                       // [security] itself
  RecipeLocation secure_boot_where;
};

struct LedgerSection {
  std::filesystem::path path;  // default: fwprov-ledger.db beside the recipe
  std::string url;             // a shared PostgreSQL ledger instead (no password in it)
  std::string url_env;         // or the environment variable holding that URL (it may hold a password)
  std::string station;
  std::string operator_name;
};

struct Recipe {
  std::filesystem::path file;  // as given
  std::filesystem::path dir;   // its folder: every relative path resolves against it
  Sha256 sha256{};             // of the file's bytes, recorded with every attempt
  DeviceSection device;
  PartitionsSection partitions;
  std::vector<ImageEntry> images;  // in file order
  IdentitySection identity;
  CredentialsSection credentials;
  std::vector<CommonFile> files;
  StorageSection storage;
  SecuritySection security;
  SecureCertSection secure_cert;
  LedgerSection ledger;
};

// Reads and checks a recipe. Input errors name the file, line, column and key; an unreadable
// file is an Io error.
Recipe load_recipe(const std::filesystem::path& path);
Recipe parse_recipe(std::string_view text, const std::filesystem::path& path);

std::string_view credential_mode_name(CredentialMode mode);  // "none", "issue", "files"

}  // namespace fwprov::provision
