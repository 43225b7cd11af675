// Loader session: connecting, commands with retries, registers, the stub, baud changes.
// Chip detection is in loader_chip.cpp, flash operations in loader_flash.cpp.
#include "fwprov/esp/loader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <thread>

namespace fwprov::esp {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {
constexpr Millis kSyncTimeout{300};      // first SYNC reply (esptool: 100 ms; we allow a busy host)
constexpr Millis kSyncFollowUp{60};      // quiet time that ends the burst of 8 SYNC replies
constexpr int kSyncTriesPerAttempt = 5;
constexpr int kMaxSkippedFrames = 100;
}  // namespace

Loader::Loader(Transport& transport, LoaderOptions options)
    : link_(transport), options_(options), baud_(options.rom_baud) {
  // Over a chip's USB-OTG console the ROM's RAM blocks and the stub's flash blocks are smaller.
  if (usb_link(transport) == UsbLink::Otg) {
    ram_block_ = kOtgBlock;
    stub_flash_block_ = kOtgBlock;
  }
  link_.set_write_timeout(std::max(options_.command_timeout, Millis(1000)));
}

Millis Loader::scaled(Millis per_megabyte, std::uint64_t bytes) const {
  auto ms = static_cast<std::int64_t>(per_megabyte.count() * static_cast<double>(bytes) / (1024.0 * 1024.0));
  return std::clamp(Millis(ms), options_.command_timeout, std::max(options_.command_timeout, Millis(240000)));
}

std::optional<Loader::Reply> Loader::exchange(std::uint8_t opcode, ByteView data, std::uint32_t checksum, Millis timeout) {
  link_.send(encode_request(opcode, data, checksum));
  auto deadline = Clock::now() + timeout;
  for (int skipped = 0; skipped < kMaxSkippedFrames; ++skipped) {
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto frame = link_.receive(left);
    if (!frame) return std::nullopt;
    auto response = decode_response(*frame);
    if (!response) continue;  // noise, a corrupted frame, a stray data frame
    if (response->opcode != opcode) {
      // A real ROM may answer an opcode it does not know with an error frame that carries
      // another opcode (fact sheet §3): take `xx 05` as "unsupported".
      const auto& d = response->data;
      if (personality_ == Personality::Rom && d.size() == 4 && d[0] != 0 && d[1] == rom_error::InvalidMessage) {
        link_.drain(Millis(100), Millis(200));
        return Reply{*response, Status{true, rom_error::InvalidMessage}};
      }
      continue;
    }
    auto status = parse_status(personality_, response->data);
    if (!status) continue;
    return Reply{std::move(*response), *status};
  }
  return std::nullopt;
}

Loader::Reply Loader::command(const std::string& what, std::uint8_t opcode, ByteView data, std::uint32_t checksum,
                              Millis timeout, std::size_t payload_size) {
  if (timeout.count() == 0) timeout = options_.command_timeout;
  std::string last_problem;
  bool only_timeouts = true;
  int rejected = 0;  // "invalid message" answers: an unsupported command, or a frame the link corrupted
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    auto reply = exchange(opcode, data, checksum, timeout);
    if (!reply) {
      last_problem = fmt::format("no reply within {:.1f} s", static_cast<double>(timeout.count()) / 1000.0);
      link_.flush_input();
      continue;
    }
    only_timeouts = false;
    if (reply->status.failed) {
      last_problem = describe_status(personality_, reply->status);
      bool unsupported = (personality_ == Personality::Rom && reply->status.code == rom_error::InvalidMessage) ||
                         (personality_ == Personality::Stub && (reply->status.code == stub_error::InvalidCommand ||
                                                                reply->status.code == stub_error::NotImplemented));
      // A corrupted request gets the same answer as an unsupported one: retried like any
      // failure, and called unsupported only when every attempt was refused that way.
      if (unsupported && ++rejected == options_.attempts)
        throw Error(ErrorKind::Device, fmt::format("{}: the {} does not support this command ({}, on all {} attempts)", what,
                                                   personality_ == Personality::Rom ? "ROM loader" : "stub", last_problem,
                                                   options_.attempts));
      if (unsupported) last_problem += " (a corrupted frame on the link, or a command the loader does not support)";
      link_.flush_input();
      continue;
    }
    if (reply->response.data.size() < payload_size + status_length(personality_)) {
      last_problem = "reply too short";
      continue;
    }
    return std::move(*reply);
  }
  std::string message = fmt::format("{} failed on {}: {} (after {} attempts)", what, link_.transport().description(),
                                    last_problem, options_.attempts);
  if (only_timeouts) throw LinkTimeout(message + "; the device stopped answering");
  throw Error(ErrorKind::Device, message);
}

