// Batches beyond a few files are synced with one syncfs instead of an fsync per file; the
// result must be the same: every file, its mode, no temp file.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/file_io.hpp"
#include "test_support.hpp"

using namespace fwprov;
namespace fs = std::filesystem;

TEST_CASE("a large batch writes every file with its mode and leaves no temp files") {
  auto dir = test::scratch("atomic-large");
  constexpr int kFiles = 40;
  OutputBatch batch;
  for (int i = 0; i < kFiles; ++i)
    batch.add(dir / ("f" + std::to_string(i)), Bytes{static_cast<std::uint8_t>(i)}, i % 2 ? FileMode::Secret : FileMode::Public);
  batch.commit();
  for (int i = 0; i < kFiles; ++i) {
    auto path = dir / ("f" + std::to_string(i));
    CHECK(read_file(path) == Bytes{static_cast<std::uint8_t>(i)});
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == (i % 2 ? 0600u : 0644u));
    auto temp = path;
    temp += ".tmp";
    CHECK_FALSE(fs::exists(temp));
  }
}
