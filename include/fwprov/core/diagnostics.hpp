#pragma once
// Warnings and progress leave library code through callbacks; the CLI decides how to show them.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fwprov/core/error.hpp"

namespace fwprov {

struct Warning {
  SourceLocation where;
  std::string message;
};

using WarningSink = std::function<void(const Warning&)>;

// Collects warnings and, in strict mode, turns the first one into an Input error.
class Warnings {
 public:
  explicit Warnings(WarningSink sink = {}, bool strict = false) : sink_(std::move(sink)), strict_(strict) {}
  void warn(SourceLocation where, std::string message);
  const std::vector<Warning>& all() const noexcept { return seen_; }
  bool strict() const noexcept { return strict_; }

 private:
  WarningSink sink_;
  bool strict_;
  std::vector<Warning> seen_;
};

// Called with bytes (or items) done so far and the total; total 0 means unknown.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

}  // namespace fwprov
