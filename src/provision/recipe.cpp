// The recipe's TOML through toml++ (header-only, kept to this one file of the library).
#include "fwprov/provision/recipe.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <set>
#include <tuple>

#define TOML_EXCEPTIONS 1
#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

#include "fwprov/core/file_io.hpp"
#include "fwprov/efuse/chip_table.hpp"
#include "fwprov/esp/target_table.hpp"
#include "fwprov/provision/ledger_open.hpp"
#include "fwprov/provision/placeholders.hpp"
#include "template_names.hpp"
#include "toml_text.hpp"

namespace fwprov::provision {
namespace {

namespace fs = std::filesystem;

class RecipeReader {
 public:
  RecipeReader(std::string file) : file_(std::move(file)) {}

  SourceLocation at(const toml::node& node, const std::string& key) const {
    const auto& begin = node.source().begin;
    return SourceLocation(file_, begin.line, begin.column, key);
  }
  [[noreturn]] void fail(const toml::node& node, const std::string& key, const std::string& message) const {
    throw Error(ErrorKind::Input, at(node, key), message);
  }

  // Refuses keys a section does not know (a typo must not silently mean "default").
  void only_keys(const toml::table& table, const std::string& section, const std::set<std::string>& known) const {
    for (auto&& [key, node] : table) {
      std::string name(key.str());
      if (known.count(name)) continue;
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      fail(node, section.empty() ? name : section + "." + name,
           section.empty() ? "unknown section (known: " + list + ")" : "unknown key (known in [" + section + "]: " + list + ")");
    }
  }

  const toml::table* section(const toml::table& root, const std::string& name) const {
    const toml::node* node = root.get(name);
    if (!node) return nullptr;
    if (!node->is_table()) fail(*node, name, "must be a table ([" + name + "])");
    return node->as_table();
  }

