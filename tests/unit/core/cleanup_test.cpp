#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/cleanup.hpp"
#include "fwprov/core/error.hpp"
#include "test_support.hpp"

using namespace fwprov;
namespace fs = std::filesystem;

namespace {

// A PID that is certainly not running: a child that has already been reaped.
pid_t dead_pid() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

void touch(const fs::path& path) { std::ofstream(path) << "x"; }

}  // namespace

TEST_CASE("temporary names are unique per call and name the target") {
  auto a = unique_temp_path("out/x.bin");
  auto b = unique_temp_path("out/x.bin");
  CHECK(a != b);
  CHECK(a.parent_path() == "out");
  CHECK(a.filename().string().rfind(".x.bin.fwprov-" + std::to_string(::getpid()) + "-", 0) == 0);
  CHECK(a.extension() == ".tmp");
}

TEST_CASE("stale temporary files and staging folders of dead processes are removed, live ones kept") {
  auto dir = test::scratch("stale-temps");
  const std::string dead = std::to_string(dead_pid());
  const std::string alive = std::to_string(::getpid());
  touch(dir / (".a.bin.fwprov-" + dead + "-0123456789abcdef.tmp"));
  fs::create_directories(dir / (".fwprov-mfg-" + dead) / "bin");
  touch(dir / (".fwprov-mfg-" + dead) / "bin" / "x.bin");
  touch(dir / (".b.bin.fwprov-" + alive + "-0123456789abcdef.tmp"));
  touch(dir / "user.fwprov-1.tmp");  // not hidden: not ours
  auto removed = remove_stale_temps(dir);
  CHECK(removed.size() == 2);
  CHECK_FALSE(fs::exists(dir / (".a.bin.fwprov-" + dead + "-0123456789abcdef.tmp")));
  CHECK_FALSE(fs::exists(dir / (".fwprov-mfg-" + dead)));
  CHECK(fs::exists(dir / (".b.bin.fwprov-" + alive + "-0123456789abcdef.tmp")));
  CHECK(fs::exists(dir / "user.fwprov-1.tmp"));
}

TEST_CASE("a batch removes stale temporary files in the folders it writes to") {
  auto dir = test::scratch("stale-batch");
  const auto stale = dir / (".a.bin.fwprov-" + std::to_string(dead_pid()) + "-00000000000000ff.tmp");
  touch(stale);
  write_file_atomic(dir / "a.bin", Bytes{1, 2, 3});
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::file_size(dir / "a.bin") == 3);
}

TEST_CASE("an output folder the run created is removed unless kept") {
  auto dir = test::scratch("output-folder");
  {
    OutputFolder folder(dir / "new" / "deeper");
    CHECK(fs::is_directory(dir / "new" / "deeper"));
    touch(dir / "new" / "deeper" / "partial");
  }
  CHECK_FALSE(fs::exists(dir / "new"));  // the outermost folder it created, with its contents
  {
    OutputFolder folder(dir / "kept");
    folder.keep();
  }
  CHECK(fs::is_directory(dir / "kept"));
  {
    OutputFolder existing(dir / "kept");  // existed before: never removed
  }
  CHECK(fs::is_directory(dir / "kept"));
}
