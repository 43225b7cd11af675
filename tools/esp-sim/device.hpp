#pragma once
// A simulated ESP32-class chip (any chip of the chip table, --chip) in its download loader:
// the mask ROM, and after a stub upload plus MEM_END with an entry point, the flasher stub. It speaks through fwprov_esp's SLIP and
// command codec only; all device behaviour lives here.
#include <zlib.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "efuse_controller.hpp"
#include "flash_file.hpp"
#include "flash_timing.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/esp/protocol.hpp"
#include "fwprov/esp/slip.hpp"
#include "fwprov/esp/target.hpp"

namespace fwprov::sim {

// A register range with its own behaviour (an eFuse controller, a timer, ...). `read` returns
// nullopt to fall back to the plain register file; `write` returns false for the same.
struct RegisterHandler {
  std::uint32_t first = 0;
  std::uint32_t last = 0;  // inclusive
  std::function<std::optional<std::uint32_t>(std::uint32_t address)> read;
  std::function<bool(std::uint32_t address, std::uint32_t value, std::uint32_t mask)> write;
};

struct DeviceConfig {
  const esp::Target* target = &esp::all_targets()[0];  // --chip
  std::optional<std::array<std::uint8_t, 6>> mac;      // default: the target's demo MAC
  std::optional<unsigned> revision;                    // major*100+minor; default: the target's demo revision
  std::uint8_t flash_manufacturer = 0xEF;  // Winbond
  std::uint8_t flash_type = 0x40;
  SimEfuse* efuse = nullptr;  // --efuse: the eFuse controller's registers live here
  FlashTimingOptions timing;     // flash busy times (flash_timing.hpp)
  std::uint32_t max_baud = 0;    // CHANGE_BAUDRATE above this is refused; 0: any rate
};

// Flash busy time caused by one request: `before` holds its reply back (ROM writes, erases,
// MD5), `after` keeps the chip busy once the reply is out (the stub acknowledges a data block
// on receipt and writes it while the next one arrives).
struct BusyTime {
  double before = 0.0;
  double after = 0.0;
};

class Device {
 public:
  Device(FlashFile& flash, DeviceConfig config);
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  // Handles one frame from the host; packets to send back (unframed) are appended to `out`.
  // Returns a JSON description of the request for the log (null for stream acks).
  nlohmann::json on_frame(const esp::SlipFrame& frame, std::vector<Bytes>& out);

  esp::Personality personality() const noexcept { return personality_; }
  bool app_running() const noexcept { return app_running_; }
  const esp::Target& target() const noexcept { return *config_.target; }
  // Registers a handler for an address range; READ_REG/WRITE_REG consult handlers first.
  void add_register_handler(RegisterHandler handler) { handlers_.push_back(std::move(handler)); }
  // For --next-device-on-disconnect: the host programmed flash and left no write unfinished.
  bool flashed_completely() const noexcept { return bytes_programmed_ > 0 && !(write_.active && write_.written < write_.size); }
  BusyTime take_busy() noexcept { BusyTime b = busy_; busy_ = {}; return b; }
  // The new line rate after an accepted CHANGE_BAUDRATE (its reply still goes at the old one).
  std::uint32_t take_baud_change() noexcept { std::uint32_t b = baud_change_; baud_change_ = 0; return b; }
  static constexpr std::size_t kMaxFrame = esp::kStubFlashBlock + esp::kDataHeaderSize + esp::kHeaderSize + 64;

 private:
  struct WriteSession {
    bool active = false;
    bool compressed = false;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    std::uint32_t written = 0;
    std::uint32_t next_seq = 0;
    bool stream_end = false;
    std::vector<bool> erased;  // stub: sectors already erased in this session
    std::int64_t last_page = -1;  // the last 256-byte page charged program time
  };
  struct ReadStream {
    bool active = false;
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
    std::uint32_t packet = 0;
    std::uint32_t sent = 0;
    Digester digest{DigestAlgorithm::Md5};
  };
  struct MemUpload {
    std::uint32_t next_seq = 0;
    bool active = false;
    std::uint32_t address = 0;
    std::uint32_t size = 0;
  };

  void reply(std::vector<Bytes>& out, std::uint8_t opcode, std::uint8_t error, ByteView payload = {}, std::uint32_t value = 0);
  std::uint8_t err(std::uint8_t rom_code, std::uint8_t stub_code) const;
  void handle(const esp::Request& request, std::vector<Bytes>& out, nlohmann::json& log);
  void handle_sync(const esp::Request& request, std::vector<Bytes>& out);
  void handle_write_reg(const esp::Request& request, std::vector<Bytes>& out);
  void handle_change_baudrate(const esp::Request& request, std::vector<Bytes>& out);
  void handle_begin(const esp::Request& request, bool compressed, std::vector<Bytes>& out, nlohmann::json& log);
  void handle_data(const esp::Request& request, bool compressed, std::vector<Bytes>& out, nlohmann::json& log);
  void handle_end(const esp::Request& request, std::vector<Bytes>& out);
  void handle_md5(const esp::Request& request, std::vector<Bytes>& out);
  void handle_read_flash(const esp::Request& request, std::vector<Bytes>& out);
  void handle_read_slow(const esp::Request& request, std::vector<Bytes>& out);
  void handle_erase_region(const esp::Request& request, std::vector<Bytes>& out);
  void handle_mem(const esp::Request& request, std::vector<Bytes>& out, nlohmann::json& log);
  // Writes bytes at the session's write pointer; false when they do not fit.
  bool store(ByteView bytes);
  std::uint8_t inflate_block(ByteView block);
  void continue_read(std::vector<Bytes>& out);
  std::uint32_t read_register(std::uint32_t address) const;
  void write_register(std::uint32_t address, std::uint32_t value, std::uint32_t mask);
  void init_registers();
  void handle_security_info(const esp::Request& request, std::vector<Bytes>& out);
  unsigned revision() const;
  void run_spi_command();
  void reboot_to_rom();

  FlashFile& flash_;
  DeviceConfig config_;
  esp::Personality personality_ = esp::Personality::Rom;
  bool app_running_ = false;
  std::map<std::uint32_t, std::uint32_t> registers_;
  std::vector<RegisterHandler> handlers_;
  std::vector<std::uint32_t> mem_starts_;  // MEM_BEGIN load addresses of the current upload
  WriteSession write_;
  ReadStream read_;
  MemUpload mem_;
  z_stream zstream_{};
  bool zstream_ready_ = false;
  std::uint64_t bytes_programmed_ = 0;
  FlashTiming timing_;
  BusyTime busy_;
  std::uint32_t baud_change_ = 0;
};

}  // namespace fwprov::sim
