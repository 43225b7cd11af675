#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <vector>
#include <thread>

#include "fwprov/esp/loader.hpp"
#include "fwprov/esp/link.hpp"
#include "fwprov/esp/protocol.hpp"
#include "fwprov/esp/slip.hpp"
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
  FakeRom(std::unique_ptr<Transport> end, std::uint32_t magic, bool mute = false, std::optional<std::uint32_t> chip_id = {})
      : end_(std::move(end)), magic_(magic), mute_(mute), chip_id_(chip_id), thread_([this] { run(); }) {}
  // Addresses of the WRITE_REG requests seen, in order.
  std::vector<std::uint32_t> writes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return writes_;
  }
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
        } else if (request->opcode == op::GetSecurityInfo && chip_id_) {
          Bytes payload(12, 0);
          append_u32le(payload, *chip_id_);
          append_u32le(payload, 0);
          append(payload, make_status(Personality::Rom, 0));
          slip_encode_into(out, encode_response(op::GetSecurityInfo, 0, payload));
        } else if (request->opcode == op::WriteReg) {
          {
            std::lock_guard<std::mutex> lock(mutex_);
            writes_.push_back(*payload_word(request->data, 0));
          }
          slip_encode_into(out, encode_response(op::WriteReg, 0, make_status(Personality::Rom, 0)));
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
  std::optional<std::uint32_t> chip_id_;
  std::mutex mutex_;
  std::vector<std::uint32_t> writes_;
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

namespace {

// A transport that says it is a given USB device (what a serial port on USB reports).
class UsbPort final : public Transport {
 public:
  UsbPort(std::unique_ptr<Transport> inner, UsbIds ids) : inner_(std::move(inner)), ids_(ids) {}
  void write(ByteView bytes, Millis timeout) override { inner_->write(bytes, timeout); }
  std::size_t read(std::uint8_t* buffer, std::size_t capacity, Millis timeout) override {
    return inner_->read(buffer, capacity, timeout);
  }
  void flush_input() override { inner_->flush_input(); }
  void set_baud(std::uint32_t baud) override { inner_->set_baud(baud); }
  void set_dtr(bool) override {}
  void set_rts(bool) override {}
  bool has_modem_lines() const override { return false; }
  std::optional<UsbIds> usb_ids() const override { return ids_; }
  std::string description() const override { return "usb"; }

 private:
  std::unique_ptr<Transport> inner_;
  UsbIds ids_;
};

}  // namespace

TEST_CASE("an ESP32-S3 found by its chip id, over USB-Serial/JTAG its watchdogs are tamed") {
  for (bool usb_jtag : {false, true}) {
    auto [host, device] = make_memory_pair();
    FakeRom rom(std::move(device), 0x9, false, 9);
    UsbPort port(std::move(host), usb_jtag ? UsbIds{0x303A, 0x1001} : UsbIds{0x10C4, 0xEA60});
    auto options = quick_options();
    options.expected_chip = target_by_name("esp32s3");
    Loader loader(port, options);
    loader.connect();
    CHECK(loader.chip().name == "ESP32-S3");
    REQUIRE(loader.chip().security);
    CHECK(*loader.chip().security->chip_id == 9);
    auto writes = rom.writes();
    if (!usb_jtag) {
      CHECK(writes.empty());
      continue;
    }
    // RTC WDT: key, config0 = 0, lock; super WDT: key, auto-feed, lock (S3 registers).
    CHECK(writes == std::vector<std::uint32_t>{0x600080B0, 0x60008098, 0x600080B0, 0x600080B8, 0x600080B4, 0x600080B8});
  }
}

TEST_CASE("GET_SECURITY_INFO payloads: 20 bytes with chip id, 12 without, shorter refused") {
  Bytes full(20, 0);
  full[0] = 0x05;  // secure boot + secure download mode
  full[4] = 0x01;  // one bit: encryption on
  full[12] = 13;
  auto info = parse_security_info(full);
  REQUIRE(info);
  CHECK(info->secure_boot());
  CHECK(info->secure_download_mode());
  CHECK(info->flash_encryption());
  CHECK(*info->chip_id == 13);
  auto s2 = parse_security_info(ByteView(full).first(12));
  REQUIRE(s2);
  CHECK_FALSE(s2->chip_id);
  CHECK_FALSE(parse_security_info(ByteView(full).first(11)));
  full[4] = 0x03;  // two bits: encryption off again
  CHECK_FALSE(parse_security_info(full)->flash_encryption());
}
