// The whole per-device pipeline against an in-memory device: what lands in its flash, what the
// storage partition decodes to, what the ledger says, and what happens when the link dies.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/efuse/controller_model.hpp"
#include "fwprov/efuse/efuses.hpp"
#include "fwprov/efuse/virtual_port.hpp"
#include "fwprov/nvs/reader.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/provision/ledger_sqlite.hpp"
#include "ledger_backends.hpp"
#include "fwprov/provision/pipeline.hpp"
#include "fwprov/provision/station.hpp"
#include "fwprov/sign/certificates.hpp"
#include "fwprov/sign/key.hpp"
#include "line_fixture.hpp"

using namespace fwprov;
using namespace fwprov::provision;
namespace fs = std::filesystem;
using namespace provision_test;

namespace {

const nvs::Item* item(const nvs::DecodedImage& image, const std::string& key) {
  for (const auto& i : image.items)
    if (i.key == key) return &i;
  return nullptr;
}

}  // namespace

TEST_CASE("one device end to end in memory (every ledger back end)") {
  fs::path dir = make_line("one");
  PrepareOptions prepare;
  prepare.load_stub = false;
  Recipe recipe = load_recipe(dir / "recipe.toml");
  recipe.device.read_back = true;
  RunPlan plan = prepare_run(std::move(recipe), prepare);
  auto backend = GENERATE(from_range(ledger_test::backends()));
  INFO("ledger back end: " << backend);
  auto ledger = ledger_test::fresh_ledger(backend);
  Bytes flash(4u << 20, 0xFF);
  MemoryDevice device("24:0a:c4:00:00:01", flash);
  FixedClock clock;
  std::vector<std::string> steps;
  PipelineHooks hooks;
  hooks.on_step = [&](const std::string& step, const std::string&) { steps.push_back(step); };
  DeviceReport report = provision_device(plan, device, *ledger, clock, {}, hooks);
  INFO((report.error ? report.error->message() : ""));
  REQUIRE(report.ok);
  CHECK(report.serial == "ACME-000001");
  CHECK(steps.front() == "connect");
  CHECK(std::find(steps.begin(), steps.end(), "verify") != steps.end());
  CHECK(steps.back() == "ledger");
  CHECK(device.resets == 1);
  REQUIRE(report.regions.size() == 5);  // bootloader, table, otadata, ota_0, storage

  fs::path golden = FWPROV_GOLDEN_DIR;
  Bytes boot = read_file(golden / "image/bootloader_sha/write_flash_0x1000_dio_40m_4MB.bin");
  CHECK(Bytes(flash.begin() + 0x1000, flash.begin() + 0x1000 + boot.size()) == boot);
  Bytes app = read_file(dir / "firmware.bin");
  CHECK(Bytes(flash.begin() + 0x20000, flash.begin() + 0x20000 + app.size()) == app);
  CHECK(std::all_of(flash.begin() + 0x16000, flash.begin() + 0x18000, [](std::uint8_t b) { return b == 0xFF; }));
  CHECK(flash[0x8000] == 0xAA);

  Bytes storage(flash.begin() + 0x317000, flash.begin() + 0x327000);
  auto decoded = nvs::read_image(storage);
  CHECK(nvs::check_image(decoded).empty());
  const nvs::Item* cert = item(decoded, "P11_Cert");
  const nvs::Item* key = item(decoded, "P11_Key");
  const nvs::Item* csk = item(decoded, "P11_CSK");
  const nvs::Item* serial = item(decoded, "serial");
  REQUIRE(cert);
  REQUIRE(key);
  REQUIRE(csk);
  REQUIRE(serial);
  CHECK(std::string(serial->data.begin(), serial->data.end()) == std::string("ACME-000001\0", 12));
  CHECK(to_hex(sha256(cert->data)) == report.certificate_sha256);
  auto certificate = pki::load_certificates(cert->data, "P11_Cert");
  auto private_key = pki::load_private_key(key->data, "P11_Key");
  sign::require_certificate_matches_key(private_key.get(), certificate[0].get(), "P11_Key", "P11_Cert");
  CHECK(csk->data == sign::certificate_der(pki::load_certificate_file(dir / "csk.crt.pem").get()));

  auto detail = ledger->show_device("ACME-000001");
  REQUIRE(detail);
  CHECK(detail->device.status == "ok");
  CHECK(detail->certificates.at(0).state == "delivered");
  CHECK(detail->attempts.at(0).regions.size() == 5);
}

