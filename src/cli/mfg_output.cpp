#include "mfg_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <set>
#include <thread>

#include "fwprov/core/cleanup.hpp"
#include "fwprov/core/error.hpp"

namespace fwprov::cli {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw Error(ErrorKind::Io, SourceLocation{path.string()}, what + ": " + std::strerror(errno));
}

// Written with O_EXCL into this run's own staging folder; write-back starts at once and the
// fsync comes later (parallel, per file): only the files written are synced, never a whole file
// system.
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
  ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);  // a hint: start write-back now
  if (::close(fd) != 0) fail(path, "write failed");
}

void sync_path(const fs::path& path, bool folder) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (folder ? O_DIRECTORY : 0));
  if (fd < 0) fail(path, folder ? "cannot open folder" : "cannot open");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail(path, "sync failed");
}

// Runs `step(i)` for i in [0, count) on `jobs` threads; the first error stops the rest.
template <typename Step>
void parallel_for(std::size_t count, unsigned jobs, const Step& step) {
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(std::max(1u, jobs));
  auto work = [&](unsigned worker) {
    try {
      for (std::size_t i; (i = next++) < count;) step(i);
    } catch (...) {
      errors[worker] = std::current_exception();
      next = count;
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < std::max(1u, jobs); ++t) threads.emplace_back(work, t);
  work(0);
  for (auto& thread : threads) thread.join();
  for (auto& error : errors)
    if (error) std::rethrow_exception(error);
}

}  // namespace

void write_batch(const fs::path& outdir, const std::vector<StagedFile>& files, unsigned jobs) {
  OutputFolder output_folder(outdir);  // created when missing; removed again if this fails
  remove_stale_temps(outdir);          // staging folders of runs that were killed outright
  std::error_code ec;
  if (files.empty()) {
    // A values file with a header only: like mfg_gen.py, the csv/ and bin/ folders and no files.
    for (const char* sub : {"csv", "bin"}) {
      fs::create_directories(outdir / sub, ec);
      if (ec) throw Error(ErrorKind::Io, SourceLocation{(outdir / sub).string()}, "cannot create: " + ec.message());
    }
    output_folder.keep();
    return;
  }
  fs::path stage = outdir / unique_stage_name(".fwprov-mfg-");
  CleanupGuard stage_guard(stage, true);  // SIGINT/SIGTERM remove it with all it holds
  std::set<std::string> subfolders;
  for (const auto& file : files) subfolders.insert(file.subfolder);
  try {
    for (const auto& sub : subfolders) {
      fs::create_directories(stage / sub, ec);
      if (ec) throw Error(ErrorKind::Io, SourceLocation{(stage / sub).string()}, "cannot create: " + ec.message());
    }
    parallel_for(files.size(), jobs, [&](std::size_t i) { write_plain(stage / files[i].subfolder / files[i].name, *files[i].data, files[i].mode); });
    parallel_for(files.size(), jobs, [&](std::size_t i) { sync_path(stage / files[i].subfolder / files[i].name, false); });
    for (const auto& sub : subfolders) sync_path(stage / sub, true);

    // Move into place: a whole folder when it does not exist yet, else file by file (an existing
    // file of the same name is replaced: docs/cli-contract.md).
    for (const auto& sub : subfolders) {
      fs::path target = outdir / sub;
      if (!fs::exists(target)) {
        if (std::rename((stage / sub).c_str(), target.c_str()) != 0) fail(target, "cannot move into place");
        continue;
      }
      for (const auto& file : files)
        if (file.subfolder == sub && std::rename((stage / sub / file.name).c_str(), (target / file.name).c_str()) != 0)
          fail(target / file.name, "cannot move into place");
      sync_path(target, true);
    }
    sync_path(outdir, true);
  } catch (...) {
    fs::remove_all(stage, ec);
    throw;
  }
  fs::remove_all(stage, ec);
  output_folder.keep();
}

}  // namespace fwprov::cli
