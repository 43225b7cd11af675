#pragma once
// All-or-nothing output of many small files (one signature per input of a batch). Same
// contract as core's OutputBatch (temp files beside the targets, renamed only when every file
// was written; secrets 0600), but durability costs one syncfs() per file system instead of
// one fsync per file: signing 1000 files must not wait for 1000 journal commits.
#include <filesystem>
#include <vector>

#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/bytes.hpp"

namespace fwprov::sign {

class BatchOutput {
 public:
  BatchOutput() = default;
  BatchOutput(const BatchOutput&) = delete;
  BatchOutput& operator=(const BatchOutput&) = delete;
  ~BatchOutput();  // removes temp files of an unfinished commit

  // Io error at once when the target's folder does not exist.
  void add(std::filesystem::path path, Bytes data, FileMode mode = FileMode::Public);
  // Writes every temp file, syncs, renames all into place, syncs the folders.
  void commit();
  std::size_t size() const noexcept { return pending_.size(); }

 private:
  struct Pending {
    std::filesystem::path path;
    Bytes data;
    FileMode mode;
  };
  std::vector<Pending> pending_;
  std::vector<std::filesystem::path> temps_;
};

}  // namespace fwprov::sign
