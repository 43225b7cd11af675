// The burn engine: espefuse's check / burn / verify sequence over a RegisterPort.
#include "fwprov/efuse/efuses.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "bits.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/efuse/coding.hpp"
#include "fwprov/efuse/format.hpp"

namespace fwprov::efuse {

namespace {

bool all_bits_set(const std::vector<std::uint32_t>& have, const std::vector<std::uint32_t>& want) {
  for (std::size_t i = 0; i < want.size(); ++i) {
    const std::uint32_t h = i < have.size() ? have[i] : 0;
    if ((h & want[i]) != want[i]) return false;
  }
  return true;
}

}  // namespace

Efuses::Efuses(const ChipTable& chip, RegisterPort& port) : chip_(chip), port_(port) {
  connect_reads();
  staged_.clear();
  for (const auto& words : read_) staged_.emplace_back(words.size(), 0);
}

void Efuses::connect_reads() {
  const BlockDef& block0 = chip_.blocks.front();
  if (chip_.coding == CodingFamily::Esp32) {
    const auto n = format::kEsp32CodingSchemeWord;
    const std::uint32_t word = port_.read_block0_word(address(block0.read_offset + 4U * n), n);
    coding_34_ = (word & 0x3) == format::kEsp32Coding34;
  }
  read_.clear();
  for (const auto& block : chip_.blocks) read_.push_back(read_block(block));
  if (chip_.coding == CodingFamily::Esp32) {
    (void)port_.read(address(chip_.regs.dec_status));
    if (chip_.regs.apb_date_address != 0) (void)port_.read(chip_.regs.apb_date_address);
  } else {
    (void)read_rs_errors();
  }
}

void Efuses::refresh() {
  if (chip_.coding == CodingFamily::Esp32) {
    const auto n = format::kEsp32CodingSchemeWord;
    const std::uint32_t word = port_.read_block0_word(address(chip_.blocks.front().read_offset + 4U * n), n);
    coding_34_ = (word & 0x3) == format::kEsp32Coding34;
  }
  read_.clear();
  for (const auto& block : chip_.blocks) read_.push_back(read_block(block));
  for (std::size_t i = 0; i < read_.size(); ++i) staged_[i].assign(read_[i].size(), 0);
  // The wafer version shown by summaries is calculated from this register (ESP32).
  if (chip_.regs.apb_date_address != 0) (void)port_.read(chip_.regs.apb_date_address);
}

bool Efuses::check_for_summary() {
  if (chip_.coding == CodingFamily::Esp32) {
    if (chip_.regs.apb_date_address != 0) (void)port_.read(chip_.regs.apb_date_address);
    return (port_.read(address(chip_.regs.dec_status)) & format::kEsp32DecStatusMask) != 0;
  }
  const auto failed = read_rs_errors();
  return std::any_of(failed.begin(), failed.end(), [](bool f) { return f; });
}

int Efuses::data_bytes(const BlockDef& block) const {
  if (chip_.coding == CodingFamily::Esp32 && block.index != 0 && coding_34_) return block.words * 3;
  return block.words * 4;
}

std::vector<std::uint32_t> Efuses::read_block(const BlockDef& block) {
  std::vector<std::uint32_t> words(static_cast<std::size_t>(data_bytes(block) / 4));
  for (std::size_t i = 0; i < words.size(); ++i) {
    words[i] = port_.read(address(block.read_offset + static_cast<std::uint32_t>(4 * i)));
  }
  return words;
}

std::uint64_t Efuses::value(const FieldDef& field) const {
  if (field.calculated()) throw Error(ErrorKind::Internal, field.name + " is calculated, it has no bits");
  return bits::get_range(words(field.block), field.word * 32 + field.pos, field.bits);
}

Bytes Efuses::bytes(const FieldDef& field) const {
  const Bytes all = bits::to_bytes(words(field.block));
  const auto first = static_cast<std::size_t>((field.word * 32 + field.pos) / 8);
  const auto count = static_cast<std::size_t>(field.bits / 8);
  Bytes out(count, 0);
  for (std::size_t i = 0; i < count && first + i < all.size(); ++i) out[i] = all[first + i];
  return out;
}

bool Efuses::block_readable(const BlockDef& block) const {
  if (block.read_disable_bit < 0) return true;
  return ((value("RD_DIS") >> block.read_disable_bit) & 1U) == 0;
}

bool Efuses::block_writeable(const BlockDef& block) const {
  if (block.write_disable_bit < 0) return true;
  return ((value("WR_DIS") >> block.write_disable_bit) & 1U) == 0;
}

bool Efuses::block_empty(const BlockDef& block) const {
  return bits::all_zero(words(block.index));
}

bool Efuses::readable(const FieldDef& field) const {
  if ((value("RD_DIS") & field.read_disable_mask) != 0) return false;
  return field.calculated() || block_readable(block(field.block));
}

bool Efuses::writeable(const FieldDef& field) const {
  if (field.write_disable_bit >= 0 && ((value("WR_DIS") >> field.write_disable_bit) & 1U) != 0) return false;
  return field.calculated() || block_writeable(block(field.block));
}

std::uint64_t Efuses::staged_value(const FieldDef& field) const {
  return bits::get_range(staged_.at(static_cast<std::size_t>(field.block)), field.word * 32 + field.pos, field.bits);
}

void Efuses::stage(const FieldDef& field, std::uint64_t value) {
  auto& words = staged_.at(static_cast<std::size_t>(field.block));
  const std::uint64_t merged = bits::get_range(words, field.word * 32 + field.pos, field.bits) | value;
  bits::set_range(words, field.word * 32 + field.pos, field.bits, merged);
}

void Efuses::stage_bytes(const FieldDef& field, ByteView data) {
  stage_block(block(field.block), data, static_cast<std::size_t>((field.word * 32 + field.pos) / 8));
}

void Efuses::stage_block(const BlockDef& target, ByteView data, std::size_t offset) {
  auto& words = staged_.at(static_cast<std::size_t>(target.index));
  Bytes current = bits::to_bytes(words);
  if (offset + data.size() > current.size()) {
    throw Error(ErrorKind::Input, fmt::format("{} bytes at offset {} do not fit {} ({} bytes)", data.size(), offset,
                                              target.name, current.size()));
  }
  for (std::size_t i = 0; i < data.size(); ++i) current[offset + i] |= data[i];
  words = bits::from_bytes(current);
}

bool Efuses::anything_staged() const {
  return std::any_of(staged_.begin(), staged_.end(), [](const auto& words) { return !bits::all_zero(words); });
}

void Efuses::check_staged(const BlockDef& block, std::vector<std::string>& notes) {
  auto& want = staged_[static_cast<std::size_t>(block.index)];
  if (bits::all_zero(want)) return;
  if (!block_writeable(block)) {
    throw Error(ErrorKind::Input, block.name + " is write-protected (WR_DIS bit " +
                                      std::to_string(block.write_disable_bit) + "): nothing can be burned into it");
  }
  const auto& have = words(block.index);
  if (bits::all_zero(have)) {
    notes.push_back(fmt::format("[{:02}] {:20} is empty, will burn the new value", block.index, block.name));
    return;
  }
  if (have == want || all_bits_set(have, want)) {
    notes.push_back(fmt::format("[{:02}] {:20} already holds these bits, nothing to burn", block.index, block.name));
    std::fill(want.begin(), want.end(), 0);
    return;
  }
  if (block.index == 0) {
    notes.push_back(fmt::format("[{:02}] {:20} is not empty, will burn the new bits", block.index, block.name));
    return;
  }
  if (chip_.coding == CodingFamily::ReedSolomon) {
    throw Error(ErrorKind::Input, "burn into " + block.name +
                                      " refused: it already holds data and the RS coding scheme does not allow adding to it");
  }
  if (coding_34_) {
    // Each 6-byte group carries its own check bytes: a written group may only be rewritten
    // with exactly what it holds.
    const Bytes h = bits::to_bytes(have);
    Bytes w = bits::to_bytes(want);
    for (std::size_t group = 0; group + 6 <= w.size(); group += 6) {
      const bool written = std::any_of(h.begin() + static_cast<long>(group), h.begin() + static_cast<long>(group + 6),
                                       [](std::uint8_t b) { return b != 0; });
      const bool wanted = std::any_of(w.begin() + static_cast<long>(group), w.begin() + static_cast<long>(group + 6),
                                      [](std::uint8_t b) { return b != 0; });
      if (!written || !wanted) continue;
      if (std::equal(h.begin() + static_cast<long>(group), h.begin() + static_cast<long>(group + 6),
                     w.begin() + static_cast<long>(group))) {
        std::fill(w.begin() + static_cast<long>(group), w.begin() + static_cast<long>(group + 6), 0);
      } else {
        throw Error(ErrorKind::Input, "burn into " + block.name +
                                          " refused: it already holds data and the 3/4 coding scheme does not allow changing it");
      }
    }
    want = bits::from_bytes(w);
  }
  notes.push_back(fmt::format("[{:02}] {:20} is not empty, will burn the new bits", block.index, block.name));
}

std::vector<std::uint32_t> Efuses::program_words(const BlockDef& block) const {
  const auto& want = staged_[static_cast<std::size_t>(block.index)];
  if (chip_.coding == CodingFamily::Esp32) {
    if (block.index != 0 && coding_34_) {
      const Bytes data = bits::to_bytes(want);
      const auto coded = encode_34(std::span<const std::uint8_t, 24>(data.data(), 24));
      return {coded.begin(), coded.end()};
    }
    return want;
  }
  std::vector<std::uint32_t> out = want;
  out.resize(format::kRsProgramWords, 0);
  if (block.index != 0) {
    const Bytes message = bits::to_bytes(out);
    const auto parity = rs_parity(std::span<const std::uint8_t, 32>(message.data(), 32));
    const auto parity_words = bits::from_bytes(parity);
    out.insert(out.end(), parity_words.begin(), parity_words.end());
  }
  return out;
}

void Efuses::esp32_read_cycle() {
  (void)port_.read(address(chip_.regs.cmd));  // idle
  port_.write(address(chip_.regs.conf), format::kConfRead);
  port_.write(address(chip_.regs.cmd), format::kCmdRead);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(250);
  while (port_.read(address(chip_.regs.cmd)) != 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error(ErrorKind::Device, "eFuse controller did not finish a read command within 250 ms");
    }
  }
}

