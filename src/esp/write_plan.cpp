#include "fwprov/esp/write_plan.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/image/format.hpp"
#include "fwprov/image/patch.hpp"

namespace fwprov::esp {

void check_fits(const std::vector<PlannedWrite>& plan, std::uint32_t flash_size) {
  if (flash_size == 0) return;
  for (const auto& write : plan) {
    std::uint64_t end = static_cast<std::uint64_t>(write.offset) + write.bytes.size();
    if (end > flash_size)
      throw Error(ErrorKind::Input, SourceLocation(write.file.string()),
                  fmt::format("written at 0x{:X}, it ends at 0x{:X}, beyond the {} MB flash", write.offset, end, flash_size >> 20));
  }
}

std::vector<PlannedWrite> plan_writes(const std::vector<WriteRequest>& requests, const image::FlashParams& params,
                                      std::uint32_t flash_size) {
  std::vector<PlannedWrite> plan;
  for (const auto& request : requests) {
    Bytes contents = read_file(request.file);
    if (contents.empty()) throw Error(ErrorKind::Input, SourceLocation(request.file.string()), "file is empty; nothing to write");
    auto patched = image::patch_flash_params(contents, request.offset, params, image::kEsp32BootloaderOffset);
    PlannedWrite write;
    write.offset = request.offset;
    write.file = request.file;
    write.file_size = contents.size();
    write.bytes = std::move(patched.bytes);
    write.header_patched = patched.patched() && (patched.header_changed || patched.digest_updated);
    write.patch_note = patched.patched() ? "" : patched.reason;
    write.patch_warning = patched.warn;
    plan.push_back(std::move(write));
  }
  // esptool refuses overlapping regions ("Detected overlap at address ...").
  std::vector<const PlannedWrite*> sorted;
  for (const auto& write : plan) sorted.push_back(&write);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    std::uint64_t previous_end = static_cast<std::uint64_t>(sorted[i - 1]->offset) + sorted[i - 1]->bytes.size();
    if (previous_end > sorted[i]->offset)
      throw Error(ErrorKind::Usage, fmt::format("{} at 0x{:X} overlaps {} at 0x{:X} (which ends at 0x{:X})", sorted[i]->file.string(),
                                                sorted[i]->offset, sorted[i - 1]->file.string(), sorted[i - 1]->offset, previous_end));
  }
  check_fits(plan, flash_size);
  return plan;
}

}  // namespace fwprov::esp