std::optional<bool> Loader::sync_once() {
  link_.flush_input();
  link_.send(encode_request(op::Sync, sync_payload()));
  auto deadline = Clock::now() + kSyncTimeout;
  int replies = 0;
  bool all_zero = true;
  bool saw_stub_status = false;
  for (;;) {
    Millis left = replies == 0 ? std::chrono::duration_cast<Millis>(deadline - Clock::now()) : kSyncFollowUp;
    if (left.count() <= 0) break;
    auto frame = link_.receive(left);
    if (!frame) break;
    auto response = decode_response(*frame);
    if (!response || response->opcode != op::Sync) continue;
    ++replies;
    all_zero = all_zero && response->value == 0;
    saw_stub_status = response->data.size() == status_length(Personality::Stub);
    if (replies >= 8) break;
  }
  if (replies == 0) return std::nullopt;
  return all_zero || saw_stub_status;
}

void Loader::connect() {
  if (options_.before == BeforeReset::NoResetNoSync) {
    detect_chip();
    return;
  }
  for (int attempt = 0; attempt < options_.connect_attempts; ++attempt) {
    reset_into_loader(link_.transport(), options_.before, attempt);
    for (int tries = 0; tries < kSyncTriesPerAttempt; ++tries) {
      auto stub = sync_once();
      if (stub) {
        personality_ = *stub ? Personality::Stub : Personality::Rom;
        detect_chip();
        return;
      }
      std::this_thread::sleep_for(50ms);
    }
  }
  throw Error(ErrorKind::Device,
              fmt::format("no answer to SYNC on {} after {} connect attempts: is the chip in download mode "
                          "(GPIO0 low during reset), the port right, nothing else using it?",
                          link_.transport().description(), options_.connect_attempts));
}

std::uint32_t Loader::read_reg(std::uint32_t address) {
  return command(fmt::format("READ_REG 0x{:08X}", address), op::ReadReg, words_payload({address})).response.value;
}

void Loader::write_reg(std::uint32_t address, std::uint32_t value, std::uint32_t mask, std::uint32_t delay_us) {
  command(fmt::format("WRITE_REG 0x{:08X}", address), op::WriteReg, words_payload({address, value, mask, delay_us}));
}

void Loader::write_regs(std::span<const RegisterWrite> writes) {
  Bytes payload;
  for (const auto& w : writes) {
    const Bytes group = words_payload({w.address, w.value, w.mask, w.delay_us});
    payload.insert(payload.end(), group.begin(), group.end());
  }
  command(fmt::format("WRITE_REG 0x{:08X} (+{})", writes.empty() ? 0 : writes.front().address, writes.size() - 1), op::WriteReg,
          payload);
}

void Loader::run_stub(const StubImage& stub) {
  if (personality_ == Personality::Stub) return;  // already running (found at SYNC)
  struct Segment {
    const Bytes& bytes;
    std::uint32_t address;
    const char* name;
  };
  for (const Segment& segment : {Segment{stub.text, stub.text_start, "text"}, Segment{stub.data, stub.data_start, "data"}}) {
    if (segment.bytes.empty()) continue;
    auto size = static_cast<std::uint32_t>(segment.bytes.size());
    const std::uint32_t ram_block = ram_block_;
    std::uint32_t blocks = (size + ram_block - 1) / ram_block;
    command(fmt::format("MEM_BEGIN (stub {})", segment.name), op::MemBegin,
            words_payload({size, blocks, ram_block, segment.address}));
    for (std::uint32_t seq = 0; seq < blocks; ++seq) {
      ByteView block = ByteView(segment.bytes).subspan(seq * ram_block, std::min<std::size_t>(ram_block, size - seq * ram_block));
      command(fmt::format("MEM_DATA (stub {} block {})", segment.name, seq), op::MemData, data_block_payload(block, seq),
              data_checksum(block));
    }
  }
  // The ROM may or may not answer MEM_END before jumping; what counts is the stub's "OHAI".
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    link_.send(encode_request(op::MemEnd, words_payload({0, stub.entry})));
    auto deadline = Clock::now() + options_.command_timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
      if (left.count() <= 0) break;
      auto frame = link_.receive(left);
      if (!frame) break;
      if (std::equal(frame->begin(), frame->end(), kStubGreeting.begin(), kStubGreeting.end())) {
        personality_ = Personality::Stub;
        return;
      }
    }
    // The greeting may have been lost on a noisy link: a stub answers SYNC with value 0.
    auto stub_answered = sync_once();
    if (stub_answered && *stub_answered) {
      personality_ = Personality::Stub;
      return;
    }
  }
  throw Error(ErrorKind::Device, fmt::format("the stub from {} did not start (no OHAI greeting after MEM_END)", stub.source.string()));
}