TEST_CASE("a link failure mid-device names the step, keeps the serial and records the failure (every ledger back end)") {
  fs::path dir = make_line("linkfail");
  PrepareOptions prepare;
  prepare.load_stub = false;
  RunPlan plan = prepare_run(load_recipe(dir / "recipe.toml"), prepare);
  auto backend = GENERATE(from_range(ledger_test::backends()));
  INFO("ledger back end: " << backend);
  auto ledger = ledger_test::fresh_ledger(backend);
  Bytes flash(4u << 20, 0xFF);
  FixedClock clock;
  MemoryDevice device("24:0a:c4:00:00:01", flash);
  device.fail_at_write = 3;  // bootloader, table, otadata written; ota_0 fails
  DeviceReport report = provision_device(plan, device, *ledger, clock, {}, {});
  REQUIRE_FALSE(report.ok);
  CHECK(report.failed_step == "write ota_0");
  CHECK(report.error->kind() == ErrorKind::Device);
  CHECK_THAT(report.error->message(), Catch::Contains("bootloader, partition-table, otadata"));
  CHECK(report.to_json()["error"]["exit_code"] == 6);
  auto detail = ledger->show_device("24:0a:c4:00:00:01");
  CHECK(detail->device.status == "failed");
  CHECK(detail->attempts.at(0).failed_step == "write ota_0");

  MemoryDevice retry("24:0a:c4:00:00:01", flash);
  DeviceReport second = provision_device(plan, retry, *ledger, clock, {}, {});
  REQUIRE(second.ok);
  CHECK(second.serial == "ACME-000001");
  detail = ledger->show_device("ACME-000001");
  CHECK(detail->attempts.size() == 2);
  REQUIRE(detail->certificates.size() == 2);
  CHECK(detail->certificates[0].state == "superseded");
  CHECK(detail->certificates[1].state == "delivered");
}

TEST_CASE("a device that is not what the recipe says is refused before the ledger (every ledger back end)") {
  fs::path dir = make_line("mismatch");
  PrepareOptions prepare;
  prepare.load_stub = false;
  RunPlan plan = prepare_run(load_recipe(dir / "recipe.toml"), prepare);
  auto backend = GENERATE(from_range(ledger_test::backends()));
  INFO("ledger back end: " << backend);
  auto ledger = ledger_test::fresh_ledger(backend);
  Bytes flash(4u << 20, 0xFF);
  FixedClock clock;
  MemoryDevice device("24:0a:c4:00:00:01", flash);
  device.identity_.flash_size = 2u << 20;
  DeviceReport report = provision_device(plan, device, *ledger, clock, {}, {});
  CHECK_FALSE(report.ok);
  CHECK(report.failed_step == "connect");
  CHECK(device.writes == 0);
  CHECK(ledger->list_devices().empty());
}

