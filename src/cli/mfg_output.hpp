#pragma once
// Writing a whole mfg batch (thousands of small files) all-or-nothing and fast: files are
// written in parallel into a staging folder of this run inside the output folder, each synced,
// then moved into place; a failure or SIGINT/SIGTERM removes the staging folder (and an output
// folder the run created) and leaves no output. Existing files of the same name are replaced.
#include <filesystem>
#include <string>
#include <vector>

#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/bytes.hpp"

namespace fwprov::cli {

struct StagedFile {
  std::string subfolder;  // "bin", "csv" or "keys"
  std::string name;
  const Bytes* data;
  FileMode mode = FileMode::Public;
};

// Throws Io errors; on failure nothing is left in `outdir` but folders that existed before.
void write_batch(const std::filesystem::path& outdir, const std::vector<StagedFile>& files, unsigned jobs);

}  // namespace fwprov::cli
