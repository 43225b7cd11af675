#pragma once
// Temporary files and folders that must not outlive a run: unique names per process, removal
// when SIGINT/SIGTERM ends the process, and recognition of ones left by a killed process.
#include <filesystem>
#include <string_view>
#include <string>
#include <vector>

namespace fwprov {

// Installs SIGINT/SIGTERM/SIGHUP handlers that remove every registered path, then end the
// process by the same signal (exit status 128+N). Called once by the CLI's main().
void install_interrupt_cleanup();

// Keeps `path` (a file, or with `tree` a folder and all it holds) on the list the signal
// handler removes, until the guard is released or destroyed. Does not remove it itself.
class CleanupGuard {
 public:
  CleanupGuard() = default;
  explicit CleanupGuard(const std::filesystem::path& path, bool tree = false);
  CleanupGuard(CleanupGuard&& other) noexcept : slot_(other.slot_) { other.slot_ = -1; }
  CleanupGuard& operator=(CleanupGuard&& other) noexcept;
  CleanupGuard(const CleanupGuard&) = delete;
  CleanupGuard& operator=(const CleanupGuard&) = delete;
  ~CleanupGuard() { release(); }
  void release() noexcept;

 private:
  int slot_ = -1;
};

// An output folder (mfg's OUTDIR, `ca init DIR`): created with its parents when missing; the
// folders it created are removed again, with anything in them, unless keep() is called once
// the run succeeded. So a failed or interrupted run leaves no empty folders behind.
class OutputFolder {
 public:
  explicit OutputFolder(const std::filesystem::path& folder);  // Io error when it cannot be created
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;
  ~OutputFolder();
  void keep() noexcept;
  const std::filesystem::path& path() const noexcept { return folder_; }

 private:
  std::filesystem::path folder_;
  std::filesystem::path created_top_;  // the outermost folder this run created, if any
  CleanupGuard guard_;
};

// "<dir>/.<name>.fwprov-<pid>-<random>.tmp": a name no other process uses.
std::filesystem::path unique_temp_path(const std::filesystem::path& target);
// ".fwprov-mfg-<pid>-<random>" style folder names for staging a batch, same rule.
std::string unique_stage_name(const std::string& prefix);

// Removes, in `folder`, temporary files and staging folders whose process no longer runs
// (a SIGKILL, a power cut); returns what it removed. Errors are ignored: it only tidies.
std::vector<std::filesystem::path> remove_stale_temps(const std::filesystem::path& folder);

}  // namespace fwprov
