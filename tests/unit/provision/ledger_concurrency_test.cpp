// Serial allocation from many connections at once (stations on one line, ports of one station):
// no number twice, no gap, and a MAC raced by several clients keeps one serial.
#include <catch2/catch.hpp>

#include <fmt/core.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "fwprov/core/error.hpp"
#include "fwprov/provision/placeholders.hpp"
#include "ledger_backends.hpp"

using namespace fwprov;
using namespace fwprov::provision;

TEST_CASE("8 clients x 50 allocations: no duplicate serial, no gap, one serial per MAC (every back end)") {
  auto backend = GENERATE(from_range(ledger_test::backends()));
  INFO("back end: " << backend);
  std::string location = ledger_test::fresh_location(backend);
  open_ledger(location);  // created once, so the clients do not race for the schema
  const SerialRule rule{"LINE-{seq:06}", 1};
  constexpr int kClients = 8, kAllocations = 50;
  std::mutex mutex;
  std::map<std::string, std::set<std::string>> serials_of_mac;
  std::vector<std::string> failures;
  std::vector<std::thread> clients;
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([&, client] {
      try {
        auto ledger = open_ledger(location);  // a connection of its own, like another station
        for (int i = 0; i < kAllocations; ++i) {
          // Every 5th device is one all clients race for (the loser's transaction rolls back
          // after its allocation and runs again): it must keep one serial and burn none.
          std::string mac = i % 5 == 4 ? fmt::format("02:00:00:ff:00:{:02x}", i / 5) : fmt::format("02:00:00:{:02x}:00:{:02x}", client, i);
          Allocation a = ledger->begin_attempt({mac, "esp32", fmt::format("station-{}", client), "op", "test", "abcd", false}, rule);
          std::lock_guard lock(mutex);
          serials_of_mac[mac].insert(a.serial);
        }
      } catch (const std::exception& error) {
        std::lock_guard lock(mutex);
        failures.push_back(error.what());
      }
    });
  }
  for (auto& t : clients) t.join();
  INFO((failures.empty() ? std::string() : failures.front()));
  REQUIRE(failures.empty());
  constexpr int kShared = kAllocations / 5;
  constexpr int kDistinct = kClients * (kAllocations - kShared) + kShared;
  REQUIRE(serials_of_mac.size() == std::size_t(kDistinct));
  std::set<std::string> all;
  for (const auto& [mac, serials] : serials_of_mac) {
    INFO(mac);
    CHECK(serials.size() == 1);
    all.insert(*serials.begin());
  }
  std::set<std::string> expected;
  for (int seq = 1; seq <= kDistinct; ++seq) expected.insert(format_serial(rule.format, seq));
  CHECK(all == expected);  // each number once, none skipped
  auto ledger = open_ledger(location);
  CHECK(ledger->peek_serial(rule) == format_serial(rule.format, kDistinct + 1));
  CHECK(ledger->list_devices().size() == std::size_t(kDistinct));
}
