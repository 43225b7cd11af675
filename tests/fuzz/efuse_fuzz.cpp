// espefuse's virtual eFuse file (--virt): for every chip whose window size the input has, the
// file is loaded (and saves back byte-identical), then read as on connect and summarised in
// every form `efuse summary` and `efuse dump` print.
#include "fuzz_support.hpp"
#include "fwprov/efuse/chip_table.hpp"
#include "fwprov/efuse/controller_model.hpp"
#include "fwprov/efuse/efuses.hpp"
#include "fwprov/efuse/summary.hpp"
#include "fwprov/efuse/virtual_port.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  static const auto chips = efuse::chip_names();
  for (const auto& name : chips) {
    const auto& chip = efuse::chip_table(name);
    efuse::ControllerModel model(chip);
    bool loaded = false;
    fuzz::expect_kinds({ErrorKind::Input}, [&] {
      model.load_image(fuzz::bytes(data, size), "efuse.bin");
      loaded = true;
    });
    if (!loaded) continue;
    fuzz::require(model.image() == Bytes(data, data + size), "a virtual eFuse file saves back unchanged");
    fuzz::expect_clean([&] {
      efuse::VirtualPort port(model);
      efuse::Efuses efuses(chip, port);
      (void)efuses.check_for_summary();
      (void)efuse::summary_json_text(efuses);
      (void)efuse::summary_text(efuses);
      (void)efuse::dump_text(efuses);
    });
  }
  return 0;
}