void Efuses::esp32_program(const BlockDef& block, const std::vector<std::uint32_t>& program) {
  for (std::size_t i = 0; i < program.size(); ++i) {
    port_.write(address(block.write_offset + static_cast<std::uint32_t>(4 * i)), program[i]);
  }
  port_.update(address(chip_.regs.dac_conf), format::kEsp32DacClkDivMask, format::kEsp32DacClkDiv);
  port_.update(address(chip_.regs.clk), format::kEsp32ClkSel0Mask, format::kEsp32ClkSel0);
  port_.update(address(chip_.regs.clk), format::kEsp32ClkSel1Mask, format::kEsp32ClkSel1);
  port_.write(address(chip_.regs.conf), format::kConfProgram);
  port_.write(address(chip_.regs.cmd), format::kCmdProgram);
  esp32_read_cycle();
}

void Efuses::rs_wait_idle() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(250);
  for (;;) {
    // Read twice: after a read command the first answer can come from a stopped clock.
    if ((port_.read(address(chip_.regs.cmd)) & format::kCmdMask) == 0 &&
        (port_.read(address(chip_.regs.cmd)) & format::kCmdMask) == 0) {
      return;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error(ErrorKind::Device, "eFuse controller stayed busy for 250 ms");
    }
  }
}

void Efuses::rs_clear_program_registers() {
  rs_wait_idle();
  for (std::uint32_t i = 0; i < format::kRsProgramWords; ++i) port_.write(address(4 * i), 0);
}

