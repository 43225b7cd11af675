#pragma once
// The simulated SPI NOR flash, backed by a file (memory-mapped, so tests can read the file
// while the simulator runs). NOR semantics: erase sets 4 KiB sectors to 0xFF, programming
// can only clear bits (new = old AND data), which catches a client that forgets to erase.
#include <cstdint>
#include <filesystem>

#include "fwprov/core/bytes.hpp"

namespace fwprov::sim {

class FlashFile {
 public:
  // Creates the file (all 0xFF) when missing, grows a shorter one with 0xFF.
  FlashFile(const std::filesystem::path& path, std::uint32_t size);
  ~FlashFile();
  FlashFile(const FlashFile&) = delete;
  FlashFile& operator=(const FlashFile&) = delete;

  std::uint32_t size() const noexcept { return size_; }
  bool contains(std::uint64_t offset, std::uint64_t length) const noexcept { return offset + length <= size_; }
  ByteView view(std::uint32_t offset, std::uint32_t length) const { return ByteView(data_ + offset, length); }
  void erase(std::uint32_t offset, std::uint32_t length);  // whole sectors covering the range
  void program(std::uint32_t offset, ByteView bytes);

 private:
  std::uint8_t* data_ = nullptr;
  std::uint32_t size_ = 0;
};

}  // namespace fwprov::sim