  std::optional<std::string> text(const toml::table& table, const std::string& section, const std::string& key) const {
    const toml::node* node = table.get(key);
    if (!node) return std::nullopt;
    if (!node->is_string()) fail(*node, section + "." + key, "must be a string in quotes");
    return node->value<std::string>();
  }
  std::optional<std::int64_t> integer(const toml::table& table, const std::string& section, const std::string& key, std::int64_t min,
                                      std::int64_t max) const {
    const toml::node* node = table.get(key);
    if (!node) return std::nullopt;
    if (!node->is_integer()) fail(*node, section + "." + key, "must be an integer");
    auto value = *node->value<std::int64_t>();
    if (value < min || value > max) fail(*node, section + "." + key, fmt::format("{} is out of range {}..{}", value, min, max));
    return value;
  }
  std::optional<bool> boolean(const toml::table& table, const std::string& section, const std::string& key) const {
    const toml::node* node = table.get(key);
    if (!node) return std::nullopt;
    if (!node->is_boolean()) fail(*node, section + "." + key, "must be true or false");
    return node->value<bool>();
  }
  SourceLocation where(const toml::table& table, const std::string& section, const std::string& key) const {
    const toml::node* node = table.get(key);
    return node ? at(*node, section + "." + key) : at(table, section);
  }
  void one_of(const toml::table& table, const std::string& section, const std::string& key, const std::string& value,
              const std::set<std::string>& choices) const {
    if (choices.count(value)) return;
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    fail(*table.get(key), section + "." + key, fmt::format("\"{}\" is not one of: {}", value, list));
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

void read_device(const RecipeReader& r, const toml::table& t, DeviceSection& d) {
  r.only_keys(t, "device", {"chip", "flash_mode", "flash_freq", "flash_size", "baud", "before", "after", "stub", "no_stub", "read_back"});
  if (auto v = r.text(t, "device", "chip")) {
    d.chip = *v;
    if (d.chip == "auto")
      r.fail(*t.get("chip"), "device.chip", "\"auto\" is not supported yet; name the chip (esp32, esp32c3, ...)");
    std::set<std::string> chips;
    for (const auto& target : esp::all_targets()) chips.emplace(target.esptool_name);
    r.one_of(t, "device", "chip", d.chip, chips);
  }
  if (auto v = r.text(t, "device", "flash_mode")) {
    d.flash_mode = *v;
    r.one_of(t, "device", "flash_mode", d.flash_mode, {"qio", "qout", "dio", "dout", "keep"});
  }
  if (auto v = r.text(t, "device", "flash_freq")) {
    d.flash_freq = *v;
    // The chip's own frequency names (C2: 60m..15m, H2: 48m..12m; the esp chip table).
    std::set<std::string> freqs{"keep"};
    for (const auto& freq : esp::target_by_name(d.chip)->flash_freqs) freqs.emplace(freq.name);
    r.one_of(t, "device", "flash_freq", d.flash_freq, freqs);
  }
  if (auto v = r.text(t, "device", "flash_size")) {
    d.flash_size = *v;
    r.one_of(t, "device", "flash_size", d.flash_size, {"1MB", "2MB", "4MB", "8MB", "16MB", "32MB", "64MB", "128MB", "keep"});
  }
  if (auto v = r.integer(t, "device", "baud", 9600, 5000000)) d.baud = static_cast<std::uint32_t>(*v);
  if (auto v = r.text(t, "device", "before")) {
    d.before = *v;
    r.one_of(t, "device", "before", d.before, {"default_reset", "usb_reset", "no_reset", "no_reset_no_sync"});
  }
  if (auto v = r.text(t, "device", "after")) {
    d.after = *v;
    r.one_of(t, "device", "after", d.after, {"hard_reset", "no_reset", "no_reset_stub"});
  }
  if (auto v = r.text(t, "device", "stub")) d.stub = *v;
  if (auto v = r.boolean(t, "device", "no_stub")) d.no_stub = *v;
  if (auto v = r.boolean(t, "device", "read_back")) d.read_back = *v;
  if (d.stub && d.no_stub) r.fail(*t.get("no_stub"), "device.no_stub", "contradicts device.stub; give one of them");
}

void read_partitions(const RecipeReader& r, const toml::table& t, PartitionsSection& p) {
  r.only_keys(t, "partitions", {"table", "offset"});
  auto table = r.text(t, "partitions", "table");
  if (!table) r.fail(t, "partitions.table", "missing (the partition table, CSV or binary)");
  p.table = *table;
  p.where = r.where(t, "partitions", "table");
  if (auto v = r.integer(t, "partitions", "offset", 0x1000, 0xFFFFFF)) {
    if (*v % 0x1000) r.fail(*t.get("offset"), "partitions.offset", "must be a multiple of 0x1000");
    p.offset = static_cast<std::uint32_t>(*v);
  }
}

void read_images(const RecipeReader& r, const toml::table& t, std::vector<ImageEntry>& images) {
  for (auto&& [key, node] : t) {
    std::string name(key.str());
    std::string dotted = "images." + name;
    if (!node.is_string()) r.fail(node, dotted, "must be a file name in quotes (or \"initial\" for otadata)");
    ImageEntry entry;
    entry.target = name;
    entry.where = r.at(node, dotted);
    std::string value = *node.value<std::string>();
    if (value == "initial") {
      if (name != "otadata") r.fail(node, dotted, "\"initial\" is only for otadata (the blank OTA data image)");
      entry.otadata_initial = true;
    } else {
      if (value.empty()) r.fail(node, dotted, "empty file name");
      entry.file = value;
    }
    images.push_back(std::move(entry));
  }
  // toml++ tables iterate by key; keep the order the engineer wrote.
  std::sort(images.begin(), images.end(), [](const ImageEntry& a, const ImageEntry& b) {
    return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
  });
}

void read_identity(const RecipeReader& r, const toml::table& t, IdentitySection& id) {
  r.only_keys(t, "identity", {"serial", "first"});
  if (auto v = r.text(t, "identity", "serial")) id.serial = *v;
  id.where = r.where(t, "identity", "serial");
  check_serial_format(id.serial, id.where);
  if (auto v = r.integer(t, "identity", "first", 0, std::int64_t(1) << 53)) id.first = static_cast<std::uint64_t>(*v);
}

void read_credentials(const RecipeReader& r, const toml::table& t, CredentialsSection& c, const fs::path& dir) {
  r.only_keys(t, "credentials", {"mode", "key_type", "subject", "ca_cert", "ca_key", "ca_passphrase_env", "ca_passphrase_file", "days",
                                 "folder", "cert_file", "key_file"});
  c.where = r.where(t, "credentials", "mode");
  std::string mode = r.text(t, "credentials", "mode").value_or("none");
  r.one_of(t, "credentials", "mode", mode, {"issue", "files", "none"});
  c.mode = mode == "issue" ? CredentialMode::Issue : mode == "files" ? CredentialMode::Files : CredentialMode::None;
  auto refuse_unless = [&](const std::set<std::string>& keys, CredentialMode needed, const char* needed_name) {
    for (const auto& key : keys)
      if (t.get(key) && c.mode != needed)
        r.fail(*t.get(key), "credentials." + key, fmt::format("only used with mode = \"{}\" (this recipe says \"{}\")", needed_name, mode));
  };
  refuse_unless({"key_type", "subject", "ca_cert", "ca_key", "ca_passphrase_env", "ca_passphrase_file", "days"}, CredentialMode::Issue, "issue");
  refuse_unless({"folder", "cert_file", "key_file"}, CredentialMode::Files, "files");
  if (c.mode == CredentialMode::Issue) {
    if (auto v = r.text(t, "credentials", "key_type")) {
      try {
        c.key_type = sign::parse_key_type(*v);
      } catch (const Error& error) {
        r.fail(*t.get("key_type"), "credentials.key_type", error.message());
      }
    }
    if (auto v = r.text(t, "credentials", "subject")) c.subject = *v;
    check_placeholders(c.subject, subject_placeholders(), r.where(t, "credentials", "subject"));
    auto ca_cert = r.text(t, "credentials", "ca_cert");
    if (!ca_cert) r.fail(t, "credentials.ca_cert", "missing (the factory CA certificate that issues device certificates)");
    c.ca_cert = *ca_cert;
    auto ca_key = r.text(t, "credentials", "ca_key");
    if (!ca_key) r.fail(t, "credentials.ca_key", "missing (the factory CA's private key)");
    c.ca_key = *ca_key;
    auto env = r.text(t, "credentials", "ca_passphrase_env");
    auto file = r.text(t, "credentials", "ca_passphrase_file");
    if (env && file) r.fail(*t.get("ca_passphrase_file"), "credentials.ca_passphrase_file", "give ca_passphrase_env or ca_passphrase_file, not both");
    if (env) c.ca_passphrase = pki::PassphraseSource::from_env(*env);
    if (file) c.ca_passphrase = pki::PassphraseSource::from_file(dir / *file);
    if (auto v = r.integer(t, "credentials", "days", 1, 36500)) c.days = static_cast<int>(*v);
  }
  if (c.mode == CredentialMode::Files) {
    if (auto v = r.text(t, "credentials", "folder")) c.folder = *v;
    check_placeholders(c.folder, folder_placeholders(), r.where(t, "credentials", "folder"));
    if (auto v = r.text(t, "credentials", "cert_file")) c.cert_file = *v;
    if (auto v = r.text(t, "credentials", "key_file")) c.key_file = *v;
  }
}

void read_files(const RecipeReader& r, const toml::table& t, std::vector<CommonFile>& files) {
  for (auto&& [key, node] : t) {
    std::string name(key.str());
    if (!node.is_string()) r.fail(node, "files." + name, "must be a file name in quotes");
    if (reserved_placeholders().count(name))
      r.fail(node, "files." + name, fmt::format("{{{}}} is a built-in placeholder; choose another name", name));
    files.push_back({name, *node.value<std::string>(), r.at(node, "files." + name)});
  }
}

void read_storage(const RecipeReader& r, const toml::table& t, StorageSection& s) {
  r.only_keys(t, "storage", {"partition", "csv", "version", "values", "match", "keep_private_keys", "keys_dir"});
  s.present = true;
  s.where = r.where(t, "storage", "csv");
  if (auto v = r.text(t, "storage", "partition")) s.partition = *v;
  auto csv = r.text(t, "storage", "csv");
  if (!csv) r.fail(t, "storage.csv", "missing (the NVS CSV template, nvs_partition_gen's key,type,encoding,value)");
  s.csv = *csv;
  if (auto v = r.integer(t, "storage", "version", 1, 2)) s.version = static_cast<int>(*v);
  if (auto v = r.text(t, "storage", "values")) s.values = *v;
  if (auto v = r.text(t, "storage", "match")) {
    s.match = *v;
    r.one_of(t, "storage", "match", s.match, {"serial", "mac"});
  }
  if (auto v = r.boolean(t, "storage", "keep_private_keys")) s.keep_private_keys = *v;
  if (auto v = r.text(t, "storage", "keys_dir")) s.keys_dir = *v;
}

void read_security(const RecipeReader& r, const toml::table& t, SecuritySection& s, const std::string& chip) {
  r.only_keys(t, "security", {"flash_encryption", "mode", "key_block", "secure_boot_key", "secure_boot_digest_block"});
  s.present = true;
  s.where = r.at(t, "security");
  if (auto v = r.text(t, "security", "flash_encryption")) {
    r.one_of(t, "security", "flash_encryption", *v, {"per-device", "none"});
    s.flash_encryption = *v == "per-device" ? FlashEncryption::PerDevice : FlashEncryption::None;
  }
  if (auto v = r.text(t, "security", "mode")) {
    r.one_of(t, "security", "mode", *v, {"release", "development"});
    s.mode = *v == "development" ? SecurityMode::Development : SecurityMode::Release;
  }
  if (auto v = r.text(t, "security", "key_block")) s.key_block = *v;
  if (auto v = r.text(t, "security", "secure_boot_key")) {
    if (v->empty()) r.fail(*t.get("secure_boot_key"), "security.secure_boot_key", "empty file name");
    s.secure_boot_key = *v;
    s.secure_boot_where = r.where(t, "security", "secure_boot_key");
  }
  if (auto v = r.text(t, "security", "secure_boot_digest_block")) s.digest_block = *v;
  const auto efuse_chips = efuse::chip_names();
  if (std::find(efuse_chips.begin(), efuse_chips.end(), chip) == efuse_chips.end()) {
    std::string list;
    for (const auto& name : efuse_chips) list += (list.empty() ? "" : ", ") + name;
    r.fail(t, "security", fmt::format("fwprov burns eFuses of {} only, not {} (device.chip)", list, chip));
  }
  // Keys that only mean something with the feature they configure.
  if (t.get("key_block") && s.flash_encryption == FlashEncryption::None)
    r.fail(*t.get("key_block"), "security.key_block", "only used with flash_encryption = \"per-device\"");
  if (t.get("mode") && s.flash_encryption == FlashEncryption::None)
    r.fail(*t.get("mode"), "security.mode", "only used with flash_encryption = \"per-device\"");
  if (t.get("secure_boot_digest_block") && !s.secure_boot_key)
    r.fail(*t.get("secure_boot_digest_block"), "security.secure_boot_digest_block", "only used with secure_boot_key");
}

void read_secure_cert(const RecipeReader& r, const toml::table& t, SecureCertSection& s, const CredentialsSection& credentials) {
  r.only_keys(t, "secure_cert", {"partition", "ca_cert", "csv"});
  s.present = true;
  s.where = r.at(t, "secure_cert");
  if (auto v = r.text(t, "secure_cert", "partition")) s.partition = *v;
  if (auto v = r.text(t, "secure_cert", "ca_cert")) s.ca_cert = *v;
  if (auto v = r.text(t, "secure_cert", "csv")) s.csv = *v;
  if (credentials.mode == CredentialMode::None)
    r.fail(t, "secure_cert", "needs the device's certificate and key: [credentials] mode = \"issue\" or \"files\"");
  if (!s.ca_cert && credentials.mode != CredentialMode::Issue)
    r.fail(t, "secure_cert.ca_cert", "missing (with mode \"files\" there is no factory CA certificate to use)");
}

void read_ledger(const RecipeReader& r, const toml::table& t, LedgerSection& l) {
  r.only_keys(t, "ledger", {"path", "url", "url_env", "station", "operator"});
  if (auto v = r.text(t, "ledger", "path")) l.path = *v;
  if (auto v = r.text(t, "ledger", "url")) {
    // A recipe is copied between stations and into tickets: the password comes from
    // url_env's variable, PGPASSWORD, PGPASSFILE or ~/.pgpass, never from the recipe.
    if (!is_ledger_url(*v)) r.fail(*t.get("url"), "ledger.url", "must be a postgresql:// URL (a SQLite file is ledger.path)");
    if (ledger_url_has_password(*v))
      r.fail(*t.get("url"), "ledger.url", "must not hold a password; use url_env (a variable holding the URL), PGPASSWORD, PGPASSFILE or ~/.pgpass");
    l.url = *v;
  }
  if (auto v = r.text(t, "ledger", "url_env")) l.url_env = *v;
  int sources = t.contains("path") + !l.url.empty() + !l.url_env.empty();
  if (sources > 1) r.fail(t, "ledger", "give one of path, url and url_env");
  if (auto v = r.text(t, "ledger", "station")) l.station = *v;
  if (auto v = r.text(t, "ledger", "operator")) l.operator_name = *v;
}

}  // namespace

std::string_view credential_mode_name(CredentialMode mode) {
  switch (mode) {
    case CredentialMode::Issue: return "issue";
    case CredentialMode::Files: return "files";
    case CredentialMode::None: break;
  }
  return "none";
}

Recipe parse_recipe(std::string_view text, const fs::path& path) {
  RecipeReader r(path.string());
  toml::table root;
  check_toml_text(text, path.string());  // before toml++: text it cannot parse safely
  try {
    root = toml::parse(text, path.string());
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    throw Error(ErrorKind::Input, SourceLocation(path.string(), begin.line, begin.column), std::string(error.description()));
  }
  Recipe recipe;
  recipe.file = path;
  recipe.dir = path.parent_path();
  recipe.sha256 = sha256(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  r.only_keys(root, "", {"device", "partitions", "images", "identity", "credentials", "files", "storage", "security", "secure_cert", "ledger"});
  if (auto* t = r.section(root, "device")) read_device(r, *t, recipe.device);
  auto* partitions = r.section(root, "partitions");
  if (!partitions) throw Error(ErrorKind::Input, SourceLocation(path.string(), 0, 0, "partitions"), "missing [partitions] (table = \"partitions.csv\")");
  read_partitions(r, *partitions, recipe.partitions);
  if (auto* t = r.section(root, "images")) read_images(r, *t, recipe.images);
  if (auto* t = r.section(root, "identity")) read_identity(r, *t, recipe.identity);
  else check_serial_format(recipe.identity.serial, {path.string()});
  if (auto* t = r.section(root, "credentials")) read_credentials(r, *t, recipe.credentials, recipe.dir);
  if (auto* t = r.section(root, "files")) read_files(r, *t, recipe.files);
  if (auto* t = r.section(root, "storage")) read_storage(r, *t, recipe.storage);
  recipe.partitions.bootloader_offset = esp::target_by_name(recipe.device.chip)->bootloader_offset;
  if (auto* t = r.section(root, "security")) read_security(r, *t, recipe.security, recipe.device.chip);
  if (auto* t = r.section(root, "secure_cert")) read_secure_cert(r, *t, recipe.secure_cert, recipe.credentials);
  if (auto* t = r.section(root, "ledger")) read_ledger(r, *t, recipe.ledger);
  if (recipe.ledger.path.empty()) recipe.ledger.path = "fwprov-ledger.db";
  if (recipe.images.empty() && !recipe.storage.present && !recipe.secure_cert.present)
    throw Error(ErrorKind::Input, SourceLocation(path.string(), 0, 0, "images"), "nothing to flash: no [images] and no [storage]");
  return recipe;
}

Recipe load_recipe(const fs::path& path) {
  return parse_recipe(read_text_file(path), path);
}

}  // namespace fwprov::provision
