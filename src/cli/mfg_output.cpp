#include "mfg_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <set>
#include <thread>

#include "fwprov/core/error.hpp"

namespace fwprov::cli {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw Error(ErrorKind::Io, SourceLocation{path.string()}, what + ": " + std::strerror(errno));
}

void write_plain(const fs::path& path, const Bytes& data, FileMode mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode == FileMode::Secret ? 0600 : 0644);
  if (fd < 0) fail(path, "cannot create");
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fail(path, "write failed");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) fail(path, "write failed");
}

void sync_path(const fs::path& path, bool whole_filesystem) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open folder");
  int rc = whole_filesystem ? ::syncfs(fd) : ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail(path, "sync failed");
}

}  // namespace

void write_batch(const fs::path& outdir, const std::vector<StagedFile>& files, unsigned jobs) {
  std::error_code ec;
  fs::create_directories(outdir, ec);
  if (ec) throw Error(ErrorKind::Io, SourceLocation{outdir.string()}, "cannot create the output folder: " + ec.message());
  if (files.empty()) return;  // no staging folder to fill, sync or move
  fs::path stage = outdir / (".fwprov-mfg-" + std::to_string(::getpid()));
  std::set<std::string> subfolders;
  for (const auto& file : files) subfolders.insert(file.subfolder);
  try {
    for (const auto& sub : subfolders) {
      fs::create_directories(stage / sub, ec);
      if (ec) throw Error(ErrorKind::Io, SourceLocation{(stage / sub).string()}, "cannot create: " + ec.message());
    }
    std::atomic<std::size_t> next{0};
    std::vector<std::exception_ptr> errors(std::max(1u, jobs));
    auto work = [&](unsigned worker) {
      try {
        for (std::size_t i; (i = next++) < files.size();) write_plain(stage / files[i].subfolder / files[i].name, *files[i].data, files[i].mode);
      } catch (...) {
        errors[worker] = std::current_exception();
        next = files.size();
      }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < std::max(1u, jobs); ++t) threads.emplace_back(work, t);
    work(0);
    for (auto& thread : threads) thread.join();
    for (auto& error : errors)
      if (error) std::rethrow_exception(error);
    sync_path(stage, true);  // one flush for every file instead of one fsync per file

    // Move into place: a whole folder when it does not exist yet, else file by file.
    for (const auto& sub : subfolders) {
      fs::path target = outdir / sub;
      if (!fs::exists(target)) {
        if (std::rename((stage / sub).c_str(), target.c_str()) != 0) fail(target, "cannot move into place");
        continue;
      }
      for (const auto& file : files)
        if (file.subfolder == sub && std::rename((stage / sub / file.name).c_str(), (target / file.name).c_str()) != 0)
          fail(target / file.name, "cannot move into place");
      sync_path(target, false);
    }
    sync_path(outdir, false);
  } catch (...) {
    fs::remove_all(stage, ec);
    throw;
  }
  fs::remove_all(stage, ec);
}

}  // namespace fwprov::cli
