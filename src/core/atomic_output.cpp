#include "fwprov/core/atomic_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "fwprov/core/error.hpp"
#include "fwprov/core/secret.hpp"
#include "io_error.hpp"

namespace fwprov {
namespace {

std::filesystem::path temp_path_for(const std::filesystem::path& target) {
  std::filesystem::path temp = target;
  temp += ".tmp";
  return temp;
}

using detail::throw_io_error;

void check_folder_exists(const std::filesystem::path& target) {
  std::filesystem::path folder = target.parent_path();
  if (folder.empty()) return;
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec))
    throw Error(ErrorKind::Io, SourceLocation{target.string()}, "output folder " + folder.string() + " does not exist");
}

// Writes and (when `sync`) fsyncs; the temp file is created with the final mode so a secret is
// never world-readable, not even briefly.
void write_synced(const std::filesystem::path& path, ByteView data, FileMode mode, bool sync = true) {
  const mode_t perms = mode == FileMode::Secret ? 0600 : 0644;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, perms);
  if (fd < 0) throw_io_error(path, "cannot create");
  if (::fchmod(fd, perms) != 0) {  // the umask may have narrowed it; a pre-existing file may be wider
    ::close(fd);
    throw_io_error(path, "cannot set mode");
  }
  std::size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw_io_error(path, "write failed");
    }
    written += static_cast<std::size_t>(n);
  }
  if ((sync && ::fsync(fd) != 0) || ::close(fd) != 0) throw_io_error(path, "write failed");
}

// Beyond a few files, one syncfs per file system is far cheaper than an fsync per file (a
// 2000-file `convert` batch spent most of its time in fsync) and flushes the same data.
constexpr std::size_t kSyncEachFileUpTo = 8;

void sync_file_systems(const std::vector<std::filesystem::path>& files) {
  std::vector<dev_t> synced;
  for (const auto& file : files) {
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) throw_io_error(file, "cannot stat");
    if (std::find(synced.begin(), synced.end(), info.st_dev) != synced.end()) continue;
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw_io_error(file, "cannot open");
    int result = ::syncfs(fd);
    ::close(fd);
    if (result != 0) throw_io_error(file, "sync failed");
    synced.push_back(info.st_dev);
  }
}

// The renames are directory entries: syncing each folder once makes them durable too.
template <typename Files>
void sync_folders(const Files& files) {
  std::vector<std::filesystem::path> done;
  for (const auto& file : files) {
    std::filesystem::path folder = file.path.parent_path();
    if (folder.empty()) folder = ".";
    if (std::find(done.begin(), done.end(), folder) != done.end()) continue;
    int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw_io_error(folder, "cannot open folder");
    int result = ::fsync(fd);
    ::close(fd);
    if (result != 0) throw_io_error(folder, "sync failed");
    done.push_back(folder);
  }
}

}  // namespace

void OutputBatch::wipe_secrets() noexcept {
  for (auto& file : pending_)
    if (file.mode == FileMode::Secret) wipe(file.data);
}

OutputBatch::~OutputBatch() {
  for (const auto& temp : temps_) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
  }
  wipe_secrets();
}

void OutputBatch::add(std::filesystem::path path, Bytes data, FileMode mode) {
  check_folder_exists(path);
  pending_.push_back(Pending{std::move(path), std::move(data), mode});
}

void OutputBatch::commit() {
  const bool sync_each = pending_.size() <= kSyncEachFileUpTo;
  for (const auto& file : pending_) {
    auto temp = temp_path_for(file.path);
    temps_.push_back(temp);
    write_synced(temp, file.data, file.mode, sync_each);
  }
  if (!sync_each) sync_file_systems(temps_);
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (std::rename(temps_[i].c_str(), pending_[i].path.c_str()) != 0) throw_io_error(pending_[i].path, "cannot rename into place");
  }
  temps_.clear();
  sync_folders(pending_);
  wipe_secrets();
  pending_.clear();
}

void write_file_atomic(const std::filesystem::path& path, ByteView data, FileMode mode) {
  OutputBatch batch;
  batch.add(path, Bytes(data.begin(), data.end()), mode);
  batch.commit();
}

}  // namespace fwprov
