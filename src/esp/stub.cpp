#include "fwprov/esp/stub.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"

namespace fwprov::esp {
namespace fs = std::filesystem;

StubImage load_stub_json(const fs::path& path) { return parse_stub_json(read_text_file(path), path); }

StubImage parse_stub_json(std::string_view text, const fs::path& path) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {  // parse_error, and out_of_range for a number too large (1e999)
    throw Error(ErrorKind::Input, SourceLocation(path.string()), std::string("not valid JSON: ") + error.what());
  }
  auto where = [&](const char* field) { return SourceLocation(path.string(), 0, 0, field); };
  auto number = [&](const char* field, bool required) -> std::uint32_t {
    if (!doc.contains(field)) {
      if (required) throw Error(ErrorKind::Input, where(field), "stub JSON lacks the field");
      return 0;
    }
    if (!doc[field].is_number_unsigned())
      throw Error(ErrorKind::Input, where(field), "must be an unsigned number");
    // get<uint32_t> would silently keep the low 32 bits of a larger number.
    const auto value = doc[field].get<std::uint64_t>();
    if (value > 0xFFFFFFFFu) throw Error(ErrorKind::Input, where(field), fmt::format("{:#x} is not a 32-bit address", value));
    return static_cast<std::uint32_t>(value);
  };
  auto segment = [&](const char* field, bool required) -> Bytes {
    if (!doc.contains(field)) {
      if (required) throw Error(ErrorKind::Input, where(field), "stub JSON lacks the field");
      return {};
    }
    if (!doc[field].is_string()) throw Error(ErrorKind::Input, where(field), "must be a base64 string");
    auto decoded = from_base64(doc[field].get<std::string>());
    if (!decoded) throw Error(ErrorKind::Input, where(field), "is not valid base64");
    return std::move(decoded->bytes);
  };
  if (!doc.is_object()) throw Error(ErrorKind::Input, SourceLocation(path.string()), "stub JSON must be an object");
  StubImage stub;
  stub.text = segment("text", true);
  stub.text_start = number("text_start", true);
  stub.data = segment("data", false);
  stub.data_start = number("data_start", !stub.data.empty());
  stub.entry = number("entry", true);
  stub.source = path;
  if (stub.text.empty()) throw Error(ErrorKind::Input, where("text"), "stub text segment is empty");
  if (stub.entry == 0) throw Error(ErrorKind::Input, where("entry"), "stub entry point is 0");
  return stub;
}

// The installed package's own stubs first: relative to the running binary, so an unpacked or
// relocated tree (prefix/bin/fwprov + prefix/share/fwprov/stubs) works wherever it lies.
std::vector<fs::path> stub_directories() {
  std::vector<fs::path> dirs;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && exe.has_parent_path()) dirs.push_back(exe.parent_path().parent_path() / "share" / "fwprov" / "stubs");
  if (const char* env = std::getenv("FWPROV_STUB_DIR"); env != nullptr && *env != '\0') dirs.emplace_back(env);
  return dirs;
}

std::vector<fs::path> stub_search_paths(std::string_view file, const fs::path& stub_dir) {
  std::vector<fs::path> paths;
  const std::string json = std::string(file) + ".json";
  if (!stub_dir.empty()) paths.push_back(stub_dir / json);
  for (const auto& dir : stub_directories()) paths.push_back(dir / json);
  const fs::path js = fs::path("esptool-js/lib/targets/stub_flasher") / json;
  std::error_code ec;
  // esptool-js: a node_modules folder here or above, then the global module folders.
  for (fs::path dir = fs::current_path(ec); !ec && !dir.empty(); dir = dir.parent_path()) {
    paths.push_back(dir / "node_modules" / js);
    if (dir == dir.parent_path()) break;
  }
  for (const char* root : {"/usr/lib/node_modules", "/usr/local/lib/node_modules"}) paths.push_back(fs::path(root) / js);
  // esptool (Python): new stub first, then the legacy one, then the pre-v4.6 name (ESP32 only).
  std::vector<fs::path> site_dirs;
  for (const char* base : {"/usr/lib", "/usr/local/lib"}) {
    for (const auto& entry : fs::directory_iterator(base, ec)) {
      std::string name = entry.path().filename().string();
      if (name.rfind("python3", 0) != 0) continue;
      site_dirs.push_back(entry.path() / "dist-packages");
      site_dirs.push_back(entry.path() / "site-packages");
    }
  }
  site_dirs.push_back("/usr/lib/python3/dist-packages");
  if (const char* home = std::getenv("HOME")) {
    for (const auto& entry : fs::directory_iterator(fs::path(home) / ".local/lib", ec))
      site_dirs.push_back(entry.path() / "site-packages");
  }
  for (const auto& site : site_dirs) {
    paths.push_back(site / "esptool/targets/stub_flasher/2" / json);
    paths.push_back(site / "esptool/targets/stub_flasher/1" / json);
    if (file == "esp32") paths.push_back(site / "esptool/targets/stub_flasher/stub_flasher_32.json");
  }
  return paths;
}

std::optional<fs::path> find_stub(std::string_view file, const fs::path& stub_dir) {
  std::error_code ec;
  for (const auto& path : stub_search_paths(file, stub_dir))
    if (fs::is_regular_file(path, ec)) return path;
  return std::nullopt;
}

std::optional<fs::path> find_installed_stub() { return find_stub("esp32"); }

void check_stub_load_address(const StubImage& stub, std::uint32_t expected_text_start, std::string_view chip_name) {
  if (stub.text_start == expected_text_start) return;
  throw Error(ErrorKind::Input, SourceLocation(stub.source.string(), 0, 0, "text_start"),
              fmt::format("this stub loads at 0x{:08X}, but the {} stub must load at 0x{:08X}: it is built for another chip",
                          stub.text_start, chip_name, expected_text_start));
}

}  // namespace fwprov::esp
