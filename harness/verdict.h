// Verdict: a run's measurement judged against the scenario's expectation. Every expectation
// field is one check; the run passes when all hold. Messages show expected and measured values.
#pragma once

#include <string>
#include <vector>

#include "harness/measurement.h"
#include "harness/scenario.h"

namespace viplab {

struct Verdict {
  bool passed = true;
  std::vector<std::string> failures;  // "owner_after: expected lb2, measured lb1"
  std::vector<std::string> checks;    // every check made, passed or not
};

Verdict Judge(const Expectation& expect, const Measurement& measured);

}  // namespace viplab
