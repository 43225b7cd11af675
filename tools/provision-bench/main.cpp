// fwprov-provision-bench RECIPE LEDGER N (LEDGER: a SQLite file or a postgresql:// URL): the
// host work `fwprov provision` does per device, without a device: ledger allocation (one
// transaction), key, CSR, certificate from the factory CA, DER, NVS storage image, certificate
// record and ledger commit. Prints the median and mean per device and each part's median, in
// milliseconds.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>

#include "fwprov/core/encoding.hpp"
#include "fwprov/provision/ledger_open.hpp"
#include "fwprov/provision/pipeline.hpp"

using namespace fwprov;
using namespace fwprov::provision;
using Timer = std::chrono::steady_clock;

namespace {
double ms_since(Timer::time_point start) { return std::chrono::duration<double, std::milli>(Timer::now() - start).count(); }
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    fmt::print(stderr, "usage: fwprov-provision-bench RECIPE LEDGER N\n");
    return 2;
  }
  try {
    PrepareOptions prepare;
    prepare.compress = false;
    prepare.load_stub = false;
    RunPlan plan = prepare_run(load_recipe(argv[1]), prepare);
    auto ledger = open_ledger(argv[2]);  // a SQLite file or a postgresql:// URL
    int n = std::atoi(argv[3]);
    std::vector<double> total;
    std::map<std::string, std::vector<double>> parts;
    for (int i = 0; i < n; ++i) {
      std::string mac = fmt::format("02:00:00:{:02x}:{:02x}:{:02x}", (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF);
      auto start = Timer::now();
      auto t = Timer::now();
      Allocation allocation = ledger->begin_attempt({mac, "esp32", "bench", "bench", "bench", to_hex(plan.recipe.sha256), false},
                                                    {plan.recipe.identity.serial, plan.recipe.identity.first});
      parts["identity (ledger allocation)"].push_back(ms_since(t));
      t = Timer::now();
      DeviceIdentity identity{allocation.serial, mac, "esp32"};
      DeviceCredentials credentials = make_credentials(plan.recipe, plan.ca ? &*plan.ca : nullptr, identity);
      parts["credentials (key, CSR, issue, DER)"].push_back(ms_since(t));
      t = Timer::now();
      ledger->record_certificate(allocation, {credentials.certificate_serial, credentials.subject, credentials.certificate_sha256,
                                              credentials.public_key_sha256,
                                              std::string(credentials.certificate_pem.begin(), credentials.certificate_pem.end())});
      parts["certificate record"].push_back(ms_since(t));
      t = Timer::now();
      auto regions = device_regions(plan, identity, credentials);
      parts["nvs image"].push_back(ms_since(t));
      t = Timer::now();
      AttemptResult result;
      result.ok = true;
      for (const auto& region : regions) result.regions.push_back({{"partition", region.target}, {"sha256", to_hex(region.sha256)}});
      ledger->finish_attempt(allocation, result);
      parts["ledger commit"].push_back(ms_since(t));
      total.push_back(ms_since(start));
    }
    double mean = 0;
    for (double v : total) mean += v;
    mean /= static_cast<double>(total.size());
    fmt::print("host work per device ({} devices, {}): median {:.2f} ms, mean {:.2f} ms\n", n,
               plan.recipe.credentials.mode == CredentialMode::Issue ? sign::key_type_name(plan.recipe.credentials.key_type) : "no keys",
               median(total), mean);
    for (const auto& [name, values] : parts) fmt::print("  {:<36} median {:.3f} ms\n", name, median(values));
  } catch (const Error& error) {
    fmt::print(stderr, "fwprov-provision-bench: {}\n", error.what());
    return 1;
  }
  return 0;
}
