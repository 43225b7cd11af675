// The multi-port station run: workers on several ports against one ledger file (each its own
// connection), the shared countdown, fault isolation, retries, stop; and serial allocation
// from concurrent ledger connections.
#include <catch2/catch.hpp>

#include <fmt/core.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "fwprov/provision/ledger_sqlite.hpp"
#include "fwprov/provision/station.hpp"
#include "line_fixture.hpp"

using namespace provision_test;

namespace {

// One port's fixture: a board with a MAC; once a board is provisioned (reset into its
// application) the operator swaps in the next one (MAC + 1), like fwprov-sim's
// --next-device-on-disconnect. Each port is touched by its own worker only.
struct Fixture {
  std::string prefix;  // "24:0a:c4:01:00:"
  int board = 1;
  Bytes flash = Bytes(4u << 20, 0xFF);
  std::map<std::string, int> fail_writes;  // MAC -> how many more attempts fail at ota_0
  bool silent = false;                     // nothing answers (an unplugged fixture)
  int opened = 0;
  std::string mac() const { return prefix + (board < 16 ? "0" : "") + fmt::format("{:x}", board); }
};

class FixtureDevice final : public DeviceLink {
 public:
  explicit FixtureDevice(Fixture& fixture) : fixture_(fixture) { identity_ = {"esp32", "ESP32-D0WD-V3 (revision v3.0)", fixture.mac(), 4u << 20}; }
  const ChipIdentity& connect() override {
    if (fixture_.silent) throw Error(ErrorKind::Device, "no reply to SYNC");
    return identity_;
  }
  RegionWrite write(const Region& region, const ProgressFn&) override {
    auto failing = fixture_.fail_writes.find(identity_.mac);
    if (region.target == "ota_0" && failing != fixture_.fail_writes.end() && failing->second > 0) {
      --failing->second;
      throw Error(ErrorKind::Device, "no reply to FLASH_DEFL_DATA (link down)");
    }
    std::copy(region.bytes.begin(), region.bytes.end(), fixture_.flash.begin() + region.offset);
    return {true, "md5"};
  }
  Bytes read(std::uint32_t offset, std::uint32_t size) override {
    return Bytes(fixture_.flash.begin() + offset, fixture_.flash.begin() + offset + size);
  }
  void finish() override { ++fixture_.board; }  // provisioned: the next board goes in
  std::string describe() const override { return fixture_.prefix; }
  // The station tests' recipes have no [security]: a call would be a pipeline defect.
  fwprov::efuse::RegisterPort& efuse_port(const fwprov::efuse::ChipTable&) override {
    throw fwprov::Error(fwprov::ErrorKind::Internal, "the station fixture has no eFuses");
  }

 private:
  Fixture& fixture_;
  ChipIdentity identity_;
};

struct Station {
  RunPlan plan;
  fs::path db;
  std::vector<Fixture> fixtures;
  FixedClock clock;
  StationSetup setup;

  Station(const std::string& name, std::size_t ports) : plan(prepare(name)), db(fs::path(FWPROV_TEST_TMP_DIR) / ("provision-line-" + name) / "ledger.db") {
    for (std::size_t i = 0; i < ports; ++i) {
      fixtures.emplace_back();
      fixtures.back().prefix = fmt::format("24:0a:c4:{:02x}:00:", i + 1);
      setup.ports.push_back("port" + std::to_string(i));
    }
    setup.open_link = [this](const std::string& port) -> std::unique_ptr<DeviceLink> {
      Fixture& f = fixtures.at(std::stoul(port.substr(4)));
      ++f.opened;
      return std::make_unique<FixtureDevice>(f);
    };
    setup.open_ledger = [this] { return open_sqlite_ledger(db); };
    setup.wait = [](std::size_t, std::chrono::milliseconds) { std::this_thread::sleep_for(std::chrono::milliseconds(1)); };
  }
  static RunPlan prepare(const std::string& name) {
    PrepareOptions options;
    options.load_stub = false;
    return prepare_run(load_recipe(make_line(name) / "recipe.toml"), options);
  }
  StationResult run(const StationEvents& events = {}) { return run_station(plan, clock, {}, setup, events); }
};

}  // namespace

