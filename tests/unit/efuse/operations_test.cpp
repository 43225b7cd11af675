// Staging rules on a blank virtual chip: what is refused and what is staged.
#include <catch2/catch.hpp>

#include "fwprov/core/error.hpp"
#include "fwprov/efuse/controller_model.hpp"
#include "fwprov/efuse/efuses.hpp"
#include "fwprov/efuse/operations.hpp"
#include "fwprov/efuse/virtual_port.hpp"

using namespace fwprov::efuse;

namespace {

struct Chip {
  explicit Chip(const char* name) : model(chip_table(name)), port(model), efuses(model.chip(), port) {}
  ControllerModel model;
  VirtualPort port;
  Efuses efuses;
};

fwprov::ErrorKind kind_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const fwprov::Error& error) {
    return error.kind();
  }
  return fwprov::ErrorKind::Internal;
}

}  // namespace

TEST_CASE("CRC-8 of a MAC (fact sheet example)") {
  const std::uint8_t mac[] = {0x60, 0x55, 0xF9, 0xAB, 0xCD, 0x01};
  CHECK(mac_crc8(mac) == 0x32);
}

TEST_CASE("burning twice is refused and the second request stages nothing") {
  Chip chip("esp32c3");
  Notes notes;
  stage_burn_efuse(chip.efuses, {{"SPI_BOOT_CRYPT_CNT", "1"}}, notes);
  chip.efuses.burn(notes);
  CHECK(chip.efuses.value("SPI_BOOT_CRYPT_CNT") == 1);
  CHECK(kind_of([&] { stage_burn_efuse(chip.efuses, {{"SPI_BOOT_CRYPT_CNT", "1"}}, notes); }) == fwprov::ErrorKind::Input);
  CHECK_FALSE(chip.efuses.anything_staged());
}

TEST_CASE("unknown names, wrong key sizes and used key blocks are refused") {
  Chip chip("esp32c3");
  Notes notes;
  CHECK(kind_of([&] { stage_burn_efuse(chip.efuses, {{"NO_SUCH_FUSE", "1"}}, notes); }) == fwprov::ErrorKind::Input);
  CHECK(kind_of([&] { stage_burn_key(chip.efuses, {{"BLOCK_KEY0", fwprov::Bytes(16, 1), "XTS_AES_128_KEY", "k"}}, {}, notes); }) ==
        fwprov::ErrorKind::Input);
  CHECK(kind_of([&] { stage_burn_key(chip.efuses, {{"BLOCK_KEY5", fwprov::Bytes(32, 1), "XTS_AES_128_KEY", "k"}}, {}, notes); }) ==
        fwprov::ErrorKind::Input);  // KEY_PURPOSE_5 erratum
  CHECK(kind_of([&] { stage_burn_key(chip.efuses, {{"BLOCK_KEY0", fwprov::Bytes(32, 1), "NOT_A_PURPOSE", "k"}}, {}, notes); }) ==
        fwprov::ErrorKind::Input);
  CHECK_FALSE(chip.efuses.anything_staged());

  stage_burn_key(chip.efuses, {{"BLOCK_KEY0", fwprov::Bytes(32, 7), "HMAC_UP", "k"}}, {}, notes);
  chip.efuses.burn(notes);
  CHECK_FALSE(chip.efuses.block_readable(*chip.efuses.chip().find_block("BLOCK_KEY0")));
  CHECK(kind_of([&] { stage_burn_key(chip.efuses, {{"BLOCK_KEY0", fwprov::Bytes(32, 9), "HMAC_UP", "k"}}, {}, notes); }) ==
        fwprov::ErrorKind::Input);
}

TEST_CASE("a burn that needs a bit cleared is refused") {
  Chip chip("esp32");
  Notes notes;
  stage_burn_efuse(chip.efuses, {{"FLASH_CRYPT_CONFIG", "0x3"}}, notes);
  chip.efuses.burn(notes);
  CHECK(kind_of([&] { stage_burn_efuse(chip.efuses, {{"FLASH_CRYPT_CONFIG", "0x4"}}, notes); }) == fwprov::ErrorKind::Input);
  stage_burn_efuse(chip.efuses, {{"FLASH_CRYPT_CONFIG", "0xF"}}, notes);  // only adds bits
  chip.efuses.burn(notes);
  CHECK(chip.efuses.value("FLASH_CRYPT_CONFIG") == 0xF);
}

TEST_CASE("the virtual file is the byte-reversed register window") {
  ControllerModel model(chip_table("esp32"));
  model.set_reg(0x000, 0x00010080);
  const auto image = model.image();
  REQUIRE(image.size() == 0x120);
  CHECK(image[0x120 - 4] == 0x00);
  CHECK(image[0x120 - 3] == 0x01);
  CHECK(image[0x120 - 2] == 0x00);
  CHECK(image[0x120 - 1] == 0x80);
  ControllerModel back(chip_table("esp32"));
  back.load_image(image, "x");
  CHECK(back.reg(0) == 0x00010080);
  CHECK(kind_of([&] { back.load_image(fwprov::Bytes(100), "short.bin"); }) == fwprov::ErrorKind::Input);
}
