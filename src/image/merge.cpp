#include "fwprov/image/merge.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/image/patch.hpp"

namespace fwprov::image {
namespace {

constexpr std::uint32_t kSector = 0x1000;

// UF2 (https://github.com/microsoft/uf2) as esptool's UF2Writer lays it out.
constexpr std::size_t kUf2BlockSize = 512;
constexpr std::size_t kUf2DataSize = 476;    // data area, MD5 extension included
constexpr std::size_t kUf2Md5PartSize = 24;  // address, length, MD5
constexpr std::uint32_t kUf2FirstMagic = 0x0A324655;
constexpr std::uint32_t kUf2SecondMagic = 0x9E5D5157;
constexpr std::uint32_t kUf2FinalMagic = 0x0AB16F30;
constexpr std::uint32_t kUf2FlagFamilyId = 0x00002000;
constexpr std::uint32_t kUf2FlagMd5 = 0x00004000;

// What write-flash would send, without its padding to 4 bytes (merge-bin writes the file as is).
Bytes with_flash_params(const MergeInput& input, const MergeOptions& options, std::vector<std::string>& warnings) {
  PatchResult result = patch_flash_params(input.data, input.address, options.params, options.chip->bootloader_offset);
  if (result.warn) warnings.push_back(fmt::format("{} at 0x{:x}: {}", input.name, input.address, result.reason));
  result.bytes.resize(input.data.size());
  return std::move(result.bytes);
}

void append_record(std::string& out, std::uint8_t type, std::uint16_t address, ByteView data) {
  std::uint8_t sum = static_cast<std::uint8_t>(data.size() + (address >> 8) + (address & 0xFF) + type);
  out += fmt::format(":{:02X}{:04X}{:02X}", data.size(), address, type);
  for (std::uint8_t byte : data) {
    out += fmt::format("{:02X}", byte);
    sum = static_cast<std::uint8_t>(sum + byte);
  }
  out += fmt::format("{:02X}\n", static_cast<std::uint8_t>(-sum));
}

Bytes uf2(const std::vector<std::pair<std::uint32_t, Bytes>>& files, const MergeOptions& options) {
  const std::size_t md5_part = options.uf2_md5 ? kUf2Md5PartSize : 0;
  const std::size_t chunk = options.chunk_size.value_or(static_cast<std::uint32_t>(kUf2DataSize - md5_part));
  if (chunk == 0 || chunk > kUf2DataSize - md5_part)
    throw Error(ErrorKind::Usage, fmt::format("--chunk-size {} does not fit a UF2 block (1..{} bytes{})", chunk, kUf2DataSize - md5_part,
                                              options.uf2_md5 ? " with the MD5 extension" : ""));
  const std::uint32_t flags = kUf2FlagFamilyId | (options.uf2_md5 ? kUf2FlagMd5 : 0);
  Bytes out;
  for (const auto& [start, data] : files) {
    const auto blocks = static_cast<std::uint32_t>((data.size() + chunk - 1) / chunk);
    std::uint32_t address = start;
    for (std::uint32_t block = 0; block < blocks; ++block) {
      ByteView part = ByteView(data).subspan(block * chunk, std::min(chunk, data.size() - block * chunk));
      const auto length = static_cast<std::uint32_t>(part.size());
      const std::size_t begin = out.size();
      for (std::uint32_t word : {kUf2FirstMagic, kUf2SecondMagic, flags, address, length, block, blocks, options.chip->uf2_family_id})
        append_u32le(out, word);
      append(out, part);
      if (options.uf2_md5) {
        append_u32le(out, address);
        append_u32le(out, length);
        append(out, md5(part));
      }
      out.resize(begin + kUf2BlockSize - 4, 0x00);
      append_u32le(out, kUf2FinalMagic);
      address += length;
    }
  }
  return out;
}

}  // namespace

// Python intelhex write_hex_file(): records of up to 16 bytes that stop at holes and at 64 KiB
// boundaries; a type-04 record before the first data and whenever the upper half changes,
// but only when some address lies above 0xFFFF.
std::string intel_hex(const std::vector<std::pair<std::uint32_t, ByteView>>& segments) {
  // Contiguous runs, sorted (adjacent inputs join, as they do in intelhex's byte map).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> runs;  // [start, end)
  std::vector<std::pair<std::uint32_t, ByteView>> sorted;
  for (const auto& segment : segments)
    if (!segment.second.empty()) sorted.push_back(segment);
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [address, data] : sorted) {
    if (!runs.empty() && runs.back().second == address)
      runs.back().second += data.size();
    else
      runs.emplace_back(address, static_cast<std::uint64_t>(address) + data.size());
  }
  auto byte_at = [&](std::uint64_t address) {
    for (const auto& [start, data] : sorted)
      if (address >= start && address < start + data.size()) return data[address - start];
    return std::uint8_t{0xFF};
  };
  std::string out;
  if (!runs.empty()) {
    const std::uint64_t max_address = runs.back().second - 1;
    const bool offset_records = max_address > 0xFFFF;
    std::size_t run = 0;
    std::uint64_t current = runs.front().first;
    while (current <= max_address) {
      std::uint64_t high = current >> 16;
      if (offset_records) {
        Bytes upper = {static_cast<std::uint8_t>(high >> 8), static_cast<std::uint8_t>(high)};
        append_record(out, 4, 0, upper);
      }
      for (;;) {
        const std::uint64_t low = current & 0xFFFF;
        std::uint64_t length = std::min<std::uint64_t>({16, 0x10000 - low, runs[run].second - current});
        Bytes data;
        data.reserve(length);
        for (std::uint64_t i = 0; i < length; ++i) data.push_back(byte_at(current + i));
        append_record(out, 0, static_cast<std::uint16_t>(low), data);
        current += length;
        if (current >= runs[run].second) {
          if (++run == runs.size()) {
            current = max_address + 1;
            break;
          }
          current = runs[run].first;
        }
        if ((current >> 16) > high) break;
      }
    }
  }
  out += ":00000001FF\n";
  return out;
}

