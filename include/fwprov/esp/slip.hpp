#pragma once
// SLIP framing (RFC 1055 as the ESP loaders use it): every frame starts and ends with 0xC0;
// 0xC0 and 0xDB inside a frame are escaped as DB DC and DB DD. Shared by fwprov and fwprov-sim.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fwprov/core/bytes.hpp"

namespace fwprov::esp {

inline constexpr std::uint8_t kSlipEnd = 0xC0;
inline constexpr std::uint8_t kSlipEsc = 0xDB;
inline constexpr std::uint8_t kSlipEscEnd = 0xDC;
inline constexpr std::uint8_t kSlipEscEsc = 0xDD;

// Appends one framed packet (leading and trailing 0xC0) to `out`.
void slip_encode_into(Bytes& out, ByteView payload);
Bytes slip_encode(ByteView payload);

enum class SlipFault {
  None,
  BadEscape,  // 0xDB followed by something other than DC/DD: the frame is dropped
  TooLong,    // more than the decoder's limit: `data` keeps the first `limit` bytes
};

struct SlipFrame {
  Bytes data;
  SlipFault fault = SlipFault::None;
};

// Incremental decoder: feed it whatever the link delivered, collect whole frames.
// Bytes outside a frame (a boot banner, line noise) are counted and skipped; empty frames
// (C0 C0) are ignored, which also re-synchronises a reader that joined mid-frame.
class SlipDecoder {
 public:
  explicit SlipDecoder(std::size_t max_frame = 64 * 1024) : max_frame_(max_frame) {}

  void feed(ByteView bytes, std::vector<SlipFrame>& frames);
  void reset();  // forget any partial frame (after a flush)

  std::uint64_t garbage_bytes() const noexcept { return garbage_bytes_; }
  bool in_frame() const noexcept { return in_frame_; }

 private:
  void finish_frame(std::vector<SlipFrame>& frames);

  std::size_t max_frame_;
  bool in_frame_ = false;
  bool escaped_ = false;
  SlipFault fault_ = SlipFault::None;
  Bytes current_;
  std::uint64_t garbage_bytes_ = 0;
};

}  // namespace fwprov::esp
