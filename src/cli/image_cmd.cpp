// `fwprov image info|patch`: ESP firmware images as esptool sees them (image-info) and the
// bytes esptool's write-flash sends after patching the flash parameters.
#include <fmt/core.h>

#include <memory>

#include "commands.hpp"
#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/image/chips.hpp"
#include "fwprov/image/describe.hpp"
#include "fwprov/image/flash_params.hpp"
#include "fwprov/image/format.hpp"
#include "fwprov/image/image.hpp"
#include "fwprov/image/merge.hpp"
#include "fwprov/image/patch.hpp"

namespace fwprov::cli {
namespace {

using namespace fwprov::image;

std::string revision(std::uint16_t full) { return fmt::format("v{}.{}", full / 100, full % 100); }

std::string chip_label(std::uint16_t chip_id) { return chip_name(chip_id).value_or(fmt::format("unknown chip id {}", chip_id)); }

std::string name_or_code(const std::optional<std::string>& name, unsigned code) {
  return name ? *name : fmt::format("unknown (0x{:x})", code);
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

void title(std::vector<std::string>& lines, const std::string& text) {
  lines.push_back("");
  lines.push_back(text);
  lines.push_back(std::string(text.size(), '='));
}

// The same sections, lines and formats as `esptool image-info` (v5).
std::vector<std::string> info_lines(ByteView file, const ParsedImage& image) {
  const std::string chip = chip_label(image.extended.chip_id);
  const auto& h = image.header;
  const auto& x = image.extended;
  std::vector<std::string> lines;
  lines.push_back(fmt::format("Image size: {} bytes", file.size()));
  lines.push_back("Detected image type: " + chip);
  title(lines, chip + " Image Header");
  lines.push_back("Image version: 1");
  // esptool: f"Entry point: {image.entrypoint:#8x}" (the width counts the 0x prefix), or
  // "Entry point not set" for 0.
  lines.push_back(h.entry_point != 0 ? fmt::format("Entry point: {:#8x}", h.entry_point) : std::string("Entry point not set"));
  lines.push_back(fmt::format("Segments: {}", h.segment_count));
  lines.push_back("Flash size: " + name_or_code(flash_size_name(h.flash_size_freq & 0xF0), h.flash_size_freq >> 4));
  lines.push_back("Flash freq: " + name_or_code(flash_freq_name(h.flash_size_freq & 0x0F, x.chip_id), h.flash_size_freq & 0x0F));
  lines.push_back("Flash mode: " + upper(name_or_code(flash_mode_name(h.flash_mode), h.flash_mode)));
  title(lines, chip + " Extended Image Header");
  lines.push_back(fmt::format("WP pin: {:#x}{}", x.wp_pin, x.wp_pin == kWpPinDisabled ? " (disabled)" : ""));
  lines.push_back(fmt::format("Flash pins drive settings: clk_drv: {:#x}, q_drv: {:#x}, d_drv: {:#x}, cs0_drv: {:#x}, hd_drv: {:#x}, wp_drv: {:#x}",
                              x.clk_drv, x.q_drv, x.d_drv, x.cs0_drv, x.hd_drv, x.wp_drv));
  lines.push_back(fmt::format("Chip ID: {}{}", x.chip_id, chip_name(x.chip_id) ? " (" + *chip_name(x.chip_id) + ")" : ""));
  lines.push_back(fmt::format("Minimal chip revision: {}, (legacy min_rev = {})", revision(x.min_rev_full), x.min_rev));
  lines.push_back("Maximal chip revision: " + revision(x.max_rev_full));
  title(lines, "Segments Information");
  lines.push_back("Segment   Length   Load addr   File offs  Memory types");
  lines.push_back("-------  -------  ----------  ----------  ------------");
  for (std::size_t i = 0; i < image.segments.size(); ++i) {
    const auto& s = image.segments[i];
    std::string types;
    for (const auto& t : memory_types(x.chip_id, s.load_address)) types += (types.empty() ? "" : ", ") + t;
    lines.push_back(fmt::format("{:>7}  {:#07x}  {:#010x}  {:#010x}  {}", i, s.length, s.load_address, s.header_offset, types));
  }
  title(lines, chip + " Image Footer");
  lines.push_back(fmt::format("Checksum: 0x{:02x} ({})", image.stored_checksum,
                              image.checksum_valid() ? "valid" : fmt::format("invalid - calculated 0x{:02x}", image.calculated_checksum)));
  if (x.hash_appended)
    lines.push_back(fmt::format("Validation hash: {} ({})", to_hex(image.calculated_digest), image.digest_valid() ? "valid" : "invalid"));
  const auto found = find_descriptions(file, image);
  if (found.app) {
    const auto& app = *found.app;
    title(lines, "Application Information");
    lines.push_back("Project name: " + app.project_name);
    lines.push_back("App version: " + app.version);
    lines.push_back("Compile time: " + app.date + " " + app.time);
    lines.push_back("ELF file SHA256: " + to_hex(app.elf_sha256));
    lines.push_back("ESP-IDF: " + app.idf_version);
    lines.push_back(fmt::format("Minimal eFuse block revision: {}.{}", app.min_efuse_blk_rev_full / 100, app.min_efuse_blk_rev_full % 100));
    lines.push_back(fmt::format("Maximal eFuse block revision: {}.{}", app.max_efuse_blk_rev_full / 100, app.max_efuse_blk_rev_full % 100));
    if (app.mmu_page_size_log2 != 0 && app.mmu_page_size_log2 < 32)
      lines.push_back(fmt::format("MMU page size: {} KB", (std::uint64_t{1} << app.mmu_page_size_log2) / 1024));
    lines.push_back(fmt::format("Secure version: {}", app.secure_version));
  } else if (found.bootloader) {
    title(lines, "Bootloader Information");
    lines.push_back(fmt::format("Bootloader version: {}", found.bootloader->version));
    lines.push_back("ESP-IDF: " + found.bootloader->idf_version);
    lines.push_back("Compile time: " + found.bootloader->date_time);
  }
  return lines;
}

nlohmann::json info_json(ByteView file, const ParsedImage& image, const std::string& path) {
  const auto& h = image.header;
  const auto& x = image.extended;
  nlohmann::json doc = {{"ok", true}, {"size", file.size()}, {"chip_id", x.chip_id}};
  put_text(doc, "file", path);
  if (auto name = chip_name(x.chip_id)) doc["chip"] = *name;
  doc["entry_point"] = h.entry_point;
  doc["flash"] = {{"mode", flash_mode_name(h.flash_mode).value_or("unknown")},
                  {"freq", flash_freq_name(h.flash_size_freq & 0x0F, x.chip_id).value_or("unknown")},
                  {"size", flash_size_name(h.flash_size_freq & 0xF0).value_or("unknown")},
                  {"header_bytes_2_3", fmt::format("{:02x}{:02x}", h.flash_mode, h.flash_size_freq)}};
  doc["extended_header"] = {{"wp_pin", x.wp_pin},       {"clk_drv", x.clk_drv},          {"q_drv", x.q_drv},
                            {"d_drv", x.d_drv},         {"cs0_drv", x.cs0_drv},          {"hd_drv", x.hd_drv},
                            {"wp_drv", x.wp_drv},       {"min_rev", x.min_rev},          {"min_rev_full", x.min_rev_full},
                            {"max_rev_full", x.max_rev_full}, {"hash_appended", x.hash_appended}};
  doc["segments"] = nlohmann::json::array();
  for (const auto& s : image.segments)
    doc["segments"].push_back({{"load_address", s.load_address},
                               {"length", s.length},
                               {"file_offset", s.header_offset},
                               {"memory_types", memory_types(x.chip_id, s.load_address)}});
  doc["checksum"] = {{"stored", image.stored_checksum}, {"calculated", image.calculated_checksum}, {"valid", image.checksum_valid()}};
  if (x.hash_appended)
    doc["sha256"] = {{"stored", to_hex(image.stored_digest)}, {"calculated", to_hex(image.calculated_digest)}, {"valid", image.digest_valid()}};
  doc["image_end"] = image.image_end();
  const auto found = find_descriptions(file, image);
  if (found.app) {
    const auto& a = *found.app;
    // The text fields are bytes from the image: `_hex` siblings when they are not UTF-8.
    nlohmann::json app = {{"elf_sha256", to_hex(a.elf_sha256)}, {"secure_version", a.secure_version},
                          {"min_efuse_blk_rev_full", a.min_efuse_blk_rev_full},
                          {"max_efuse_blk_rev_full", a.max_efuse_blk_rev_full}, {"mmu_page_size_log2", a.mmu_page_size_log2}};
    put_text(app, "project_name", a.project_name);
    put_text(app, "version", a.version);
    put_text(app, "date", a.date);
    put_text(app, "time", a.time);
    put_text(app, "idf_version", a.idf_version);
    doc["app"] = app;
  }
  if (found.bootloader) {
    nlohmann::json bootloader = {{"version", found.bootloader->version}};
    put_text(bootloader, "idf_version", found.bootloader->idf_version);
    put_text(bootloader, "date_time", found.bootloader->date_time);
    doc["bootloader"] = bootloader;
  }
  return doc;
}

struct InfoArgs {
  std::string file;
};

void run_info(Context& context, const InfoArgs& args) {
  const Bytes file = read_input(args.file);
  const ParsedImage image = parse_image(file, is_stdio(args.file) ? "(stdin)" : args.file, /*limit_segments=*/false);
  if (context.options.json) return context.out.document(info_json(file, image, args.file));
  for (const auto& line : info_lines(file, image)) context.out.result(line);
}

struct PatchArgs {
  std::string file, output, mode = "keep", freq = "keep", size = "keep", address, chip = "auto";
};

// The chip write-flash would be talking to: --chip, or (auto) the one the image's extended
// header names. That decides the bootloader offset (ESP32/S2 0x1000, C3/S3/C2/C6/H2 0x0, ...)
// and the flash frequency codes. A file that names no known chip is treated as ESP32.
const Chip& patch_chip(const std::string& option, ByteView input) {
  if (option != "auto") {
    if (const Chip* chip = chip_by_name(option)) return *chip;
    std::string names = "auto";
    for (const auto& chip : known_chips()) names += ", " + std::string(chip.esptool_name);
    throw Error(ErrorKind::Usage, "--chip '" + option + "' is not a chip esptool knows (choose from " + names + ")");
  }
  return chip_of_image(input);
}

void run_patch(Context& context, const PatchArgs& args) {
  const Bytes input = read_input(args.file);
  const Chip& chip = patch_chip(args.chip, input);
  const FlashParams params = FlashParams::parse(args.mode, args.freq, args.size, chip.image_chip_id);
  std::uint32_t address = chip.bootloader_offset;
  if (!args.address.empty()) {
    const auto parsed = parse_unsigned(args.address);
    if (!parsed || *parsed >= kMaxFlashBytes)
      throw Error(ErrorKind::Usage, "--address '" + args.address + "' is not a flash address (below 0x8000000, the largest flash)");
    address = static_cast<std::uint32_t>(*parsed);
  }
  const PatchResult result = patch_flash_params(input, address, params, chip.bootloader_offset);
  if (result.warn) context.out.warning({SourceLocation{args.file}, result.reason});
  write_output(context, args.output, result.bytes, "image");
  const std::string header = fmt::format("{:02x}{:02x}", result.flash_mode, result.flash_size_freq);
  if (context.options.json) {
    nlohmann::json doc = {{"input", args.file},
                          {"output", args.output},
                          {"address", address},
                          {"chip", std::string(chip.esptool_name)},
                          {"patched", result.patched()},
                          {"header_changed", result.header_changed},
                          {"digest_updated", result.digest_updated},
                          {"header_bytes_2_3", header},
                          {"unchanged", result.bytes == input},
                          {"bytes", result.bytes.size()},
                          {"sha256", to_hex(sha256(result.bytes))}};
    if (!result.reason.empty()) doc["reason"] = result.reason;
    return context.out.document(doc);
  }
  if (!result.patched()) {
    if (!result.warn) context.out.note(fmt::format("{}: not changed ({})", args.file, result.reason));
  } else {
    if (result.header_changed) context.out.note(fmt::format("Flash parameters set to 0x{}.", header));
    if (result.digest_updated) context.out.note("SHA digest in image updated.");
  }
  // The result line goes to stdout, except when stdout carries the image itself.
  if (!is_stdio(args.output))
    context.out.result(fmt::format("{} -> {} ({} bytes, header bytes 2-3: {})", args.file, args.output, result.bytes.size(), header));
}

// --- merge (esptool merge-bin) ---------------------------------------------------------

struct MergeArgs {
  std::string chip, output, format = "raw", mode = "keep", freq = "keep", size = "keep";
  std::string pad_to_size, target_offset = "0";
  std::optional<std::uint32_t> chunk_size;
  bool md5_disable = false;
  std::vector<std::string> pairs;
};

std::uint32_t merge_number(const std::string& text, const std::string& what) {
  const auto parsed = parse_size(text);
  if (!parsed || *parsed > 0xFFFFFFFF) throw Error(ErrorKind::Usage, what + " '" + text + "' is not a number (e.g. 0x1000, 4MB)");
  return static_cast<std::uint32_t>(*parsed);
}

void run_merge(Context& context, const MergeArgs& args) {
  MergeOptions options;
  options.chip = chip_by_name(args.chip);
  if (options.chip == nullptr) {
    std::string names;
    for (const auto& chip : known_chips()) names += (names.empty() ? "" : ", ") + std::string(chip.esptool_name);
    throw Error(ErrorKind::Usage, "--chip '" + args.chip + "' is not a chip esptool knows (choose from " + names + ")");
  }
  if (args.format == "raw") options.format = MergeFormat::Raw;
  else if (args.format == "hex") options.format = MergeFormat::Hex;
  else if (args.format == "uf2") options.format = MergeFormat::Uf2;
  else throw Error(ErrorKind::Usage, "--format '" + args.format + "': choose raw, hex or uf2");
  if (options.format != MergeFormat::Raw && (!args.pad_to_size.empty() || args.target_offset != "0"))
    throw Error(ErrorKind::Usage, "--pad-to-size and --target-offset apply to --format raw only");
  if (options.format != MergeFormat::Uf2 && (args.chunk_size || args.md5_disable))
    throw Error(ErrorKind::Usage, "--chunk-size and --md5-disable apply to --format uf2 only");
  options.params = FlashParams::parse(args.mode, args.freq, args.size, options.chip->image_chip_id);
  options.target_offset = merge_number(args.target_offset, "--target-offset");
  if (!args.pad_to_size.empty()) options.pad_to_size = merge_number(args.pad_to_size, "--pad-to-size");
  options.chunk_size = args.chunk_size;
  options.uf2_md5 = !args.md5_disable;
  if (args.pairs.empty() || args.pairs.size() % 2 != 0)
    throw Error(ErrorKind::Usage, "merge needs ADDRESS FILE pairs, e.g. 0x1000 bootloader.bin 0x8000 partition-table.bin 0x10000 app.bin");
  std::vector<MergeInput> inputs;
  for (std::size_t i = 0; i < args.pairs.size(); i += 2) {
    MergeInput input;
    input.address = merge_number(args.pairs[i], "address");
    input.name = args.pairs[i + 1];
    input.data = read_file(input.name);
    inputs.push_back(std::move(input));
  }
  const MergeResult result = merge_images(std::move(inputs), options);
  for (const auto& warning : result.warnings) context.out.warning({{}, warning});
  write_file_atomic(args.output, result.output);
  if (context.options.json)
    return context.out.document({{"ok", true},
                                 {"chip", std::string(options.chip->esptool_name)},
                                 {"format", args.format},
                                 {"outputs", nlohmann::json::array({{{"path", args.output},
                                                                     {"size", result.output.size()},
                                                                     {"sha256", to_hex(sha256(result.output))},
                                                                     {"kind", "merged-" + args.format}}})}});
  context.out.note(fmt::format("Wrote 0x{:x} bytes to {} ({}{})", result.output.size(), args.output, args.format,
                               options.format == MergeFormat::Raw ? fmt::format(", flash it at 0x{:x}", options.target_offset) : ""));
}

}  // namespace

void setup_image(CLI::App& app, Context& context) {
  auto* group = app.add_subcommand("image", "ESP firmware images: inspect like esptool image-info, patch flash parameters like write-flash, merge like merge-bin");
  group->require_subcommand(1);
  group->footer("Examples:\n  fwprov image info firmware.bin\n"
                "  fwprov image patch bootloader.bin -o bootloader-dio.bin --flash-mode dio --flash-freq 40m --flash-size 4MB");

  auto info = std::make_shared<InfoArgs>();
  auto* in = group->add_subcommand("info", "Headers, segments, checksum and SHA-256 validity, app/bootloader description");
  in->add_option("FILE", info->file, "Image file (app or bootloader .bin; - reads stdin)")->required()->type_name("");
  in->footer("Example:\n  fwprov image info build/app.bin\n  fwprov --json image info build/bootloader/bootloader.bin\n"
             "The text has the same lines as `esptool image-info` (v5) without its version banner.");
  in->callback([&context, info] { run_info(context, *info); });

  auto patch = std::make_shared<PatchArgs>();
  auto* pt = group->add_subcommand("patch", "Write the bytes esptool write-flash sends: flash mode/freq/size patched, SHA-256 redone");
  pt->add_option("FILE", patch->file, "Image to patch (normally the bootloader; - reads stdin)")->required()->type_name("");
  pt->add_option("-o,--output", patch->output, "Output file (- for stdout)")->required()->type_name("OUT");
  // esptool spells these --flash_mode/--flash_freq/--flash_size (v4) too: both are accepted.
  pt->add_option("--flash-mode,--flash_mode", patch->mode, "qio, qout, dio, dout or keep (default keep)");
  pt->add_option("--flash-freq,--flash_freq", patch->freq, "80m, 40m, 26m, 20m or keep (default keep); other chips: their own names (C2 60m..15m, H2 48m..12m)");
  pt->add_option("--flash-size,--flash_size", patch->size, "1MB, 2MB, 4MB, 8MB, 16MB, 32MB, 64MB, 128MB or keep (default keep)");
  pt->add_option("--address", patch->address,
                 "Flash address the file will be written to (default: the chip's bootloader offset, 0x1000 on the ESP32); "
                 "esptool patches only files written at the bootloader offset");
  pt->add_option("--chip", patch->chip,
                 "The chip write-flash talks to: auto (default: the chip named in the image header, ESP32 when none), esp32, "
                 "esp32s2, esp32s3, esp32c3, esp32c2, esp32c6, esp32h2, esp32p4, esp32c61 or esp32c5");
  pt->footer("Example:\n  fwprov image patch bootloader.bin -o bootloader-dio.bin --flash-mode dio --flash-freq 40m --flash-size 4MB\n"
             "Like write-flash, the output is padded with 0xFF to a multiple of 4 bytes; files that are not valid images are\n"
             "copied unchanged with a warning.");
  pt->callback([&context, patch] { run_patch(context, *patch); });

  auto merge = std::make_shared<MergeArgs>();
  auto* mg = group->add_subcommand("merge", "One flashable file from ADDRESS FILE pairs (esptool merge-bin): raw, Intel HEX or UF2")
                 ->alias("merge-bin")->alias("merge_bin");
  mg->add_option("pairs", merge->pairs, "ADDRESS FILE [ADDRESS FILE ...]")->required();
  mg->add_option("--chip,-c", merge->chip, "Chip the files are for (bootloader offset, frequency codes, UF2 family id)")->required();
  mg->add_option("-o,--output", merge->output, "Output file")->required();
  mg->add_option("--format,-f", merge->format, "raw (default), hex or uf2");
  mg->add_option("--flash-mode,--flash_mode,--fm", merge->mode, "Bootloader header flash mode: qio, qout, dio, dout or keep (default)");
  mg->add_option("--flash-freq,--flash_freq,--ff", merge->freq, "Bootloader header flash frequency (the chip's names, e.g. 40m) or keep");
  mg->add_option("--flash-size,--flash_size,--fs", merge->size, "Bootloader header flash size: 1MB..128MB or keep");
  mg->add_option("--pad-to-size,--pad_to_size", merge->pad_to_size, "raw: pad with 0xFF up to this flash size (e.g. 4MB)");
  mg->add_option("--target-offset,--target_offset,-t", merge->target_offset, "raw: flash address of the output's first byte (default 0)");
  mg->add_option("--chunk-size,--chunk_size", merge->chunk_size, "uf2: data bytes per 512-byte block (default: as many as fit)");
  mg->add_flag("--md5-disable,--md5_disable", merge->md5_disable, "uf2: no MD5 checksum extension in each block");
  mg->footer("Examples:\n  fwprov image merge --chip esp32 -o merged.bin --flash-mode dio --flash-freq 40m --flash-size 4MB \\\n"
             "      0x1000 bootloader.bin 0x8000 partition-table.bin 0x10000 app.bin\n"
             "  fwprov image merge --chip esp32s3 -o merged.uf2 --format uf2 0x0 bootloader.bin 0x8000 partition-table.bin 0x10000 app.bin\n"
             "Byte-identical to esptool v5 merge-bin. The bootloader is patched only at the chip's bootloader offset.");
  mg->callback([&context, merge] { run_merge(context, *merge); });
}

}  // namespace fwprov::cli
