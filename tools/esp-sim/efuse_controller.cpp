// eFuse controller of fwprov-sim (see efuse_controller.hpp).
#include "efuse_controller.hpp"

#include <algorithm>

#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/efuse/chip_table.hpp"

namespace fwprov::sim {

SimEfuse::SimEfuse(const std::string& chip, std::filesystem::path file)
    : model_(efuse::chip_table(chip)), file_(std::move(file)) {
  std::error_code ec;
  if (std::filesystem::exists(file_, ec)) {
    const Bytes data = read_file(file_);
    if (!data.empty()) model_.load_image(data, file_.string());
  }
  save();
}

bool SimEfuse::simulates(const std::string& chip) {
  const auto names = efuse::chip_names();
  return std::find(names.begin(), names.end(), chip) != names.end();
}

std::string SimEfuse::simulated_chips() {
  std::string list;
  for (const auto& name : efuse::chip_names()) list += (list.empty() ? "" : ", ") + name;
  return list;
}

void SimEfuse::write(std::uint32_t address, std::uint32_t value, std::uint32_t mask) {
  const std::uint32_t old = model_.read(address);
  model_.write(address, (old & ~mask) | (value & mask));
  save();
}

void SimEfuse::save() const { write_file_atomic(file_, model_.image()); }

}  // namespace fwprov::sim
