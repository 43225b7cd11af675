#include "fwprov/esp/slip.hpp"

namespace fwprov::esp {

void slip_encode_into(Bytes& out, ByteView payload) {
  out.reserve(out.size() + payload.size() + payload.size() / 64 + 2);
  out.push_back(kSlipEnd);
  for (std::uint8_t byte : payload) {
    if (byte == kSlipEnd) {
      out.push_back(kSlipEsc);
      out.push_back(kSlipEscEnd);
    } else if (byte == kSlipEsc) {
      out.push_back(kSlipEsc);
      out.push_back(kSlipEscEsc);
    } else {
      out.push_back(byte);
    }
  }
  out.push_back(kSlipEnd);
}

Bytes slip_encode(ByteView payload) {
  Bytes out;
  slip_encode_into(out, payload);
  return out;
}

void SlipDecoder::reset() {
  in_frame_ = false;
  escaped_ = false;
  fault_ = SlipFault::None;
  current_.clear();
}

void SlipDecoder::finish_frame(std::vector<SlipFrame>& frames) {
  if (!current_.empty() || fault_ != SlipFault::None) frames.push_back({std::move(current_), fault_});
  current_ = Bytes{};
  fault_ = SlipFault::None;
  escaped_ = false;
  in_frame_ = false;
}

void SlipDecoder::feed(ByteView bytes, std::vector<SlipFrame>& frames) {
  for (std::uint8_t byte : bytes) {
    if (!in_frame_) {
      if (byte == kSlipEnd) {
        in_frame_ = true;
      } else {
        ++garbage_bytes_;
      }
      continue;
    }
    if (byte == kSlipEnd) {
      // An empty frame is a frame boundary seen twice: stay "in frame" so that a reader
      // which mistook an end marker for a start marker gets back in step.
      if (current_.empty() && fault_ == SlipFault::None && !escaped_) continue;
      finish_frame(frames);
      continue;
    }
    std::uint8_t value = byte;
    if (escaped_) {
      escaped_ = false;
      if (byte == kSlipEscEnd) {
        value = kSlipEnd;
      } else if (byte == kSlipEscEsc) {
        value = kSlipEsc;
      } else {
        fault_ = SlipFault::BadEscape;
        continue;
      }
    } else if (byte == kSlipEsc) {
      escaped_ = true;
      continue;
    }
    if (fault_ != SlipFault::None) continue;
    if (current_.size() >= max_frame_) {
      fault_ = SlipFault::TooLong;
      continue;
    }
    current_.push_back(value);
  }
}

}  // namespace fwprov::esp