TEST_CASE("four ports share one countdown and one ledger: every device its own serial, no gap") {
  Station station("multiport", 4);
  station.setup.count = 14;  // not a multiple of 4: the ports share the total
  std::mutex mutex;
  std::vector<std::string> finals;
  StationEvents events;
  events.on_result = [&](std::size_t, const DeviceReport& report, int, bool final) {
    std::lock_guard lock(mutex);
    if (final) finals.push_back(report.serial);
  };
  StationResult result = station.run(events);
  CHECK(result.ok() == 14);
  CHECK(result.failed() == 0);
  CHECK_FALSE(result.first_failure);
  CHECK(finals.size() == 14);
  for (const auto& port : result.ports) CHECK(port.ok >= 1);  // each port's first device was reserved for it
  auto devices = open_sqlite_ledger(station.db)->list_devices();
  REQUIRE(devices.size() == 14);
  std::set<std::string> serials, macs;
  for (const auto& d : devices) {
    serials.insert(d.serial);
    macs.insert(d.mac);
    CHECK(d.status == "ok");
    CHECK(d.attempts == 1);
  }
  CHECK(serials.size() == 14);
  CHECK(macs.size() == 14);
  CHECK(*serials.begin() == "ACME-000001");
  CHECK(*serials.rbegin() == "ACME-000014");  // 14 distinct in 1..14: no gap
}

TEST_CASE("a failing port never disturbs the others, --retries retries only the failed device") {
  Station station("isolation", 4);
  station.setup.retries = 1;
  station.fixtures[1].fail_writes[station.fixtures[1].mac()] = 5;  // fails for good
  station.fixtures[2].fail_writes[station.fixtures[2].mac()] = 1;  // the retry succeeds
  station.fixtures[3].silent = true;                               // nothing on the port
  StationResult result = station.run();
  CHECK(result.ports[0].ok == 1);
  CHECK(result.ports[0].attempts.size() == 1);
  CHECK(result.ports[1].failed == 1);
  REQUIRE(result.ports[1].attempts.size() == 2);
  CHECK(result.ports[1].attempts[1].failed_step == "write ota_0");
  CHECK(result.ports[2].ok == 1);
  CHECK(result.ports[2].attempts.size() == 2);
  CHECK(result.ports[3].failed == 1);
  CHECK(result.ports[3].attempts.size() == 2);
  CHECK(result.ports[3].attempts[0].failed_step == "connect");
  REQUIRE(result.first_failure);
  CHECK(result.first_failure->kind() == ErrorKind::Device);

  auto ledger = open_sqlite_ledger(station.db);
  CHECK(ledger->list_devices().size() == 3);  // the silent port's board never reached the ledger
  CHECK(ledger->show_device(station.fixtures[0].prefix + "01")->attempts.size() == 1);
  auto failed = ledger->show_device(station.fixtures[1].prefix + "01");
  REQUIRE(failed->attempts.size() == 2);
  CHECK(failed->device.status == "failed");
  CHECK(failed->attempts[0].failed_step == "write ota_0");
  auto retried = ledger->show_device(station.fixtures[2].prefix + "01");
  REQUIRE(retried->attempts.size() == 2);
  CHECK(retried->attempts[0].result == "failed");
  CHECK(retried->attempts[1].result == "ok");
}

