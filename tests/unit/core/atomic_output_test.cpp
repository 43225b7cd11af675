#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "test_support.hpp"

using namespace fwprov;
namespace fs = std::filesystem;

TEST_CASE("a committed batch writes every file with its mode and leaves no temp files") {
  auto dir = test::scratch("atomic-ok");
  OutputBatch batch;
  batch.add(dir / "a.der", Bytes{1, 2, 3});
  batch.add(dir / "key.der", Bytes{4}, FileMode::Secret);
  batch.commit();
  CHECK(read_file(dir / "a.der") == Bytes{1, 2, 3});
  struct stat info {};
  REQUIRE(::stat((dir / "key.der").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK_FALSE(fs::exists(dir / "a.der.tmp"));
}

TEST_CASE("a missing output folder fails before anything is written") {
  auto dir = test::scratch("atomic-missing");
  OutputBatch batch;
  batch.add(dir / "a.der", Bytes{1});
  CHECK_THROWS_AS(batch.add(dir / "nope" / "b.der", Bytes{2}), Error);
  CHECK_FALSE(fs::exists(dir / "a.der"));
}

TEST_CASE("a batch that fails while writing leaves no file behind") {
  auto dir = test::scratch("atomic-fail");
  fs::create_directories(dir / "gone");
  {
    OutputBatch batch;
    batch.add(dir / "a.der", Bytes{1});
    batch.add(dir / "gone" / "b.der", Bytes{2});
    fs::remove(dir / "gone");  // the second temp file cannot be created: commit fails half-way
    CHECK_THROWS_AS(batch.commit(), Error);
  }
  CHECK_FALSE(fs::exists(dir / "a.der"));
  CHECK(fs::is_empty(dir));  // no temporary file either
}
