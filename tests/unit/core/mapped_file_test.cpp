#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "fwprov/core/error.hpp"
#include "fwprov/core/mapped_file.hpp"
#include "test_support.hpp"

using namespace fwprov;
namespace fs = std::filesystem;

namespace {
void write_bytes(const fs::path& path, const Bytes& data) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}
Bytes to_vector(ByteView view) { return Bytes(view.begin(), view.end()); }
}  // namespace

TEST_CASE("a mapped file shows the file's bytes, also after a move") {
  auto dir = test::scratch("mapped");
  Bytes data(3 * 4096 + 17);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7 + 3);
  write_bytes(dir / "image.bin", data);
  MappedFile mapped(dir / "image.bin");
  CHECK(to_vector(mapped.bytes()) == data);
  MappedFile moved(std::move(mapped));
  CHECK(to_vector(moved.bytes()) == data);
  MappedFile other(dir / "image.bin");
  other = std::move(moved);
  CHECK(to_vector(other.bytes()) == data);
}

TEST_CASE("an empty file maps to no bytes") {
  auto dir = test::scratch("mapped-empty");
  write_bytes(dir / "empty.bin", {});
  MappedFile mapped(dir / "empty.bin");
  CHECK(mapped.bytes().empty());
}

TEST_CASE("a pipe is read to its end instead of mapped") {
  auto dir = test::scratch("mapped-fifo");
  auto fifo = dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::ofstream out(fifo, std::ios::binary);
    out << "abc";
    out.close();
    ::_exit(0);
  }
  MappedFile mapped(fifo);
  ::waitpid(child, nullptr, 0);
  CHECK(to_vector(mapped.bytes()) == Bytes{'a', 'b', 'c'});
}

TEST_CASE("a missing file or a folder is an Io error naming it") {
  auto dir = test::scratch("mapped-missing");
  try {
    MappedFile mapped(dir / "nope.bin");
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::Io);
    CHECK_THAT(error.what(), Catch::Contains("nope.bin"));
  }
  CHECK_THROWS_AS(MappedFile(dir), Error);
}