void Efuses::rs_read_cycle() {
  rs_wait_idle();
  port_.write(address(chip_.regs.conf), format::kConfRead);
  port_.write(address(chip_.regs.cmd), format::kCmdRead, format::kRsReadDelayUs);
  rs_wait_idle();
}

void Efuses::rs_program(const BlockDef& block, const std::vector<std::uint32_t>& program) {
  port_.update(address(chip_.regs.dac_conf), format::kRsDacNumMask, format::kRsDacNum);
  port_.update(address(chip_.regs.dac_conf), format::kRsDacClkDivMask, format::kRsDacClkDiv);
  port_.update(address(chip_.regs.wr_tim_conf1), format::kRsPwrOnNumMask, format::kRsPwrOnNum);
  port_.update(address(chip_.regs.wr_tim_conf2), format::kRsPwrOffNumMask, format::kRsPwrOffNum);
  rs_clear_program_registers();
  rs_wait_idle();
  for (std::size_t i = 0; i < program.size(); ++i) port_.write(address(static_cast<std::uint32_t>(4 * i)), program[i]);
  rs_wait_idle();
  port_.write(address(chip_.regs.conf), format::kConfProgram);
  port_.write(address(chip_.regs.cmd), format::kCmdProgram | (static_cast<std::uint32_t>(block.index) << 2));
  rs_wait_idle();
  rs_clear_program_registers();
  rs_read_cycle();
}

void Efuses::program_cycle(const BlockDef& block, const std::vector<std::uint32_t>& program) {
  if (chip_.coding == CodingFamily::Esp32) {
    esp32_program(block, program);
  } else {
    rs_program(block, program);
  }
}

