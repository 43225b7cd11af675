// Flash operations of a loader session: compressed/raw writes with MD5 verification, reads
// (stub stream or ROM slow read), erases, and leaving the loader.
#include <zlib.h>

#include <fmt/core.h>

#include <algorithm>
#include <thread>

#include "fwprov/core/encoding.hpp"
#include "fwprov/esp/loader.hpp"

namespace fwprov::esp {

using namespace std::chrono_literals;

namespace {

constexpr Millis kEraseWritePerMb{40000};
constexpr Millis kErasePerMb{30000};
constexpr Millis kMd5PerMb{8000};
constexpr Millis kChipErase{120000};
constexpr std::uint32_t kReadChunk = 0x10000;  // one READ_FLASH command (retry granularity)
constexpr std::uint32_t kReadPacket = 0x1000;
constexpr std::uint32_t kSlowReadBlock = 64;

}  // namespace

Bytes deflate_image(ByteView data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  Bytes out(size);
  int rc = compress2(out.data(), &size, data.data(), static_cast<uLong>(data.size()), 9);
  if (rc != Z_OK) throw Error(ErrorKind::Internal, fmt::format("zlib compress failed ({})", rc));
  out.resize(size);
  return out;
}

namespace {

std::string hex_md5(const Md5& digest) { return to_hex(digest); }

}  // namespace

void Loader::write_region(std::uint32_t offset, ByteView image, const RegionPayload& payload, bool compressed,
                          const ProgressFn& progress) {
  const bool stub = personality_ == Personality::Stub;
  const std::uint32_t block_size = stub ? stub_flash_block_ : kRomFlashBlock;
  const auto size = static_cast<std::uint32_t>(image.size());
  // A stream still being compressed goes out as it grows, to the stub only. Its BEGIN then
  // announces zlib's upper bound of blocks: both stubs use num_blocks * block_size only to
  // tell the inflater whether more input follows (esp-flasher-stub s_init_flash_operation,
  // the legacy stub's remaining_compressed), END checks the *uncompressed* byte count, and
  // neither checks the number of DATA blocks; so an overestimate is harmless. A finished
  // stream, and every ROM write, announces the exact count, as esptool does.
  const DeflateStream* stream = payload.stream;
  const bool growing = stream != nullptr && stub && !stream->complete();
  const std::size_t known_size = stream == nullptr ? payload.bytes.size() : growing ? stream->bound() : stream->total();
  const auto blocks = static_cast<std::uint32_t>((known_size + block_size - 1) / block_size);
  std::uint32_t size_word = size;
  if (compressed && !stub) size_word = (size + kRomFlashBlock - 1) / kRomFlashBlock * kRomFlashBlock;
  // The ROM erases the whole range during BEGIN; the stub erases as it goes.
  Millis begin_timeout = stub ? options_.command_timeout : scaled(kErasePerMb, size);
  command(fmt::format("{} at 0x{:X}", compressed ? "FLASH_DEFL_BEGIN" : "FLASH_BEGIN", offset),
          compressed ? op::FlashDeflBegin : op::FlashBegin, begin_payload(size_word, blocks, block_size, offset), 0,
          begin_timeout);
  if (progress) progress(0, size);
  Bytes owned_block;
  std::uint64_t sent = 0;
  for (std::uint32_t seq = 0;; ++seq) {
    const std::size_t start = static_cast<std::size_t>(seq) * block_size;
    ByteView block;
    if (stream != nullptr) {
      owned_block = stream->read(start, block_size);
      if (owned_block.empty()) break;
      block = owned_block;
    } else {
      if (seq >= blocks) break;
      block = payload.bytes.subspan(start, std::min<std::size_t>(block_size, payload.bytes.size() - start));
      if (!compressed && block.size() < block_size) {  // raw writes pad the last block with 0xFF
        owned_block.assign(block.begin(), block.end());
        owned_block.resize(block_size, 0xFF);
        block = owned_block;
      }
    }
    const double expansion = stream != nullptr ? stream->expansion()
                             : payload.bytes.empty() ? 1.0
                                                     : static_cast<double>(size) / static_cast<double>(payload.bytes.size());
    auto written_equivalent = static_cast<std::uint64_t>(static_cast<double>(block.size()) * expansion);
    std::string what = growing ? fmt::format("FLASH_DEFL_DATA block {} at 0x{:X}", seq + 1, offset)
                               : fmt::format("{} block {}/{} at 0x{:X}", compressed ? "FLASH_DEFL_DATA" : "FLASH_DATA", seq + 1,
                                             blocks, offset);
    command(what, compressed ? op::FlashDeflData : op::FlashData, data_block_payload(block, seq), data_checksum(block),
            scaled(kEraseWritePerMb, written_equivalent));
    sent += block.size();
    if (progress && size > 0) progress(std::min<std::uint64_t>(size - 1, static_cast<std::uint64_t>(static_cast<double>(sent) * expansion)), size);
  }
  if (progress) progress(size, size);
  // The stub acknowledges a block before writing it; END(1) answers only after the last
  // write finished (and reports a missing or excess byte count). The ROM acks after writing,
  // and END would make it leave the loader, so it gets none.
  if (stub)
    command(compressed ? "FLASH_DEFL_END" : "FLASH_END", compressed ? op::FlashDeflEnd : op::FlashEnd, words_payload({1}), 0,
            scaled(kEraseWritePerMb, block_size));
}

WriteReport Loader::write_flash(std::uint32_t offset, ByteView image, const WriteOptions& options) {
  Bytes padded(image.begin(), image.end());
  padded.resize((padded.size() + 3) / 4 * 4, 0xFF);
  WriteReport report;
  report.offset = offset;
  report.size = static_cast<std::uint32_t>(padded.size());
  report.md5 = md5(padded);
  RegionPayload payload;
  Bytes owned;
  if (!options.compress) {
    payload.bytes = padded;
  } else if (options.stream != nullptr) {
    if (options.stream->input_size() != padded.size())
      throw Error(ErrorKind::Internal, fmt::format("the compressed stream for 0x{:X} is of another image", offset));
    payload.stream = options.stream;
  } else if (options.precompressed) {
    payload.bytes = *options.precompressed;
  } else {
    owned = deflate_image(padded);
    payload.bytes = owned;
  }
  constexpr int kRegionAttempts = 2;
  for (int attempt = 1; attempt <= kRegionAttempts; ++attempt) {
    report.region_attempts = attempt;
    try {
      write_region(offset, padded, payload, options.compress, options.progress);
    } catch (const LinkTimeout&) {
      throw;  // a dead link does not get better by starting over
    } catch (const Error& error) {
      if (error.kind() != ErrorKind::Device || attempt == kRegionAttempts) throw;
      link_.flush_input();
      continue;
    }
    report.payload_size = static_cast<std::uint32_t>(payload.stream != nullptr ? payload.stream->total() : payload.bytes.size());
    if (!options.verify) return report;
    Md5 got = flash_md5(offset, report.size);
    if (got != report.md5) got = flash_md5(offset, report.size);  // a corrupted reply is not a bad write
    if (got == report.md5) {
      report.verified = true;
      return report;
    }
    if (attempt == kRegionAttempts)
      throw Error(ErrorKind::Mismatch, fmt::format("flash at 0x{:X} does not match the image after writing "
                                                   "(device MD5 {}, expected {})",
                                                   offset, hex_md5(got), hex_md5(report.md5)));
  }
  return report;
}

Md5 Loader::flash_md5(std::uint32_t offset, std::uint32_t size) {
  const bool rom = personality_ == Personality::Rom;
  auto reply = command(fmt::format("SPI_FLASH_MD5 0x{:X}+0x{:X}", offset, size), op::SpiFlashMd5,
                       words_payload({offset, size, 0, 0}), 0, scaled(kMd5PerMb, size), rom ? 32 : 16);
  Md5 digest{};
  const Bytes& data = reply.response.data;
  if (rom) {
    auto bytes = from_hex(std::string_view(reinterpret_cast<const char*>(data.data()), 32));
    if (!bytes || bytes->size() != 16) throw Error(ErrorKind::Device, "SPI_FLASH_MD5: the ROM's reply is not 32 hex digits");
    std::copy(bytes->begin(), bytes->end(), digest.begin());
  } else {
    std::copy_n(data.begin(), 16, digest.begin());
  }
  return digest;
}

Bytes Loader::read_chunk_stub(std::uint32_t offset, std::uint32_t size) {
  command(fmt::format("READ_FLASH 0x{:X}+0x{:X}", offset, size), op::ReadFlash, words_payload({offset, size, kReadPacket, 64}));
  Bytes data;
  data.reserve(size);
  while (data.size() < size) {
    std::size_t expected = std::min<std::size_t>(kReadPacket, size - data.size());
    auto frame = link_.receive(options_.command_timeout);
    if (!frame) throw LinkTimeout(fmt::format("READ_FLASH at 0x{:X}: no data within the timeout", offset));
    if (frame->size() != expected) continue;  // a stray reply, not a data packet
    append(data, *frame);
    Bytes ack;
    append_u32le(ack, static_cast<std::uint32_t>(data.size()));
    link_.send(ack);  // raw SLIP frame, no header: the stream's flow control
  }
  for (;;) {
    auto frame = link_.receive(options_.command_timeout);
    if (!frame) throw LinkTimeout(fmt::format("READ_FLASH at 0x{:X}: no MD5 after the data", offset));
    if (frame->size() != 16) continue;
    Md5 expected = md5(data);
    if (!std::equal(frame->begin(), frame->end(), expected.begin()))
      throw Error(ErrorKind::Device, fmt::format("READ_FLASH at 0x{:X}: data does not match the device's MD5", offset));
    return data;
  }
}

Bytes Loader::read_flash(std::uint32_t offset, std::uint32_t size, const ProgressFn& progress) {
  Bytes out;
  out.reserve(size);
  if (progress) progress(0, size);
  if (personality_ == Personality::Stub) {
    for (std::uint32_t done = 0; done < size;) {
      std::uint32_t chunk = std::min(kReadChunk, size - done);
      for (int attempt = 1;; ++attempt) {
        try {
          append(out, read_chunk_stub(offset + done, chunk));
          break;
        } catch (const Error& error) {
          if (error.kind() != ErrorKind::Device || attempt >= options_.attempts) throw;
          link_.drain(Millis(100), Millis(500));  // let the interrupted stream settle
          link_.flush_input();
        }
      }
      done += chunk;
      if (progress) progress(done, size);
    }
    return out;
  }
  // ROM: 64 bytes per command, then one MD5 over the whole range. Only the ESP32 ROM has it.
  if (!target().rom_has_slow_read)
    throw Error(ErrorKind::Usage, fmt::format("reading flash needs the flasher stub: the {} ROM loader has no read command "
                                              "(drop --no-stub, or give --stub-dir DIR with {}.json)",
                                              target().display_name, target().esptool_name));
  for (std::uint32_t done = 0; done < size;) {
    std::uint32_t chunk = std::min(kSlowReadBlock, size - done);
    auto reply = command(fmt::format("READ_FLASH_SLOW 0x{:X}", offset + done), op::ReadFlashSlow,
                         words_payload({offset + done, chunk}), 0, Millis(0), kSlowReadBlock);
    out.insert(out.end(), reply.response.data.begin(), reply.response.data.begin() + chunk);
    done += chunk;
    if (progress && (done % 0x1000 == 0 || done == size)) progress(done, size);
  }
  if (size > 0 && flash_md5(offset, size) != md5(out))
    throw Error(ErrorKind::Device, fmt::format("READ_FLASH_SLOW at 0x{:X}: data does not match the device's MD5", offset));
  return out;
}

Bytes Loader::read_flash_if_possible(std::uint32_t offset, std::uint32_t size) {
  if (personality_ == Personality::Rom && !target().rom_has_slow_read) return {};
  return read_flash(offset, size, {});
}

void Loader::erase_region(std::uint32_t offset, std::uint32_t size) {
  if (offset % kSectorSize != 0 || size % kSectorSize != 0)
    throw Error(ErrorKind::Usage, fmt::format("erase: offset 0x{:X} and size 0x{:X} must both be multiples of 0x1000", offset, size));
  if (personality_ == Personality::Stub) {
    command(fmt::format("ERASE_REGION 0x{:X}+0x{:X}", offset, size), op::EraseRegion, words_payload({offset, size}), 0,
            scaled(kErasePerMb, size));
  } else {
    // The ROM has no erase command, but FLASH_BEGIN erases the range it announces.
    command(fmt::format("FLASH_BEGIN (erase) 0x{:X}+0x{:X}", offset, size), op::FlashBegin,
            begin_payload(size, 0, kRomFlashBlock, offset), 0, scaled(kErasePerMb, size));
  }
}

void Loader::erase_flash(std::uint32_t flash_size) {
  if (personality_ == Personality::Stub)
    command("ERASE_FLASH", op::EraseFlash, {}, 0, std::max(kChipErase, options_.command_timeout));
  else
    erase_region(0, flash_size);
}

void Loader::leave(AfterReset mode) {
  const bool stub = personality_ == Personality::Stub;
  switch (mode) {
    case AfterReset::HardReset:
      // esptool clears the S3's "force download boot" bit first, or the chip would come back
      // in the loader instead of the app.
      if (chip_.target != nullptr && chip_.target->force_download_register != 0)
        write_reg(chip_.target->force_download_register, 0, 1);
      hard_reset(link_.transport());
      return;
    case AfterReset::SoftReset:
      if (stub)
        throw Error(ErrorKind::Usage, "--after soft_reset is not supported by the ESP32 stub (use --no-stub, or hard_reset)");
      command("FLASH_BEGIN (soft reset)", op::FlashBegin, begin_payload(0, 0, kRomFlashBlock, 0));
      link_.send(encode_request(op::FlashEnd, words_payload({1})));  // the ROM jumps to the app: no reply needed
      return;
    case AfterReset::NoReset:
      if (!stub) return;
      // The stub reboots on FLASH_END(0); with the download strapping held it comes back
      // in the ROM loader.
      command("FLASH_BEGIN (leave stub)", op::FlashBegin, words_payload({0, 0, kStubFlashBlock, 0}));
      link_.send(encode_request(op::FlashEnd, words_payload({0})));
      link_.receive(Millis(200));
      personality_ = Personality::Rom;
      return;
    case AfterReset::NoResetStub:
      return;
  }
}

}  // namespace fwprov::esp
