#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "fwprov/esp/loader.hpp"
#include "fwprov/esp/link.hpp"
#include "fwprov/esp/transport.hpp"

using namespace fwprov;
using namespace fwprov::esp;

TEST_CASE("memory pair carries bytes both ways and times out when idle") {
  auto [host, device] = make_memory_pair();
  host->write(Bytes{1, 2, 3}, Millis(100));
  std::uint8_t buffer[8];
  REQUIRE(device->read(buffer, sizeof buffer, Millis(100)) == 3);
  CHECK(buffer[2] == 3);
  CHECK(device->read(buffer, sizeof buffer, Millis(10)) == 0);
}

TEST_CASE("a closed memory link is a Device error, not a hang") {
  auto [host, device] = make_memory_pair();
  device.reset();
  std::uint8_t buffer[8];
  try {
    host->read(buffer, sizeof buffer, Millis(1000));
    FAIL("read on a closed link returned");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::Device);
  }
}

TEST_CASE("Link frames packets, skips noise and counts wire bytes") {
  auto [host, device] = make_memory_pair();
  Link link(*host);
  link.send(Bytes{0xC0, 0x01});
  std::uint8_t buffer[16];
  std::size_t n = device->read(buffer, sizeof buffer, Millis(100));
  CHECK(Bytes(buffer, buffer + n) == Bytes{0xC0, 0xDB, 0xDC, 0x01, 0xC0});
  CHECK(link.counters().sent == 5);

  Bytes wire = to_bytes("boot noise");
  wire.insert(wire.end(), {0xC0, 0x07, 0xDB, 0x99, 0xC0});  // a frame with a bad escape
  wire.insert(wire.end(), {0xC0, 0x42, 0xC0});
  device->write(wire, Millis(100));
  auto frame = link.receive(Millis(200));
  REQUIRE(frame);
  CHECK(*frame == Bytes{0x42});
  CHECK(link.malformed_frames() == 1);
  CHECK_FALSE(link.receive(Millis(20)));
}

namespace {

// A scripted device on the far end of a memory pair: answers SYNC like the ROM and
// READ_REG with `magic`; other requests get `unsupported` status or no reply at all.
class FakeRom {
 public:
  FakeRom(std::unique_ptr<Transport> end, std::uint32_t magic, bool mute = false)
      : end_(std::move(end)), magic_(magic), mute_(mute), thread_([this] { run(); }) {}
  ~FakeRom() {
    stop_ = true;
    thread_.join();
  }

 private:
  void run() {
    SlipDecoder decoder;
    std::uint8_t buffer[4096];
    while (!stop_) {
      std::size_t n = 0;
      try {
        n = end_->read(buffer, sizeof buffer, Millis(20));
      } catch (const Error&) {
        return;
      }
      std::vector<SlipFrame> frames;
      decoder.feed(ByteView(buffer, n), frames);
      for (const auto& frame : frames) {
        auto request = decode_request(frame.data);
        if (!request || mute_) continue;
        Bytes out;
        if (request->opcode == op::Sync) {
          for (int i = 0; i < 8; ++i) slip_encode_into(out, encode_response(op::Sync, 0x20120707, make_status(Personality::Rom, 0)));
        } else if (request->opcode == op::ReadReg) {
          slip_encode_into(out, encode_response(op::ReadReg, magic_, make_status(Personality::Rom, 0)));
        } else {
          slip_encode_into(out, encode_response(request->opcode, 0, make_status(Personality::Rom, rom_error::InvalidMessage)));
        }
        try {
          end_->write(out, Millis(100));
        } catch (const Error&) {
          return;
        }
      }
    }
  }

  std::unique_ptr<Transport> end_;
  std::uint32_t magic_;
  bool mute_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

LoaderOptions quick_options() {
  LoaderOptions options;
  options.before = BeforeReset::NoReset;
  options.connect_attempts = 1;
  options.command_timeout = Millis(200);
  return options;
}

}  // namespace

TEST_CASE("loader refuses a chip other than --chip, naming both") {
  auto [host, device] = make_memory_pair();
  FakeRom rom(std::move(device), 0x000007C6);  // ESP32-S2 (no chip id: found by its magic word)
  auto options = quick_options();
  options.expected_chip = target_by_name("esp32");
  Loader loader(*host, options);
  try {
    loader.connect();
    FAIL("connect accepted an ESP32-S2 as an ESP32");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::Device);
    CHECK(std::string(error.what()).find("ESP32-S2") != std::string::npos);
    CHECK(std::string(error.what()).find("not an ESP32 ") != std::string::npos);
  }
}

TEST_CASE("loader detects an ESP32-S2 by its magic word when GET_SECURITY_INFO has no chip id") {
  auto [host, device] = make_memory_pair();
  FakeRom rom(std::move(device), 0x000007C6);
  Loader loader(*host, quick_options());
  loader.connect();
  CHECK(loader.chip().name == "ESP32-S2");
  CHECK(loader.target().bootloader_offset == 0x1000);
}

TEST_CASE("loader reports a command the ROM does not support") {
  auto [host, device] = make_memory_pair();
  FakeRom rom(std::move(device), 0x00F01D83);  // ESP32
  Loader loader(*host, quick_options());
  loader.connect();
  CHECK(loader.chip().name == "ESP32");
  CHECK(loader.personality() == Personality::Rom);
  try {
    loader.erase_region(0, 0x1001);
    FAIL("unaligned erase was sent");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::Usage);
  }
  try {
    loader.flash_md5(0, 16);
    FAIL("an error status was taken as success");
  } catch (const Error& error) {
    CHECK(std::string(error.what()).find("does not support") != std::string::npos);
  }
}

TEST_CASE("a device that never answers SYNC fails connect within the bound") {
  auto [host, device] = make_memory_pair();
  FakeRom rom(std::move(device), 0, /*mute=*/true);
  Loader loader(*host, quick_options());
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(loader.connect(), Error);
  // Not a timing assertion on speed: only that the documented bound (attempts x 5 SYNC tries
  // of 300 ms + 50 ms) holds and nothing hangs.
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}
