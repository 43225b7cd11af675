#include "fwprov/core/atomic_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "fwprov/core/cleanup.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/secret.hpp"
#include "io_error.hpp"

namespace fwprov {
namespace {

using detail::throw_io_error;

void check_folder_exists(const std::filesystem::path& target) {
  std::filesystem::path folder = target.parent_path();
  if (folder.empty()) return;
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec))
    throw Error(ErrorKind::Io, SourceLocation{target.string()}, "output folder " + folder.string() + " does not exist");
}

void write_all(int fd, const std::filesystem::path& path, ByteView data) {
  std::size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io_error(path, "write failed");
    }
    written += static_cast<std::size_t>(n);
  }
}

// Creates `temp` holding `data`, with the final mode from the start so a secret is never
// world-readable, not even briefly. Where the file system allows, the bytes are written to an
// anonymous O_TMPFILE first and only a complete file gets the name; elsewhere the unique name
// is created with O_EXCL (never someone else's file, never truncating one). Write-back is
// started here and waited for in sync_files(), so many files are flushed in parallel.
void create_temp(const std::filesystem::path& temp, const std::filesystem::path& target, ByteView data, FileMode mode) {
  const mode_t perms = mode == FileMode::Secret ? 0600 : 0644;
  std::filesystem::path folder = temp.parent_path().empty() ? "." : temp.parent_path();
  bool anonymous = true;
  int fd = ::open(folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, perms);
  if (fd < 0) {
    anonymous = false;
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, perms);
    if (fd < 0) throw_io_error(target, "cannot create");  // errors name the target, not our temporary name
  }
  try {
    if (::fchmod(fd, perms) != 0) throw_io_error(target, "cannot set mode");  // the umask may have narrowed it
    write_all(fd, target, data);
    ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);  // a hint; fsync below is what counts
    if (anonymous) {
      std::string proc = "/proc/self/fd/" + std::to_string(fd);
      if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, temp.c_str(), AT_SYMLINK_FOLLOW) != 0)
        throw_io_error(target, "cannot create");
    }
  } catch (...) {
    ::close(fd);
    if (!anonymous) ::unlink(temp.c_str());
    throw;
  }
  if (::close(fd) != 0) throw_io_error(target, "write failed");
}

// Only the files written and the folders they are in are synced, never whole file systems.
void sync_file(const std::filesystem::path& path, bool folder) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (folder ? O_DIRECTORY : 0));
  if (fd < 0) throw_io_error(path, folder ? "cannot open folder" : "cannot open");
  int result = ::fsync(fd);
  ::close(fd);
  if (result != 0) throw_io_error(path, "sync failed");
}

std::vector<std::filesystem::path> folders_of(const std::vector<std::filesystem::path>& files) {
  std::vector<std::filesystem::path> folders;
  for (const auto& file : files) {
    std::filesystem::path folder = file.parent_path().empty() ? "." : file.parent_path();
    if (std::find(folders.begin(), folders.end(), folder) == folders.end()) folders.push_back(folder);
  }
  return folders;
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
  std::vector<std::filesystem::path> targets;
  for (const auto& file : pending_) targets.push_back(file.path);
  const auto folders = folders_of(targets);
  for (const auto& folder : folders) remove_stale_temps(folder);
  std::vector<CleanupGuard> guards;
  guards.reserve(pending_.size());
  for (const auto& file : pending_) {
    auto temp = unique_temp_path(file.path);
    guards.emplace_back(temp);
    temps_.push_back(temp);
    create_temp(temp, file.path, file.data, file.mode);
  }
  for (const auto& temp : temps_) sync_file(temp, false);
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (std::rename(temps_[i].c_str(), pending_[i].path.c_str()) != 0) throw_io_error(pending_[i].path, "cannot rename into place");
    temps_[i].clear();  // nothing left to remove for this one
    guards[i].release();
  }
  temps_.clear();
  for (const auto& folder : folders) sync_file(folder, true);  // the renames are directory entries
  wipe_secrets();
  pending_.clear();
}

void write_file_atomic(const std::filesystem::path& path, ByteView data, FileMode mode) {
  OutputBatch batch;
  batch.add(path, Bytes(data.begin(), data.end()), mode);
  batch.commit();
}

}  // namespace fwprov
