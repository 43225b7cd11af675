#pragma once
// What `flash write` sends: every (offset, file) pair read, checked against the flash size
// and each other, padded to 4 bytes and, at the ESP32 bootloader offset, given the requested
// flash mode/frequency/size in its header (fwprov_image, the same rules as esptool).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/esp/target.hpp"
#include "fwprov/image/flash_params.hpp"
#include "fwprov/image/image.hpp"

namespace fwprov::esp {

struct WriteRequest {
  std::uint32_t offset = 0;
  std::filesystem::path file;
};

struct PlannedWrite {
  std::uint32_t offset = 0;
  std::filesystem::path file;
  Bytes bytes;                 // exactly what goes to flash (padded, maybe patched)
  std::size_t file_size = 0;
  bool header_patched = false; // the image header/digest were rewritten
  std::string patch_note;      // why not patched, or "" ; `patch_warning` when esptool warns
  bool patch_warning = false;
};

// Reads the files (Io errors name them) and checks: regions do not overlap (Usage error),
// files are not empty (Input error), nothing ends beyond `flash_size` when it is non-zero
// (Input error). Regions are returned in the order given. Files at `target`'s bootloader
// offset get the flash parameters (parsed for that chip's frequency table).
std::vector<PlannedWrite> plan_writes(const std::vector<WriteRequest>& requests, const image::FlashParams& params,
                                      std::uint32_t flash_size = 0, const Target& target = all_targets()[0]);

// esptool's chip rule for one image header: why an image for another chip is refused, without
// the file name and advice ("is not an ESP32-C3 image (its header names ESP32)"; "" when it fits).
std::string chip_problem(const image::ExtendedHeader& header, const Target& target);

// esptool's revision rule for one image header: the min/max revision range when set, else the
// legacy min-revision byte (compared with the major revision, or the minor one on the C3).
// Returns why `revision` is refused, without the file name and advice ("" when admitted).
std::string revision_problem(const image::ExtendedHeader& header, const Target& target, unsigned major_revision,
                             unsigned minor_revision);

// esptool's checks before any byte is written: a file that parses as an image must carry the
// connected chip's id and a min/max revision range that admits `revision` (major*100+minor;
// the legacy min-revision byte where the range is unset). One line per refused file.
std::vector<std::string> image_guard_problems(const std::vector<PlannedWrite>& plan, const Target& target,
                                              unsigned major_revision, unsigned minor_revision);

// The check against a flash size known only after connecting.
void check_fits(const std::vector<PlannedWrite>& plan, std::uint32_t flash_size);

}  // namespace fwprov::esp
