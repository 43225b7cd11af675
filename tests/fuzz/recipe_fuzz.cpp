// The provision recipe (TOML through toml++): whatever the text, a rejection is an Input error
// naming the place (the recipe's files are only read later, by prepare_run).
#include "fuzz_support.hpp"
#include "fwprov/provision/recipe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fwprov;
  fuzz::expect_kinds({ErrorKind::Input}, [&] { (void)provision::parse_recipe(fuzz::text(data, size), "recipes/fuzz.toml"); });
  return 0;
}
