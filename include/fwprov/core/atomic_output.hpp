#pragma once
// Nothing half-written: outputs go to a temporary file with a name unique to this process
// (".<name>.fwprov-<pid>-<random>.tmp", see cleanup.hpp) beside the target and are renamed into
// place only when every file of the batch was written and synced. SIGINT/SIGTERM remove the
// temporary files; ones left by a killed process are removed by the next batch in that folder.
#include <filesystem>
#include <vector>

#include "fwprov/core/bytes.hpp"

namespace fwprov {

enum class FileMode {
  Public,  // 0644
  Secret,  // 0600: private keys and key files; the data is wiped from memory once written
};

class OutputBatch {
 public:
  OutputBatch() = default;
  OutputBatch(const OutputBatch&) = delete;
  OutputBatch& operator=(const OutputBatch&) = delete;
  ~OutputBatch();

  // Queues a file. Fails early (Io error) when the target's folder does not exist.
  void add(std::filesystem::path path, Bytes data, FileMode mode = FileMode::Public);
  // Writes every temp file, then renames them all. On failure no target is touched and
  // every temp file is removed.
  void commit();
  std::size_t size() const noexcept { return pending_.size(); }

 private:
  struct Pending {
    std::filesystem::path path;
    Bytes data;
    FileMode mode;
  };
  void wipe_secrets() noexcept;  // FileMode::Secret data is wiped once written or abandoned

  std::vector<Pending> pending_;
  std::vector<std::filesystem::path> temps_;
};

void write_file_atomic(const std::filesystem::path& path, ByteView data, FileMode mode = FileMode::Public);

}  // namespace fwprov
