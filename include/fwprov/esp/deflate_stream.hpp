#pragma once
// One zlib stream (level 9, like esptool) of a 4-byte-padded image, produced on a background
// thread and readable while it grows: a write can send its first FLASH_DEFL_DATA blocks while
// the rest of the image is still being compressed, instead of waiting for the whole stream
// (0.25-0.5 s per MiB of code on an idle core, seconds on a loaded one). The bytes are the
// same as deflate_image()'s. Several ports may read one stream at once.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "fwprov/core/bytes.hpp"

namespace fwprov::esp {

class DeflateStream {
 public:
  // Pads `image` to a multiple of 4 with 0xFF (what the flash gets) and starts compressing.
  explicit DeflateStream(ByteView image);
  ~DeflateStream();
  DeflateStream(const DeflateStream&) = delete;
  DeflateStream& operator=(const DeflateStream&) = delete;

  // Output bytes [from, from + max): waits until that many exist or the stream is complete,
  // so it returns fewer than `max` only at the end (empty: `from` is past the end).
  // Throws Error(Internal) when zlib failed.
  Bytes read(std::size_t from, std::size_t max) const;
  // The whole stream (waits for the end).
  Bytes all() const;
  bool complete() const;
  // Total compressed size; waits for the end.
  std::size_t total() const;
  // An upper bound of total() known at once (zlib's deflateBound).
  std::size_t bound() const noexcept { return bound_; }
  std::size_t input_size() const noexcept { return image_.size(); }
  // Image bytes per compressed byte so far (1 before any output): for progress estimates.
  double expansion() const;

 private:
  void run();
  void wait_for(std::unique_lock<std::mutex>& lock, std::size_t end) const;

  Bytes image_;
  std::size_t bound_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable grown_;
  Bytes out_;
  std::size_t consumed_ = 0;  // image bytes zlib has taken in
  bool done_ = false;
  std::string failure_;
  std::thread worker_;  // last: started once everything above exists
};

}  // namespace fwprov::esp