std::vector<bool> Efuses::read_rs_errors() {
  // In espefuse's order: block 0's repeat-error words, then each block's fail and count bits.
  std::vector<bool> failed(chip_.blocks.size(), false);
  bool block0 = false;
  for (std::uint32_t i = 0; i < 5; ++i) block0 |= port_.read(address(chip_.regs.rd_repeat_err0 + 4 * i)) != 0;
  failed[0] = block0;
  std::uint32_t cached_reg = 0;
  std::uint32_t cached_value = 0;
  for (std::size_t b = 1; b < chip_.blocks.size() && b < chip_.block_errors.size(); ++b) {
    const BlockErrorBits& bits = chip_.block_errors[b];
    bool fail = false;
    unsigned count = 0;
    if (chip_.error_registers_read_once) {
      if (bits.fail_bit < 0 || bits.count_shift < 0) continue;
      if (bits.count_reg != cached_reg) {
        cached_reg = bits.count_reg;
        cached_value = port_.read(address(cached_reg));
      }
      fail = ((cached_value >> bits.fail_bit) & 1U) != 0;
      count = (cached_value >> bits.count_shift) & 0x7U;
    } else {
      if (bits.fail_bit >= 0) fail = ((port_.read(address(bits.fail_reg)) >> bits.fail_bit) & 1U) != 0;
      if (bits.count_shift >= 0) count = (port_.read(address(bits.count_reg)) >> bits.count_shift) & 0x7U;
    }
    failed[b] = fail || count != 0;
  }
  return failed;
}

bool Efuses::coding_errors(const BlockDef& block) {
  if (chip_.coding == CodingFamily::Esp32) {
    const std::uint32_t status = port_.read(address(chip_.regs.dec_status)) & format::kEsp32DecStatusMask;
    return block.index != 0 && status != 0;
  }
  return read_rs_errors().at(static_cast<std::size_t>(block.index));
}

void Efuses::burn_block(const BlockDef& block, std::vector<std::string>& notes) {
  auto& want = staged_[static_cast<std::size_t>(block.index)];
  if (bits::all_zero(want)) return;
  const auto before = words(block.index);
  const auto program = program_words(block);
  for (int attempt = 0; attempt < format::kBurnAttempts; ++attempt) {
    program_cycle(block, program);
    bool failed = coding_errors(block);
    for (int i = 0; i < format::kExtraReads && !failed; ++i) {
      if (chip_.coding == CodingFamily::Esp32) {
        esp32_read_cycle();
      } else {
        rs_read_cycle();
      }
      failed = coding_errors(block);
    }
    if (failed) {
      notes.push_back(fmt::format("Coding errors in BLOCK{} after burning, burning it again (#{})", block.index, attempt + 1));
      continue;
    }
    read_[static_cast<std::size_t>(block.index)] = read_block(block);
    if (all_bits_set(words(block.index), want)) break;
    if (attempt + 1 < format::kBurnAttempts) {
      notes.push_back(fmt::format("Repeat burning BLOCK{} (#{}) because not all bits were set", block.index, attempt + 2));
    }
  }
  read_[static_cast<std::size_t>(block.index)] = read_block(block);
  const auto& have = words(block.index);
  if (!block_readable(block)) {
    notes.push_back(block.name + " is read-protected: read back is not possible");
  } else if (have == want) {
    notes.push_back(fmt::format("BURN BLOCK{:<2d} - OK (write block == read block)", block.index));
  } else if (all_bits_set(have, want) && all_bits_set(have, before)) {
    notes.push_back(fmt::format("BURN BLOCK{:<2d} - OK (all write block bits are set)", block.index));
  } else if (block.index != 0) {
    throw Error(ErrorKind::Mismatch, "burn of " + block.name + " was not successful: the bits read back differ");
  }
  std::fill(want.begin(), want.end(), 0);
}

void Efuses::burn(std::vector<std::string>& notes) {
  for (const auto& block : chip_.blocks) check_staged(block, notes);
  if (!anything_staged()) {
    notes.push_back("Nothing to burn.");
    return;
  }
  for (auto it = chip_.blocks.rbegin(); it != chip_.blocks.rend(); ++it) {
    const BlockDef& block = *it;
    if (block.index != 0) {
      burn_block(block, notes);
      continue;
    }
    // Protections and lock-out fields go in a second block-0 cycle, so a failure in the first
    // leaves the chip writable and reachable.
    std::vector<std::pair<const FieldDef*, std::uint64_t>> postponed;
    auto& want = staged_[0];
    for (const auto& name : chip_.postponed_fields) {
      const FieldDef* field = chip_.find_field(name);
      if (field == nullptr) continue;
      const std::uint64_t v = staged_value(*field);
      if (v == 0) continue;
      postponed.emplace_back(field, v);
      bits::set_range(want, field->word * 32 + field->pos, field->bits, 0);
    }
    burn_block(block, notes);
    if (!postponed.empty()) {
      notes.push_back("Burn postponed eFuses from BLOCK0.");
      for (const auto& [field, v] : postponed) stage(*field, v);
      burn_block(block, notes);
    }
  }
  refresh();
}

}  // namespace fwprov::efuse