TEST_CASE("a chip revision the images or secure boot v2 do not admit is refused before the ledger") {
  fs::path dir = make_line("revision");
  // The app needs revision v3.0 or later (the full range in its extended header, bytes 15-18).
  Bytes app = read_file(dir / "firmware.bin");
  app[15] = 300 & 0xFF;
  app[16] = 300 >> 8;
  app[17] = app[18] = 0xFF;
  write_file_atomic(dir / "firmware.bin", app);
  PrepareOptions prepare;
  prepare.load_stub = false;
  RunPlan plan = prepare_run(load_recipe(dir / "recipe.toml"), prepare);
  auto ledger = open_sqlite_ledger(":memory:");
  Bytes flash(4u << 20, 0xFF);
  FixedClock clock;
  MemoryDevice device("24:0a:c4:00:00:03", flash);
  device.identity_.major_revision = 1;
  DeviceReport report = provision_device(plan, device, *ledger, clock, {}, {});
  REQUIRE(report.error);
  CHECK(report.error->kind() == ErrorKind::Device);
  CHECK(report.error->message().find("firmware.bin: requires chip revision in range [v3.0 - max rev not set] (this chip is revision v1.0)") !=
        std::string::npos);
  CHECK(report.failed_step == "connect");
  CHECK(device.writes == 0);
  CHECK(ledger->list_devices().empty());
  device.identity_.major_revision = 3;
  CHECK(provision_device(plan, device, *ledger, clock, {}, {}).ok);

  // Secure boot v2 on an ESP32 older than v3.0 (its ROM has v1 only): refused, nothing burned.
  fs::path sb = make_line("revision-sbv2");
  REQUIRE(std::system(("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out '" + (sb / "sbv2.key.pem").string() +
                       "' 2>/dev/null").c_str()) == 0);
  std::ofstream(sb / "recipe.toml", std::ios::app) << "[security]\nflash_encryption = \"per-device\"\nsecure_boot_key = \"sbv2.key.pem\"\n";
  RunPlan secure = prepare_run(load_recipe(sb / "recipe.toml"), prepare);
  Bytes flash2(4u << 20, 0xFF);
  MemoryDevice old_chip("24:0a:c4:00:00:04", flash2);
  old_chip.identity_.major_revision = 1;
  old_chip.identity_.minor_revision = 1;
  DeviceReport refused = provision_device(secure, old_chip, *ledger, clock, {}, {});
  REQUIRE(refused.error);
  CHECK(refused.error->kind() == ErrorKind::Device);
  CHECK(refused.error->message().find("secure boot v2 needs an ESP32 of revision v3.0 or later (this chip is revision v1.1)") !=
        std::string::npos);
  CHECK(old_chip.writes == 0);
  CHECK(!old_chip.fuses);  // the eFuse controller was never even opened
}

TEST_CASE("the station loop waits for a new MAC and hands out serials in order") {
  fs::path dir = make_line("station");
  PrepareOptions prepare;
  prepare.load_stub = false;
  RunPlan plan = prepare_run(load_recipe(dir / "recipe.toml"), prepare);
  auto backend = GENERATE(from_range(ledger_test::backends()));
  INFO("ledger back end: " << backend);
  std::string location = ledger_test::fresh_location(backend);  // several connections see one ledger
  Bytes flash(4u << 20, 0xFF);
  FixedClock clock;
  // The fixture: each device still answers twice after it is done before the next is plugged in.
  std::vector<std::string> answers{"24:0a:c4:00:00:01", "24:0a:c4:00:00:01", "24:0a:c4:00:00:01", "24:0a:c4:00:00:02",
                                   "24:0a:c4:00:00:02", "24:0a:c4:00:00:02", "24:0a:c4:00:00:03"};
  std::size_t opened = 0;
  int waits = 0;
  StationSetup station;
  station.ports = {"fixture"};
  station.count = 3;
  station.open_link = [&](const std::string&) -> std::unique_ptr<DeviceLink> { return std::make_unique<MemoryDevice>(answers.at(opened++), flash); };
  station.open_ledger = [&] { return open_ledger(location); };
  station.wait = [&](std::size_t, std::chrono::milliseconds) { ++waits; };
  StationResult result = run_station(plan, clock, {}, station, {});
  REQUIRE(result.ports.size() == 1);
  const auto& devices = result.ports[0].attempts;
  REQUIRE(devices.size() == 3);
  CHECK(devices[0].serial == "ACME-000001");
  CHECK(devices[1].serial == "ACME-000002");
  CHECK(devices[2].serial == "ACME-000003");
  CHECK(devices[2].identity.mac == "24:0a:c4:00:00:03");
  CHECK(waits == 4);
  CHECK(result.ok() == 3);
  CHECK_FALSE(result.first_failure);
  CHECK(open_ledger(location)->list_devices().size() == 3);
}