TEST_CASE("after a device fails for good its port goes on with the next board") {
  Station station("next-board", 1);
  station.setup.count = 3;
  Fixture& f = station.fixtures[0];
  f.fail_writes[f.mac()] = 1;
  // The failed board stays on the fixture; the operator swaps it after the port has seen it
  // once more (a wait), as a worker would.
  int waits = 0;
  station.setup.wait = [&](std::size_t, std::chrono::milliseconds) {
    if (++waits == 2) ++f.board;
  };
  StationResult result = station.run();
  CHECK(result.ports[0].failed == 1);
  CHECK(result.ports[0].ok == 2);
  REQUIRE(result.ports[0].attempts.size() == 3);
  CHECK(result.ports[0].attempts[0].serial == "ACME-000001");
  CHECK_FALSE(result.ports[0].attempts[0].ok);
  CHECK(result.ports[0].attempts[1].serial == "ACME-000002");
  CHECK(result.ports[0].attempts[1].identity.mac == f.prefix + "02");
}

TEST_CASE("no retry for a failure that would repeat, nor for a board that was swapped") {
  Station station("no-retry", 2);
  station.setup.retries = 3;
  // Port 0: its board is already provisioned in the ledger: refused (input), never retried.
  {
    auto ledger = open_sqlite_ledger(station.db);
    auto allocation = ledger->begin_attempt({station.fixtures[0].mac(), "esp32", "", "", "test", "x", false}, {"ACME-{seq:06}", 1});
    AttemptResult ok;
    ok.ok = true;
    ledger->finish_attempt(allocation, ok);
  }
  // Port 1: the link dies, then the operator swaps the board before the retry.
  Fixture& f = station.fixtures[1];
  f.fail_writes[f.mac()] = 1;
  auto open = station.setup.open_link;
  station.setup.open_link = [&, open](const std::string& port) {
    if (port == "port1" && f.opened == 1) ++f.board;  // the second open (the retry) finds a new board
    return open(port);
  };
  StationResult result = station.run();
  REQUIRE(result.ports[0].attempts.size() == 1);
  CHECK(result.ports[0].attempts[0].error->kind() == ErrorKind::Input);
  CHECK(result.ports[0].failed == 1);
  REQUIRE(result.ports[1].attempts.size() == 1);  // the swapped-in board was not taken for a retry
  CHECK(result.ports[1].failed == 1);
  REQUIRE(result.first_failure);
}

TEST_CASE("a stop request ends every port after its current device") {
  Station station("stop", 3);
  station.setup.count = 30;
  std::atomic<int> done{0};
  station.setup.stop_requested = [&] { return done.load() >= 4; };
  StationEvents events;
  events.on_result = [&](std::size_t, const DeviceReport&, int, bool) { ++done; };
  StationResult result = station.run(events);
  CHECK(result.stopped);
  CHECK(result.ok() >= 4);
  CHECK(result.ok() <= 6);  // at most one device per port after the stop was asked for
  CHECK(result.failed() == 0);
}

TEST_CASE("serials from concurrent ledger connections: each once, in one run without a gap") {
  fs::path dir = fs::path(FWPROV_TEST_TMP_DIR) / "ledger-concurrent";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const SerialRule rule{"CC-{seq:05}", 1};
  constexpr int kWorkers = 8, kEach = 20;
  std::vector<std::unique_ptr<Ledger>> ledgers;
  for (int w = 0; w < kWorkers; ++w) ledgers.push_back(open_sqlite_ledger(dir / "ledger.db"));
  std::vector<std::vector<std::string>> serials(kWorkers);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w)
    threads.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        std::string mac = fmt::format("24:0a:c4:{:02x}:00:{:02x}", w, i);
        serials[w].push_back(ledgers[w]->begin_attempt({mac, "esp32", "", "", "test", "x", false}, rule).serial);
      }
    });
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& list : serials) all.insert(list.begin(), list.end());
  CHECK(all.size() == kWorkers * kEach);
  CHECK(*all.begin() == "CC-00001");
  CHECK(*all.rbegin() == fmt::format("CC-{:05}", kWorkers * kEach));
  CHECK(ledgers[0]->list_devices().size() == kWorkers * kEach);
}