MergeResult merge_images(std::vector<MergeInput> inputs, const MergeOptions& options) {
  if (options.chip == nullptr) throw Error(ErrorKind::Internal, "merge_images: no chip");
  if (inputs.empty()) throw Error(ErrorKind::Usage, "merge needs ADDRESS FILE pairs");
  std::stable_sort(inputs.begin(), inputs.end(), [](const auto& a, const auto& b) { return a.address < b.address; });
  // esptool's check: sector-rounded regions must not overlap.
  std::uint64_t end = 0;
  for (const auto& input : inputs) {
    std::uint64_t sector_start = input.address & ~static_cast<std::uint64_t>(kSector - 1);
    std::uint64_t sector_end = ((input.address + input.data.size() + kSector - 1) & ~static_cast<std::uint64_t>(kSector - 1)) - 1;
    if (sector_start < end)
      throw Error(ErrorKind::Usage, fmt::format("{} at 0x{:x} overlaps the previous file (4 KiB sectors may not be shared)", input.name,
                                                input.address));
    end = sector_end;
  }
  if (options.format == MergeFormat::Raw && inputs.front().address < options.target_offset)
    throw Error(ErrorKind::Usage, fmt::format("--target-offset 0x{:x}: {} at 0x{:x} lies before it", options.target_offset,
                                              inputs.front().name, inputs.front().address));
  MergeResult result;
  std::vector<std::pair<std::uint32_t, Bytes>> files;
  for (const auto& input : inputs) files.emplace_back(input.address, with_flash_params(input, options, result.warnings));
  switch (options.format) {
    case MergeFormat::Raw: {
      Bytes& out = result.output;
      auto pad_to = [&](std::uint64_t flash_address) {
        std::uint64_t want = flash_address - options.target_offset;
        if (flash_address > options.target_offset && want > out.size()) out.resize(want, 0xFF);
      };
      for (const auto& [address, data] : files) {
        pad_to(address);
        append(out, data);
      }
      if (options.pad_to_size) pad_to(*options.pad_to_size);
      break;
    }
    case MergeFormat::Hex: {
      std::vector<std::pair<std::uint32_t, ByteView>> segments;
      for (const auto& [address, data] : files) segments.emplace_back(address, data);
      std::string text = intel_hex(segments);
      result.output.assign(text.begin(), text.end());
      break;
    }
    case MergeFormat::Uf2: result.output = uf2(files, options); break;
  }
  return result;
}

}  // namespace fwprov::image
