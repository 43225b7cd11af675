// The serial back end's WRITE_REG shapes: a post-write delay as espefuse sends it (a second,
// mask-0 group on the UART date register) and update() as a real read-modify-write.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "fwprov/core/error.hpp"
#include "fwprov/efuse/chip_table.hpp"
#include "fwprov/efuse/loader_port.hpp"
#include "fwprov/esp/esp32.hpp"
#include "fwprov/esp/loader.hpp"
#include "fwprov/esp/protocol.hpp"
#include "fwprov/esp/slip.hpp"
#include "fwprov/esp/transport.hpp"

using namespace fwprov;
using namespace fwprov::esp;

namespace {

// A ROM that answers SYNC, READ_REG (with `value`) and WRITE_REG, recording WRITE_REG payloads.
class RecordingRom {
 public:
  RecordingRom(std::unique_ptr<Transport> end, std::uint32_t value)
      : end_(std::move(end)), value_(value), thread_([this] { run(); }) {}
  ~RecordingRom() {
    stop_ = true;
    thread_.join();
  }
  std::vector<Bytes> writes() {
    std::lock_guard lock(mutex_);
    return writes_;
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
        if (!request) continue;
        Bytes out;
        if (request->opcode == op::Sync) {
          for (int i = 0; i < 8; ++i) slip_encode_into(out, encode_response(op::Sync, 0x20120707, make_status(Personality::Rom, 0)));
        } else if (request->opcode == op::ReadReg) {
          const std::uint32_t address = request->data.size() >= 4
                                            ? static_cast<std::uint32_t>(request->data[0] | request->data[1] << 8 |
                                                                         request->data[2] << 16 | request->data[3] << 24)
                                            : 0;
          const std::uint32_t answer = address == kChipMagicRegister ? 0x00F01D83u : value_;
          slip_encode_into(out, encode_response(op::ReadReg, answer, make_status(Personality::Rom, 0)));
        } else {
          if (request->opcode == op::WriteReg) {
            std::lock_guard lock(mutex_);
            writes_.push_back(request->data);
          }
          slip_encode_into(out, encode_response(request->opcode, 0, make_status(Personality::Rom, 0)));
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
  std::uint32_t value_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<Bytes> writes_;
  std::thread thread_;
};

std::vector<std::uint32_t> words_of(const Bytes& data) {
  std::vector<std::uint32_t> words;
  for (std::size_t i = 0; i + 4 <= data.size(); i += 4) {
    words.push_back(static_cast<std::uint32_t>(data[i] | data[i + 1] << 8 | data[i + 2] << 16 |
                                               static_cast<std::uint32_t>(data[i + 3]) << 24));
  }
  return words;
}

}  // namespace

TEST_CASE("LoaderPort: delay after a write and read-modify-write updates") {
  auto [host, device] = make_memory_pair();
  RecordingRom rom(std::move(device), 0x000012A0);
  LoaderOptions options;
  options.before = BeforeReset::NoReset;
  options.connect_attempts = 1;
  options.command_timeout = Millis(500);
  Loader loader(*host, options);
  loader.connect();
  const auto& chip = efuse::chip_table("esp32c3");
  efuse::LoaderPort port(loader, chip);
  const auto before = rom.writes().size();

  port.write(0x600089D4, 1, 1000);
  port.write(0x600089CC, 0x5AA5, 0);
  port.update(0x600089E8, 0x0001FE00, 0xFF);

  const auto writes = rom.writes();
  REQUIRE(writes.size() == before + 3);
  CHECK(words_of(writes[before]) == std::vector<std::uint32_t>{0x600089D4, 1, 0xFFFFFFFF, 0, 0x6000007C, 0, 0, 1000});
  CHECK(words_of(writes[before + 1]) == std::vector<std::uint32_t>{0x600089CC, 0x5AA5, 0xFFFFFFFF, 0});
  // 0x12A0 read back, DAC_NUM 0xFF placed at bit 9: (0x12A0 & ~0x1FE00) | 0x1FE00
  CHECK(words_of(writes[before + 2]) == std::vector<std::uint32_t>{0x600089E8, 0x1FEA0, 0xFFFFFFFF, 0});
}
