#pragma once
// Packets over a Transport: SLIP framing on the way out, a frame queue on the way in, byte
// counters for the wire statistics. Used by the loader session (the client side).
#include <deque>
#include <optional>

#include "fwprov/esp/slip.hpp"
#include "fwprov/esp/transport.hpp"

namespace fwprov::esp {

class Link {
 public:
  explicit Link(Transport& transport) : transport_(transport) {}

  Transport& transport() noexcept { return transport_; }
  // SLIP-frames `packet` and writes it (bounded by the write timeout).
  void send(ByteView packet);
  // The next complete, well-formed frame, or nullopt when none arrived within `timeout`.
  std::optional<Bytes> receive(Millis timeout);
  // Drops everything received so far (kernel buffer, partial frame, queued frames).
  void flush_input();
  // Reads and discards input until `quiet` passes without a byte or `limit` is reached.
  void drain(Millis quiet, Millis limit);

  const WireCounters& counters() const noexcept { return counters_; }
  std::uint64_t malformed_frames() const noexcept { return malformed_frames_; }

  // How long a write may block before the link counts as dead (esptool: 10 s).
  void set_write_timeout(Millis timeout) noexcept { write_timeout_ = timeout; }

 private:
  Transport& transport_;
  SlipDecoder decoder_;
  std::deque<Bytes> frames_;
  WireCounters counters_;
  Millis write_timeout_{10000};
  std::uint64_t malformed_frames_ = 0;
};

}  // namespace fwprov::esp
