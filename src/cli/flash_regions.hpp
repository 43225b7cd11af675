#pragma once
// Compress-while-writing for `flash write --baud-before-stub`: each image is cut into regions of
// kPipelineRegion bytes, each written as its own FLASH_DEFL_BEGIN .. MD5 (like consecutive
// files, which every loader handles), and one background thread compresses the regions in
// write order. The first region is ready after compressing 256 KiB instead of the whole image
// (zlib level 9 needs 0.25-0.5 s per MiB here, longer than a connect with --baud-before-stub),
// and every next region is compressed while the one before is on the wire. A region boundary
// costs three small commands, restarts the 32 KiB deflate window (a few hundred bytes) and,
// more, drains the stub's write-behind: the region's last block is written while nothing is
// on the wire (~0.2 s at 921600 on the simulator). So it pays only when connecting is faster
// than compressing: with the stub uploaded at 115200 (~0.7 s), whole-image streams compressed
// during the connect are faster, and `region_size` is then "whole image" (measured in
// docs/flash.md).
#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "fwprov/esp/loader.hpp"
#include "fwprov/esp/write_plan.hpp"

namespace fwprov::cli {

constexpr std::size_t kPipelineRegion = 256 * 1024;  // a multiple of 64 KiB: erase blocks stay aligned

class RegionCompressor {
 public:
  struct Region {
    std::size_t file;       // index into the plan
    std::uint32_t offset;   // flash address
    ByteView bytes;         // a slice of the plan's (already 4-byte padded) bytes
  };

  RegionCompressor(const std::vector<esp::PlannedWrite>& plan, std::size_t region_size) {
    for (std::size_t f = 0; f < plan.size(); ++f) {
      const Bytes& bytes = plan[f].bytes;
      for (std::size_t at = 0; at < bytes.size(); at += region_size) {
        std::size_t n = std::min(region_size, bytes.size() - at);
        regions_.push_back({f, plan[f].offset + static_cast<std::uint32_t>(at), ByteView(bytes.data() + at, n)});
      }
    }
    promises_.resize(regions_.size());
    for (auto& promise : promises_) futures_.push_back(promise.get_future());
    worker_ = std::thread([this] {
      for (std::size_t i = 0; i < regions_.size() && !stop_; ++i) {
        try {
          promises_[i].set_value(esp::deflate_image(regions_[i].bytes));
        } catch (...) {
          promises_[i].set_exception(std::current_exception());
        }
      }
    });
  }
  ~RegionCompressor() {
    stop_ = true;  // regions nobody will ask for are not compressed
    worker_.join();
  }
  RegionCompressor(const RegionCompressor&) = delete;
  RegionCompressor& operator=(const RegionCompressor&) = delete;

  const std::vector<Region>& regions() const noexcept { return regions_; }
  // Waits for region i's zlib stream (regions come in order; each is taken once).
  Bytes take(std::size_t i) { return futures_[i].get(); }

 private:
  std::vector<Region> regions_;
  std::vector<std::promise<Bytes>> promises_;
  std::vector<std::future<Bytes>> futures_;
  std::atomic<bool> stop_{false};
  std::thread worker_;
};

}  // namespace fwprov::cli
