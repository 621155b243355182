// Verdict: a run's measurement judged against the scenario's expectation. Every expectation
// field is one check; the run passes when all hold. Messages show expected and measured values.
// `split_brain` is judged by the measurement's split_brain (harness/model/ownership.h: an episode
// of two or more owners longer than the handover tolerance), never by any overlap at all.
#pragma once

#include <string>
#include <vector>

#include "harness/result/measurement.h"

namespace viplab {

struct Verdict {
  bool passed = true;
  std::vector<std::string> failures;  // "owner_after: expected lb2, measured lb1"
  std::vector<std::string> checks;    // every check made, passed or not
  // Checks of what the fault did: every check but owner_before, which only tests the initial
  // election. A run whose checks held but which has none of these is inconclusive.
  size_t outcome_checks = 0;
  // Checks that could not be made, e.g. an expect.vips entry for a VIP the measurement does not
  // have ("vips[10.77.0.201]: no measurement of this VIP"). Each is also a failure (never a
  // pass); the runner turns them into the run's `error`.
  std::vector<std::string> errors;
};

}  // namespace viplab
