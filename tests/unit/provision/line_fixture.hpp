#pragma once
// What the provision unit tests share: an in-memory device, a clock that ticks 1 ms per
// reading, and a station folder with a fresh factory CA.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fwprov/core/error.hpp"
#include "fwprov/efuse/controller_model.hpp"
#include "fwprov/efuse/efuses.hpp"
#include "fwprov/efuse/virtual_port.hpp"
#include "fwprov/provision/pipeline.hpp"

namespace provision_test {

using namespace fwprov;
using namespace fwprov::provision;
namespace fs = std::filesystem;

class MemoryDevice final : public DeviceLink {
 public:
  MemoryDevice(std::string mac, Bytes& flash) : flash_(flash) { identity_ = {"esp32", "ESP32-D0WD-V3 (revision v3.0)", std::move(mac), 4u << 20, 3, 0}; }
  const ChipIdentity& connect() override {
    ++connects;
    return identity_;
  }
  RegionWrite write(const Region& region, const ProgressFn&) override {
    if (fail_at_write && writes == *fail_at_write) throw Error(ErrorKind::Device, "no reply to FLASH_DEFL_DATA (link down)");
    ++writes;
    std::copy(region.bytes.begin(), region.bytes.end(), flash_.begin() + region.offset);
    return {true, "md5"};
  }
  Bytes read(std::uint32_t offset, std::uint32_t size) override { return Bytes(flash_.begin() + offset, flash_.begin() + offset + size); }
  void finish() override { ++resets; }
  std::string describe() const override { return "memory"; }
  // A blank eFuse controller of the recipe's chip (fwprov_efuse's model, as fwprov-sim has it).
  efuse::RegisterPort& efuse_port(const efuse::ChipTable& chip) override {
    if (!fuses) fuses.emplace(chip);
    port.emplace(*fuses, efuse::VirtualPort::UpdateStyle::ReadModifyWrite);
    return *port;
  }

  ChipIdentity identity_;
  std::optional<efuse::ControllerModel> fuses;
  std::optional<efuse::VirtualPort> port;
  Bytes& flash_;
  int connects = 0, writes = 0, resets = 0;
  std::optional<int> fail_at_write;
};

// Thread-safe: the station workers share one clock.
class FixedClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(++ticks));
  }
  std::atomic<std::int64_t> ticks{0};
};

// A station folder of its own per test case (ctest runs the cases in parallel).
inline fs::path make_line(const std::string& name) {
  fs::path dir = fs::path(FWPROV_TEST_TMP_DIR) / ("provision-line-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir / "ca");
  fs::path golden = FWPROV_GOLDEN_DIR;
  fs::copy_file(golden / "image/bootloader_sha/image.bin", dir / "bootloader.bin");
  fs::copy_file(golden / "image/app_esp32/image.bin", dir / "firmware.bin");
  std::ofstream(dir / "partitions.csv") << "nvs,data,nvs,0x10000,0x6000\notadata,data,ota,0x16000,0x2000\nphy_init,data,phy,0x18000,0x1000\n"
                                           "ota_0,0,ota_0,0x20000,1500K\nota_1,0,ota_1,,1500K\nstorage,data,nvs,,0x10000\n";
  std::ofstream(dir / "storage.csv") << "key,type,encoding,value\ncreds,namespace,,\nP11_Cert,file,binary,{device_cert}\n"
                                        "P11_Key,file,binary,{device_key}\nP11_CSK,file,binary,{csk}\nserial,data,string,{serial}\n";
  std::string command = "cd '" + dir.string() +
                        "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca/ca.key.pem -out ca/ca.crt.pem "
                        "-subj '/CN=Test Factory CA' -days 30 -addext basicConstraints=critical,CA:TRUE 2>/dev/null && cp ca/ca.crt.pem csk.crt.pem";
  REQUIRE(std::system(command.c_str()) == 0);
  std::ofstream(dir / "recipe.toml") << R"([device]
chip = "esp32"
flash_mode = "dio"
flash_freq = "40m"
flash_size = "4MB"
[partitions]
table = "partitions.csv"
[images]
bootloader = "bootloader.bin"
otadata = "initial"
ota_0 = "firmware.bin"
[identity]
serial = "ACME-{seq:06}"
[credentials]
mode = "issue"
subject = "CN={serial},O=Acme"
ca_cert = "ca/ca.crt.pem"
ca_key = "ca/ca.key.pem"
[files]
csk = "csk.crt.pem"
[storage]
csv = "storage.csv"
)";
  return dir;
}

}  // namespace provision_test
