// espefuse's virtual eFuse file (--virt): for every chip whose window size the input has, the
// file is loaded (and saves back byte-identical), then read as on connect and summarised in
// every form `efuse summary` and `efuse dump` print. An input of no chip's size is refused by
// every chip, then cut or zero-padded to the size of the chip its first byte picks and summarised
// (so mutations that change the length still exercise the fields).
#include <algorithm>

#include "fuzz_support.hpp"
#include "fwprov/efuse/chip_table.hpp"
#include "fwprov/efuse/controller_model.hpp"
#include "fwprov/efuse/efuses.hpp"
#include "fwprov/efuse/summary.hpp"
#include "fwprov/efuse/virtual_port.hpp"

namespace {

void summarise(const fwprov::efuse::ChipTable& chip, fwprov::efuse::ControllerModel& model) {
  using namespace fwprov;
  fuzz::expect_clean([&] {
    efuse::VirtualPort port(model);
    efuse::Efuses efuses(chip, port);
    (void)efuses.check_for_summary();
    (void)efuse::summary_json(efuses);  // not summary_json_text: its dump(4) is nlohmann's, and 3/4 of the time
    (void)efuse::summary_text(efuses);
    (void)efuse::dump_text(efuses);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  static const auto chips = efuse::chip_names();
  bool any = false;
  for (const auto& name : chips) {
    const auto& chip = efuse::chip_table(name);
    efuse::ControllerModel model(chip);
    bool loaded = false;
    fuzz::expect_kinds({ErrorKind::Input}, [&] {
      model.load_image(fuzz::bytes(data, size), "efuse.bin");
      loaded = true;
    });
    if (!loaded) continue;
    any = true;
    fuzz::require(model.image() == Bytes(data, data + size), "a virtual eFuse file saves back unchanged");
    summarise(chip, model);
  }
  if (any || size == 0) return 0;
  const auto& chip = efuse::chip_table(chips[data[0] % chips.size()]);
  Bytes file(data, data + std::min<std::size_t>(size, chip.window_size));
  file.resize(chip.window_size, 0);
  efuse::ControllerModel model(chip);
  model.load_image(file, "efuse.bin");
  summarise(chip, model);
  return 0;
}
