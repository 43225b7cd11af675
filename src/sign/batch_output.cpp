#include "fwprov/sign/batch_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "fwprov/core/error.hpp"

namespace fwprov::sign {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw Error(ErrorKind::Io, SourceLocation{path.string()}, what + ": " + std::strerror(errno));
}

std::filesystem::path folder_of(const std::filesystem::path& path) {
  auto folder = path.parent_path();
  return folder.empty() ? std::filesystem::path(".") : folder;
}

void write_unsynced(const std::filesystem::path& path, ByteView data, FileMode mode) {
  const mode_t perms = mode == FileMode::Secret ? 0600 : 0644;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, perms);
  if (fd < 0) fail(path, "cannot create");
  if (::fchmod(fd, perms) != 0) {  // the umask may have narrowed it; an old temp may be wider
    ::close(fd);
    fail(path, "cannot set mode");
  }
  std::size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      fail(path, "write failed");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) fail(path, "write failed");
}

// syncfs once per file system holding one of the folders (or fsync each folder when asked).
void sync_folders(const std::set<std::filesystem::path>& folders, bool whole_file_system) {
  std::set<dev_t> synced;
  for (const auto& folder : folders) {
    int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail(folder, "cannot open folder");
    struct stat info {};
    bool ok = ::fstat(fd, &info) == 0;
    if (ok && whole_file_system) {
      if (synced.insert(info.st_dev).second) ok = ::syncfs(fd) == 0;
    } else if (ok) {
      ok = ::fsync(fd) == 0;
    }
    ::close(fd);
    if (!ok) fail(folder, "sync failed");
  }
}

}  // namespace

BatchOutput::~BatchOutput() {
  for (const auto& temp : temps_) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
  }
}

void BatchOutput::add(std::filesystem::path path, Bytes data, FileMode mode) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder_of(path), ec))
    throw Error(ErrorKind::Io, SourceLocation{path.string()}, "output folder " + folder_of(path).string() + " does not exist");
  pending_.push_back(Pending{std::move(path), std::move(data), mode});
}

void BatchOutput::commit() {
  std::set<std::filesystem::path> folders;
  for (const auto& file : pending_) {
    auto temp = file.path;
    temp += ".tmp";
    temps_.push_back(temp);
    write_unsynced(temp, file.data, file.mode);
    folders.insert(folder_of(file.path));
  }
  sync_folders(folders, true);  // every temp file's data is on disk before any target changes
  for (std::size_t i = 0; i < pending_.size(); ++i)
    if (std::rename(temps_[i].c_str(), pending_[i].path.c_str()) != 0) fail(pending_[i].path, "cannot rename into place");
  temps_.clear();
  sync_folders(folders, false);  // and the renames themselves
  pending_.clear();
}

}  // namespace fwprov::sign