void Loader::change_baud(std::uint32_t baud) {
  if (baud == baud_) return;
  std::uint32_t word = baud;
  if (personality_ == Personality::Rom) {
    switch (target().rom_baud) {
      case RomBaud::Esp32Calibrated: word = esp32::rom_baud_word(baud, read_reg(esp32::kRtcCaliCfg1), chip_.efuse.words[4]); break;
      case RomBaud::AssumesForty:  // the ROM programs the UART as if its crystal ran at 40 MHz
        word = static_cast<std::uint32_t>(static_cast<std::uint64_t>(baud) * 40 / std::max(1u, chip_.crystal_mhz));
        break;
      case RomBaud::Plain: break;
    }
  }
  Bytes data = personality_ == Personality::Stub ? words_payload({baud, baud_}) : words_payload({word, 0});
  command(fmt::format("CHANGE_BAUDRATE {}", baud), op::ChangeBaudrate, data);
  link_.transport().set_baud(baud);
  baud_ = baud;
  std::this_thread::sleep_for(50ms);
  link_.flush_input();
}

std::uint32_t Loader::spi_command(std::uint8_t spi_opcode, unsigned read_bits, std::optional<std::uint32_t> address,
                                  unsigned address_bits) {
  namespace spi = esp32::spi;
  const SpiLayout& regs = target().spi;
  std::uint32_t old_user = read_reg(regs.reg(regs.usr));
  std::uint32_t old_user2 = read_reg(regs.reg(regs.usr2));
  std::uint32_t flags = spi::kUserCommand;
  if (read_bits > 0) {
    flags |= spi::kUserMiso;
    write_reg(regs.reg(regs.miso_dlen), read_bits - 1);
  }
  if (address) {
    flags |= spi::kUserAddr;
    write_reg(regs.reg(regs.usr1), (address_bits - 1) << 26);
  }
  write_reg(regs.reg(regs.usr), flags);
  write_reg(regs.reg(regs.usr2), (7u << 28) | spi_opcode);
  if (address) write_reg(regs.addr(), regs.address_left_aligned ? *address << (32 - address_bits) : *address);
  write_reg(regs.reg(regs.w0), 0);
  write_reg(regs.cmd(), spi::kCmdUsr);
  bool done = false;
  for (int poll = 0; poll < 10 && !done; ++poll) done = (read_reg(regs.cmd()) & spi::kCmdUsr) == 0;
  if (!done) throw Error(ErrorKind::Device, fmt::format("SPI flash command 0x{:02X} did not complete", spi_opcode));
  std::uint32_t result = read_reg(regs.reg(regs.w0));
  write_reg(regs.reg(regs.usr), old_user);
  write_reg(regs.reg(regs.usr2), old_user2);
  return read_bits >= 32 ? result : result & ((1u << read_bits) - 1);
}

FlashId Loader::flash_id() {
  FlashId id;
  id.raw = spi_command(esp32::spi::kRdid, 24);
  id.manufacturer = static_cast<std::uint8_t>(id.raw & 0xFF);
  std::uint8_t type = static_cast<std::uint8_t>((id.raw >> 8) & 0xFF);
  std::uint8_t capacity = static_cast<std::uint8_t>((id.raw >> 16) & 0xFF);
  id.device = static_cast<std::uint16_t>(type << 8 | capacity);
  if (id.raw != 0 && id.raw != 0xFFFFFF) id.size = esp32::flash_size_from_capacity(capacity);
  return id;
}

void Loader::attach_flash(std::uint32_t flash_size) {
  if (personality_ == Personality::Rom) command("SPI_ATTACH", op::SpiAttach, spi_attach_payload(personality_));
  command("SPI_SET_PARAMS", op::SpiSetParams, spi_set_params_payload(flash_size));
}

}  // namespace fwprov::esp