TEST_CASE("prepare refuses bad plans before any device") {
  fs::path dir = make_line("prepare");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = read_text_file(dir / "recipe.toml");
    text.replace(text.find(from), from.size(), to);
    std::ofstream(dir / "bad.toml") << text;
    PrepareOptions prepare;
    prepare.load_stub = false;
    try {
      prepare_run(load_recipe(dir / "bad.toml"), prepare);
    } catch (const Error& error) {
      return error;
    }
    FAIL("no error");
    throw;
  };
  Error missing_partition = with("ota_0 = \"firmware.bin\"", "ota_7 = \"firmware.bin\"");
  CHECK(missing_partition.kind() == ErrorKind::Input);
  CHECK(missing_partition.where().field == "images.ota_7");
  CHECK_THAT(missing_partition.message(), Catch::Contains("no partition named 'ota_7'"));
  Error too_big = with("otadata = \"initial\"", "otadata = \"firmware.bin\"");
  CHECK(too_big.kind() == ErrorKind::Input);
  CHECK_THAT(too_big.message(), Catch::Contains("larger than otadata"));
  Error missing_file = with("firmware.bin", "nope.bin");
  CHECK(missing_file.kind() == ErrorKind::Io);
  CHECK(missing_file.where().field == "images.ota_0");
  CHECK(missing_file.where().file == (dir / "bad.toml").string());
  std::ofstream(dir / "storage.csv", std::ios::app) << "lot,data,string,{lot}\n";
  Error placeholder = with("csk", "csk");
  CHECK(placeholder.kind() == ErrorKind::Input);
  CHECK_THAT(placeholder.message(), Catch::Contains("{lot}"));
}

TEST_CASE("mode files and a per-device values CSV matched by MAC") {
  fs::path dir = make_line("files");
  fs::create_directories(dir / "certs/ACME-000001");
  std::string command = "cd '" + dir.string() +
                        "/certs/ACME-000001' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout privatekey.pem "
                        "-out cert.pem -subj '/CN=aws-issued' -days 30 2>/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  std::string recipe = read_text_file(dir / "recipe.toml");
  recipe = recipe.substr(0, recipe.find("[credentials]")) +
           "[credentials]\nmode = \"files\"\nfolder = \"certs/{serial}/\"\n[files]\ncsk = \"csk.crt.pem\"\n"
           "[storage]\ncsv = \"storage.csv\"\nvalues = \"devices.csv\"\nmatch = \"mac\"\n";
  std::ofstream(dir / "files.toml") << recipe;
  std::ofstream(dir / "storage.csv", std::ios::app) << "lot,data,string,{lot}\nregion,data,u8,{region}\n";
  std::ofstream(dir / "devices.csv") << "mac,lot,region\n24:0A:C4:00:00:09,L-77,3\n24:0a:c4:00:00:01,L-42,7\n";
  PrepareOptions prepare;
  prepare.load_stub = false;
  RunPlan plan = prepare_run(load_recipe(dir / "files.toml"), prepare);
  auto backend = GENERATE(from_range(ledger_test::backends()));
  INFO("ledger back end: " << backend);
  auto ledger = ledger_test::fresh_ledger(backend);
  Bytes flash(4u << 20, 0xFF);
  FixedClock clock;
  MemoryDevice device("24:0a:c4:00:00:01", flash);
  DeviceReport report = provision_device(plan, device, *ledger, clock, {}, {});
  INFO((report.error ? report.error->message() : ""));
  REQUIRE(report.ok);
  Bytes storage(flash.begin() + 0x317000, flash.begin() + 0x327000);
  auto decoded = nvs::read_image(storage);
  REQUIRE(item(decoded, "lot"));
  CHECK(std::string(item(decoded, "lot")->data.begin(), item(decoded, "lot")->data.end()) == std::string("L-42\0", 5));
  REQUIRE(item(decoded, "region"));
  CHECK(item(decoded, "region")->integer_bits == 7);
  Bytes cert_der = sign::certificate_der(pki::load_certificate_file(dir / "certs/ACME-000001/cert.pem").get());
  CHECK(item(decoded, "P11_Cert")->data == cert_der);
  CHECK(report.certificate_sha256 == to_hex(sha256(cert_der)));
  // the same device again (--reprovision) with the same files: the same certificate, still delivered
  PipelineOptions again;
  again.reprovision = true;
  MemoryDevice retry("24:0a:c4:00:00:01", flash);
  REQUIRE(provision_device(plan, retry, *ledger, clock, again, {}).ok);
  auto detail = ledger->show_device("ACME-000001");
  REQUIRE(detail->certificates.size() == 1);
  CHECK(detail->certificates[0].state == "delivered");

  // a device whose certificate folder is missing fails at the credentials step, the file named
  MemoryDevice stranger("24:0a:c4:00:00:02", flash);
  DeviceReport no_files = provision_device(plan, stranger, *ledger, clock, {}, {});
  CHECK(no_files.failed_step == "credentials");
  CHECK_THAT(no_files.error->message(), Catch::Contains("certs/ACME-000002/cert.pem"));
  // another device's certificate is refused
  fs::copy(dir / "certs/ACME-000001", dir / "certs/ACME-000002");
  DeviceReport shared = provision_device(plan, stranger, *ledger, clock, {}, {});
  CHECK(shared.failed_step == "credentials");
  CHECK_THAT(shared.error->message(), Catch::Contains("already belongs to device ACME-000001"));
  // ... and one with no row in the values file fails at the nvs step
  command = "cd '" + dir.string() +
            "/certs/ACME-000002' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout privatekey.pem "
            "-out cert.pem -subj '/CN=aws-issued-2' -days 30 2>/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  DeviceReport missing = provision_device(plan, stranger, *ledger, clock, {}, {});
  CHECK(missing.failed_step == "nvs");
  CHECK(missing.serial == "ACME-000002");
  CHECK_FALSE(missing.ok);
  CHECK(missing.error->kind() == ErrorKind::Input);
  CHECK_THAT(missing.error->message(), Catch::Contains("no row for mac 24:0a:c4:00:00:02"));
}

