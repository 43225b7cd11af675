// ESP-IDF's build/flasher_args.json (flash --from) and build/flash_args (@FILE): the same bytes
// go to both parsers. JSON problems are Input errors; argument-file words are checked as the
// command line is (Usage errors), an unclosed quote is an Input error.
#include "fuzz_support.hpp"
#include "fwprov/esp/flash_args.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  auto text = fuzz::text(data, size);
  fuzz::expect_kinds({ErrorKind::Input}, [&] {
    auto inputs = esp::parse_flasher_args(text, "build/flasher_args.json");
    fuzz::require(!inputs.items.empty() && !inputs.needs_table(), "flasher_args.json gives addressed files");
  });
  fuzz::expect_kinds({ErrorKind::Input, ErrorKind::Usage}, [&] {
    std::vector<esp::FlashWord> words;
    for (auto& word : esp::split_argument_file(text, "build/flash_args")) words.push_back({std::move(word), "fuzz-build"});
    auto inputs = esp::parse_flash_words(words, "flash write");
    fuzz::require(!inputs.items.empty(), "a parsed file list is not empty");
    for (const auto& item : inputs.items) fuzz::require(item.address.has_value() != !item.partition.empty(), "ADDRESS or NAME");
  });
  return 0;
}
