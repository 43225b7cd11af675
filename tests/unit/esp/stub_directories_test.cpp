#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "fwprov/esp/stub.hpp"
#include "test_support.hpp"

using namespace fwprov::esp;
namespace fs = std::filesystem;

namespace {
// Sets FWPROV_STUB_DIR for one test and restores the previous value.
class StubDirEnv {
 public:
  explicit StubDirEnv(const char* value) {
    if (const char* old = std::getenv("FWPROV_STUB_DIR")) old_ = old;
    if (value) ::setenv("FWPROV_STUB_DIR", value, 1);
    else ::unsetenv("FWPROV_STUB_DIR");
  }
  ~StubDirEnv() {
    if (old_) ::setenv("FWPROV_STUB_DIR", old_->c_str(), 1);
    else ::unsetenv("FWPROV_STUB_DIR");
  }
 private:
  std::optional<std::string> old_;
};
}  // namespace

TEST_CASE("stub directories: the package's folder beside the binary, then FWPROV_STUB_DIR") {
  fs::path exe = fs::read_symlink("/proc/self/exe");
  fs::path beside = exe.parent_path().parent_path() / "share" / "fwprov" / "stubs";
  {
    StubDirEnv env(nullptr);
    auto dirs = stub_directories();
    REQUIRE(dirs.size() == 1);
    CHECK(dirs[0] == beside);
    CHECK(stub_search_paths("esp32").front() == beside / "esp32.json");
  }
  {
    StubDirEnv env("");  // empty means unset
    CHECK(stub_directories().size() == 1);
  }
  {
    StubDirEnv env("/somewhere/stubs");
    auto dirs = stub_directories();
    REQUIRE(dirs.size() == 2);
    CHECK(dirs[0] == beside);
    CHECK(dirs[1] == fs::path("/somewhere/stubs"));
    auto paths = stub_search_paths("esp32");
    REQUIRE(paths.size() > 2);
    CHECK(paths[1] == fs::path("/somewhere/stubs/esp32.json"));
  }
}

TEST_CASE("stub directories: FWPROV_STUB_DIR wins over esptool and esptool-js installs") {
  auto dir = fwprov::test::scratch("esp_stub_dir_env");
  std::ofstream(dir / "esp32.json") << "{}";
  StubDirEnv env(dir.c_str());
  auto found = find_installed_stub();
  REQUIRE(found);
  CHECK(*found == dir / "esp32.json");
}