TEST_CASE("[security] on an in-memory ESP32: images encrypted, key burned read-protected, the ledger keeps its hash") {
  fs::path dir = make_line("security");
  std::ofstream(dir / "recipe.toml", std::ios::app) << "[security]\nflash_encryption = \"per-device\"\nmode = \"development\"\n";
  PrepareOptions prepare;
  prepare.load_stub = false;
  RunPlan plan = prepare_run(load_recipe(dir / "recipe.toml"), prepare);
  auto ledger = open_sqlite_ledger(":memory:");
  Bytes flash(4u << 20, 0xFF);
  MemoryDevice device("24:0a:c4:00:00:02", flash);
  FixedClock clock;
  DeviceReport report = provision_device(plan, device, *ledger, clock, {}, {});
  INFO((report.error ? report.error->message() : ""));
  REQUIRE(report.ok);
  const auto& fe = report.security.at("flash_encryption");
  CHECK(fe.at("scheme") == "ESP32 AES-256");
  CHECK(fe.at("mode") == "development");
  CHECK(report.security.at("burned") == true);
  // The app in flash is not the plain file: it went out encrypted.
  Bytes app = read_file(dir / "firmware.bin");
  CHECK(!std::equal(app.begin(), app.begin() + 64, flash.begin() + 0x20000));
  // The chip: FLASH_CRYPT_CNT = 1 (development), BLOCK1 read-protected (reads as zeros).
  efuse::VirtualPort port(*device.fuses, efuse::VirtualPort::UpdateStyle::ReadModifyWrite);
  efuse::Efuses fuses(device.fuses->chip(), port);
  CHECK(fuses.value("FLASH_CRYPT_CNT") == 1);
  CHECK(fuses.value("FLASH_CRYPT_CONFIG") == 0xF);
  CHECK(!fuses.block_readable(fuses.block(1)));
  auto detail = ledger->show_device("24:0a:c4:00:00:02");
  REQUIRE(detail);
  CHECK(detail->attempts.back().security.at("flash_encryption").at("key_sha256") == fe.at("key_sha256"));
  // A second run on the same chip is refused before anything is written.
  Bytes before = flash;
  PipelineOptions again;
  again.reprovision = true;
  DeviceReport second = provision_device(plan, device, *ledger, clock, again, {});
  CHECK(!second.ok);
  CHECK(second.failed_step == "security");
  CHECK(flash == before);
}
