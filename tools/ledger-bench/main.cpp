// fwprov-ledger-bench LEDGER CLIENTS N: CLIENTS threads, each with its own connection (as
// stations or ports would have), each allocating N serials for new devices (begin_attempt:
// one transaction). Prints allocations per second over the whole run and checks that the
// serials handed out are exactly 1..CLIENTS*N (no duplicate, no gap).
#include <fmt/core.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "fwprov/provision/ledger_open.hpp"
#include "fwprov/provision/placeholders.hpp"

using namespace fwprov::provision;

int main(int argc, char** argv) {
  if (argc != 4) {
    fmt::print(stderr, "usage: fwprov-ledger-bench LEDGER CLIENTS N\n");
    return 2;
  }
  try {
    std::string location = argv[1];
    int clients = std::atoi(argv[2]), n = std::atoi(argv[3]);
    open_ledger(location);  // schema created before the clock starts
    const SerialRule rule{"BENCH-{seq:07}", 1};
    std::mutex mutex;
    std::set<std::string> serials;
    std::string failure;
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
      threads.emplace_back([&, c] {
        try {
          auto ledger = open_ledger(location);
          for (int i = 0; i < n; ++i) {
            std::string mac = fmt::format("02:{:02x}:00:{:02x}:{:02x}:{:02x}", c, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF);
            auto a = ledger->begin_attempt({mac, "esp32", "bench", "bench", "bench", "0", false}, rule);
            std::lock_guard lock(mutex);
            serials.insert(a.serial);
          }
        } catch (const std::exception& error) {
          std::lock_guard lock(mutex);
          failure = error.what();
        }
      });
    for (auto& t : threads) t.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!failure.empty()) throw std::runtime_error(failure);
    std::size_t total = static_cast<std::size_t>(clients) * static_cast<std::size_t>(n);
    bool exact = serials.size() == total && *serials.begin() == format_serial(rule.format, 1) && *serials.rbegin() == format_serial(rule.format, total);
    fmt::print("{} client(s) x {}: {:.0f} allocations/s ({:.2f} ms each){}\n", clients, n, double(total) / seconds, seconds * 1000 / double(total) * clients,
               exact ? "" : "  ERROR: serials not exactly 1..N");
    return exact ? 0 : 1;
  } catch (const std::exception& error) {
    fmt::print(stderr, "fwprov-ledger-bench: {}\n", error.what());
    return 1;
  }
}
