#include "fwprov/esp/deflate_stream.hpp"

#include <zlib.h>

#include <fmt/core.h>

#include <algorithm>

#include "fwprov/core/error.hpp"

namespace fwprov::esp {

namespace {
// Input handed to zlib per call: small enough that output appears soon after the start (a
// level-9 deflate block closes every ~16 K symbols), large enough to cost nothing.
constexpr std::size_t kInputStep = 0x4000;
}  // namespace

DeflateStream::DeflateStream(ByteView image) : image_(image.begin(), image.end()) {
  image_.resize((image_.size() + 3) / 4 * 4, 0xFF);
  bound_ = compressBound(static_cast<uLong>(image_.size()));
  worker_ = std::thread([this] { run(); });
}

DeflateStream::~DeflateStream() {
  if (worker_.joinable()) worker_.join();
}

void DeflateStream::run() {
  z_stream z{};
  std::string failure;
  if (int rc = deflateInit(&z, 9); rc != Z_OK) {
    std::lock_guard lock(mutex_);
    failure_ = fmt::format("zlib deflateInit failed ({})", rc);
    done_ = true;
    grown_.notify_all();
    return;
  }
  std::uint8_t buffer[0x4000];
  std::size_t fed = 0;
  for (;;) {
    std::size_t step = std::min(kInputStep, image_.size() - fed);
    z.next_in = image_.data() + fed;
    z.avail_in = static_cast<uInt>(step);
    fed += step;
    const int flush = fed == image_.size() ? Z_FINISH : Z_NO_FLUSH;
    int rc = Z_OK;
    do {
      z.next_out = buffer;
      z.avail_out = sizeof buffer;
      rc = deflate(&z, flush);
      if (rc == Z_STREAM_ERROR) break;
      std::size_t produced = sizeof buffer - z.avail_out;
      std::lock_guard lock(mutex_);
      out_.insert(out_.end(), buffer, buffer + produced);
      consumed_ = fed - z.avail_in;
      if (produced > 0) grown_.notify_all();
    } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    if (rc == Z_STREAM_ERROR) {
      failure = "zlib deflate failed";
      break;
    }
    if (flush == Z_FINISH) break;
  }
  deflateEnd(&z);
  std::lock_guard lock(mutex_);
  failure_ = failure;
  done_ = true;
  grown_.notify_all();
}

void DeflateStream::wait_for(std::unique_lock<std::mutex>& lock, std::size_t end) const {
  grown_.wait(lock, [&] { return done_ || out_.size() >= end; });
  if (!failure_.empty()) throw Error(ErrorKind::Internal, failure_);
}

Bytes DeflateStream::read(std::size_t from, std::size_t max) const {
  std::unique_lock lock(mutex_);
  wait_for(lock, from + max);
  if (from >= out_.size()) return {};
  std::size_t n = std::min(max, out_.size() - from);
  return Bytes(out_.begin() + static_cast<std::ptrdiff_t>(from), out_.begin() + static_cast<std::ptrdiff_t>(from + n));
}

Bytes DeflateStream::all() const {
  std::unique_lock lock(mutex_);
  wait_for(lock, SIZE_MAX);
  return out_;
}

bool DeflateStream::complete() const {
  std::lock_guard lock(mutex_);
  return done_;
}

std::size_t DeflateStream::total() const {
  std::unique_lock lock(mutex_);
  wait_for(lock, SIZE_MAX);
  return out_.size();
}

double DeflateStream::expansion() const {
  std::lock_guard lock(mutex_);
  if (out_.empty()) return 1.0;
  return static_cast<double>(consumed_) / static_cast<double>(out_.size());
}

}  // namespace fwprov::esp
