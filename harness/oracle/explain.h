// `viplab explain FILE...`: for each scenario, the oracle's prediction (initial owner, each
// fault's outcome and timing, what a clear does) and its reasoning in plain words, compared with
// the scenario's own `expect`. Needs no root and builds no lab.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "harness/model/scenario.h"
#include "harness/oracle/oracle.h"

namespace viplab {

// The explanation of one scenario, several lines ending in '\n'.
std::string ExplainScenario(const Scenario& scenario);

// The explanation and whether the oracle agrees with every expectation the scenario states: its
// `expect`, and each expect step of a sequence against the oracle's prediction for that step's
// phase (the fault's, or the clear's after a clear). `compared`: how many were compared.
struct ExplainResult {
  std::string text;
  bool agrees = true;
  int compared = 0;
};
ExplainResult ExplainScenarioResult(const Scenario& scenario);

// How the oracle compares with an explicit `expect` block: one line per expected field, e.g.
// "failover_ms [550, 1900]: agrees (predicted [604, 1759] lies inside)". `agrees` is false when
// any field contradicts the prediction; a predicted window that reaches outside the expected bound
// (even partly) contradicts it.
struct ExpectComparison {
  bool agrees = true;
  std::vector<std::string> lines;
};
ExpectComparison CompareWithExpect(const Expectation& expect, const Prediction& prediction);

// The subcommand: loads FILE... (files or directories, like `run`) and prints each explanation
// to `out`, the scenarios' warnings (PrintWarnings) to stderr. Returns the exit code: 0 when the
// oracle agrees with every scenario's expectations, 1 when any scenario disagrees. Bad input
// throws InputError (exit 2) before anything is printed.
int ExplainCommand(const std::vector<std::string>& inputs, std::ostream& out);

}  // namespace viplab
