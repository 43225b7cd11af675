#pragma once
// What a run prepares once, before any device: the partition table, every common image placed
// by partition name, size-checked and overlap-checked, the bootloader header patched for the
// recipe's flash parameters, common files as DER, the factory CA, the storage template.
// Nothing here touches a device or the ledger.
#include <cstdint>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/core/diagnostics.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/esp/stub.hpp"
#include "fwprov/image/flash_params.hpp"
#include "fwprov/image/image.hpp"
#include "fwprov/nvs/csv_input.hpp"
#include "fwprov/partitions/table.hpp"
#include "fwprov/provision/credentials.hpp"
#include "fwprov/provision/recipe.hpp"
#include "fwprov/provision/security.hpp"
#include "fwprov/secure_cert/entries.hpp"

namespace fwprov::provision {

struct Region {
  std::string target;         // partition name, "bootloader" or "partition-table"
  std::uint32_t offset = 0;
  std::uint32_t capacity = 0; // bytes the target may hold
  Bytes bytes;                // exactly what is flashed (padded to 4; bootloader patched)
  std::string source;         // the file it came from, or "generated"
  Sha256 sha256{};            // of `bytes`
  // deflate of `bytes`, made once per run in the background (it overlaps the first connect);
  // not valid(): compressed when written.
  std::shared_future<Bytes> compressed;
  bool encrypt = false;       // [security] flash encryption: encrypted per device before it is written
};

// An [images] file that is an app or bootloader image: its header's chip revision range,
// checked against each device (esptool's rule) before anything is written to it.
struct ImageRevisions {
  std::string file;
  image::ExtendedHeader header;
};

struct ValuesTable {
  std::string file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;
};

// [secure_cert] settled once: where the partition goes, the CA certificate, the CSV's TLVs.
struct SecureCertPlan {
  Region slot;                                 // offset and capacity of the per-device partition
  Bytes ca_der;
  std::vector<secure_cert::EntrySpec> extra;   // the CSV's rows, duplicates already refused
  std::filesystem::path csv_folder;
};

struct RunPlan {
  Recipe recipe;
  partitions::PartitionTable table;
  std::vector<Region> common;                 // by offset
  std::vector<ImageRevisions> images;         // the common regions that are images
  std::optional<Region> storage_slot;         // offset and capacity of the per-device NVS image
  std::map<std::string, Bytes> files_der;     // [files], converted to DER once
  std::optional<FactoryCa> ca;                // mode issue
  std::vector<nvs::InputRow> storage_rows;    // the template's rows, placeholders not yet expanded
  std::optional<ValuesTable> values;          // per-device values CSV
  image::FlashParams flash_params;
  std::optional<std::uint32_t> flash_size;    // the recipe's, when not "keep"
  std::optional<esp::StubImage> stub;
  SecurityPlan security;                      // [security]: chip table, key block, secure boot digest
  std::optional<SecureCertPlan> secure_cert;  // [secure_cert]
};

struct PrepareOptions {
  bool compress = true;       // deflate the common images once for the whole run (in the background)
  bool load_stub = true;      // find/load the flasher stub (not needed for --dry-run)
  Warnings* warnings = nullptr;
};

RunPlan prepare_run(Recipe recipe, const PrepareOptions& options);

// Throws Input (at `where`, the recipe key) when `region` does not fit its target or overlaps any of `others`.
void check_region(const Region& region, const std::vector<Region>& others, const SourceLocation& where);

}  // namespace fwprov::provision
