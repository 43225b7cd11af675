#include <algorithm>
#include <set>
#include <tuple>

#include "fwprov/nvs/reader.hpp"

namespace fwprov::nvs {

std::vector<Problem> check_image(const DecodedImage& decoded) {
  std::vector<Problem> problems = decoded.problems;
  if (decoded.trailing_bytes != 0)
    problems.push_back(Problem{decoded.pages.size(), std::nullopt,
                               "image size is not a multiple of 4096 (" + std::to_string(decoded.trailing_bytes) + " trailing bytes)"});

  std::set<std::uint8_t> defined;
  std::set<std::string> namespace_names;
  for (const auto& ns : decoded.namespaces) {
    defined.insert(ns.index);
    if (!namespace_names.insert(ns.name).second)
      problems.push_back(Problem{ns.page, ns.slot, "namespace name '" + ns.name + "' is defined twice"});
  }
  // One value per (namespace, key); NVS keeps blobs and other types in the same key space.
  std::set<std::pair<std::uint8_t, std::string>> keys;
  for (const auto& item : decoded.items) {
    if (item.ns != 0 && defined.count(item.ns) == 0)
      problems.push_back(Problem{item.page, item.slot, "key '" + item.key + "' is in namespace index " + std::to_string(item.ns) + ", which is not defined"});
    if (!keys.insert({item.ns, item.key}).second)
      problems.push_back(Problem{item.page, item.slot, "key '" + item.key + "' appears more than once in namespace " +
                                                           (item.namespace_name.empty() ? std::to_string(item.ns) : "'" + item.namespace_name + "'")});
  }
  // Page states: every page before the last used one should be FULL.
  std::size_t active = 0;
  for (const auto& page : decoded.pages)
    if (!page.blank && page.state == kPageStateActive) ++active;
  if (active > 1)
    for (const auto& page : decoded.pages)
      if (!page.blank && page.state == kPageStateActive)
        problems.push_back(Problem{page.index, std::nullopt, "more than one page is ACTIVE"});

  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return std::make_tuple(a.page, a.slot.value_or(0)) < std::make_tuple(b.page, b.slot.value_or(0));
  });
  return problems;
}

}  // namespace fwprov::nvs
