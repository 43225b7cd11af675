#include "fwprov/core/cleanup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <random>

#include "fwprov/core/error.hpp"

namespace fwprov {
namespace {

// The handler may run at any moment on any thread, so the list is a fixed array of atomic
// slots holding malloc'd C strings: no locks, nothing that moves. A '/'-prefixed tag byte says
// whether a slot is a file or a tree. Beyond kSlots registrations the extras are not cleaned
// on a signal (remove_stale_temps still finds them on the next run).
constexpr int kSlots = 4096;
std::array<std::atomic<char*>, kSlots> slots{};

constexpr char kFileTag = 'f';
constexpr char kTreeTag = 't';

// Async-signal-safe removal of a folder tree: openat/fdopendir/unlinkat only.
void remove_tree_at(int parent, const char* name, int depth) {
  if (::unlinkat(parent, name, 0) == 0) return;
  if (depth > 16) return;
  int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return;
  }
  while (dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    remove_tree_at(::dirfd(dir), entry->d_name, depth + 1);
  }
  ::closedir(dir);
  ::unlinkat(parent, name, AT_REMOVEDIR);
}

void remove_registered() {
  for (auto& slot : slots) {
    char* entry = slot.exchange(nullptr);
    if (entry == nullptr) continue;
    if (entry[0] == kTreeTag) remove_tree_at(AT_FDCWD, entry + 1, 0);
    else ::unlink(entry + 1);
  }
}

extern "C" void on_interrupt(int signal_number) {
  remove_registered();
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

bool process_is_gone(long pid) {
  if (pid <= 0 || pid == static_cast<long>(::getpid())) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// The PID in "<anything>.fwprov-<pid>-<hex>.tmp" or ".fwprov-<what>-<pid>[-<hex>]"; 0 if none.
long temp_owner(std::string_view name) {
  auto digits_at = [&](std::size_t at) -> long {
    long pid = 0;
    auto [end, ec] = std::from_chars(name.data() + at, name.data() + name.size(), pid);
    if (ec != std::errc() || end == name.data() + at) return 0;
    std::size_t rest = static_cast<std::size_t>(end - name.data());
    if (rest != name.size() && name[rest] != '-') return 0;
    return pid;
  };
  constexpr std::string_view kFileMark = ".fwprov-";
  if (name.size() > 4 && name.substr(name.size() - 4) == ".tmp") {
    auto at = name.rfind(kFileMark);
    if (at != std::string_view::npos) return digits_at(at + kFileMark.size());
    return 0;
  }
  if (name.rfind(".fwprov-", 0) == 0) {  // ".fwprov-mfg-1234" / ".fwprov-mfg-1234-ab12"
    auto dash = name.find('-', kFileMark.size());
    if (dash != std::string_view::npos) return digits_at(dash + 1);
  }
  return 0;
}

std::string random_hex() {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  char text[17];
  auto value = engine();
  for (int i = 15; i >= 0; --i, value >>= 4) text[i] = "0123456789abcdef"[value & 15];
  text[16] = 0;
  return text;
}

}  // namespace

void install_interrupt_cleanup() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  ::sigemptyset(&action.sa_mask);
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal_number, &action, nullptr);
}

CleanupGuard::CleanupGuard(const std::filesystem::path& path, bool tree) {
  std::filesystem::path absolute = path.is_absolute() ? path : std::filesystem::current_path() / path;
  const std::string& text = absolute.native();
  char* entry = static_cast<char*>(std::malloc(text.size() + 2));
  if (entry == nullptr) return;
  entry[0] = tree ? kTreeTag : kFileTag;
  std::memcpy(entry + 1, text.c_str(), text.size() + 1);
  for (int i = 0; i < kSlots; ++i) {
    char* expected = nullptr;
    if (slots[static_cast<std::size_t>(i)].compare_exchange_strong(expected, entry)) {
      slot_ = i;
      return;
    }
  }
  std::free(entry);  // list full: see kSlots
}

CleanupGuard& CleanupGuard::operator=(CleanupGuard&& other) noexcept {
  if (this != &other) {
    release();
    slot_ = other.slot_;
    other.slot_ = -1;
  }
  return *this;
}

void CleanupGuard::release() noexcept {
  if (slot_ < 0) return;
  std::free(slots[static_cast<std::size_t>(slot_)].exchange(nullptr));
  slot_ = -1;
}

OutputFolder::OutputFolder(const std::filesystem::path& folder) : folder_(folder) {
  if (folder.empty()) return;
  std::error_code ec;
  if (std::filesystem::is_directory(folder, ec)) return;
  // The outermost missing ancestor is what a failure removes.
  std::filesystem::path top = folder;
  for (auto parent = folder.parent_path(); !parent.empty() && !std::filesystem::exists(parent, ec); parent = parent.parent_path()) {
    top = parent;
    if (parent == parent.parent_path()) break;
  }
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    std::string why = ec.message();
    std::filesystem::remove_all(top, ec);
    throw Error(ErrorKind::Io, SourceLocation{folder.string()}, "cannot create the output folder: " + why);
  }
  created_top_ = top;
  guard_ = CleanupGuard(top, true);
}

OutputFolder::~OutputFolder() {
  if (created_top_.empty()) return;
  guard_.release();
  std::error_code ec;
  std::filesystem::remove_all(created_top_, ec);
}

void OutputFolder::keep() noexcept {
  guard_.release();
  created_top_.clear();
}

std::filesystem::path unique_temp_path(const std::filesystem::path& target) {
  std::string name = "." + target.filename().string() + ".fwprov-" + std::to_string(::getpid()) + "-" + random_hex() + ".tmp";
  return target.parent_path() / name;
}

std::string unique_stage_name(const std::string& prefix) {
  return prefix + std::to_string(::getpid()) + "-" + random_hex();
}

std::vector<std::filesystem::path> remove_stale_temps(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> removed;
  std::filesystem::path where = folder.empty() ? "." : folder;
  DIR* dir = ::opendir(where.c_str());
  if (dir == nullptr) return removed;
  std::vector<std::string> stale;
  while (dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name.size() < 8 || name[0] != '.' || name.find(".fwprov-") == std::string_view::npos) continue;
    if (process_is_gone(temp_owner(name))) stale.emplace_back(name);
  }
  ::closedir(dir);
  for (const auto& name : stale) {
    std::error_code ec;
    if (std::filesystem::remove_all(where / name, ec) > 0 && !ec) removed.push_back(where / name);
  }
  return removed;
}

}  // namespace fwprov
