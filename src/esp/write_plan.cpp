#include "fwprov/esp/write_plan.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/image/format.hpp"
#include "fwprov/image/image.hpp"
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
                                      std::uint32_t flash_size, const Target& target) {
  std::vector<PlannedWrite> plan;
  for (const auto& request : requests) {
    Bytes contents = read_file(request.file);
    if (contents.empty()) throw Error(ErrorKind::Input, SourceLocation(request.file.string()), "file is empty; nothing to write");
    auto patched = image::patch_flash_params(contents, request.offset, params, target.bootloader_offset);
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

std::string chip_problem(const image::ExtendedHeader& ext, const Target& target) {
  if (ext.chip_id == target.image_chip_id) return "";
  const Target* other = target_by_chip_id(ext.chip_id);
  return fmt::format("is not an {} image (its header names {})", target.display_name,
                     other != nullptr ? std::string(other->display_name) : fmt::format("chip id {}", ext.chip_id));
}

std::string revision_problem(const image::ExtendedHeader& ext, const Target& target, unsigned major_revision,
                             unsigned minor_revision) {
  const unsigned revision = major_revision * 100 + minor_revision;
  // Which revision fields the image uses: esptool's rules (the full range unless unset).
  bool use_full = ext.max_rev_full != 0 && !(ext.max_rev_full == 0xFFFF && ext.min_rev_full == 0 && ext.min_rev != 0);
  if (use_full) {
    if (revision >= ext.min_rev_full && revision <= ext.max_rev_full) return "";
    std::string max = ext.max_rev_full == 0xFFFF ? "max rev not set" : fmt::format("v{}.{}", ext.max_rev_full / 100, ext.max_rev_full % 100);
    return fmt::format("requires chip revision in range [v{}.{} - {}] (this chip is revision v{}.{})", ext.min_rev_full / 100,
                       ext.min_rev_full % 100, max, major_revision, minor_revision);
  }
  unsigned compared = target.legacy_min_rev_is_minor ? minor_revision : major_revision;
  if (compared >= ext.min_rev) return "";
  return fmt::format("requires chip revision {} or higher (this chip is revision {})", ext.min_rev, compared);
}

std::vector<std::string> image_guard_problems(const std::vector<PlannedWrite>& plan, const Target& target,
                                              unsigned major_revision, unsigned minor_revision) {
  std::vector<std::string> problems;
  for (const auto& write : plan) {
    image::ParsedImage parsed;
    try {
      parsed = image::parse_image(write.bytes, write.file.string());
    } catch (const Error&) {
      continue;  // data, not an image: nothing to check (esptool skips it too)
    }
    const auto& ext = parsed.extended;
    const std::string name = write.file.string();
    if (std::string why = chip_problem(ext, target); !why.empty()) {
      problems.push_back(fmt::format("{}: {}; use --force to flash anyway", name, why));
      continue;
    }
    if (std::string why = revision_problem(ext, target, major_revision, minor_revision); !why.empty())
      problems.push_back(fmt::format("{}: {}; use --force to flash anyway", name, why));
  }
  return problems;
}

}  // namespace fwprov::esp
