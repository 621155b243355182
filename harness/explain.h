// `viplab explain FILE...`: for each scenario, the oracle's prediction (initial owner, each
// fault's outcome and timing, what a clear does) and its reasoning in plain words, compared with
// the scenario's own `expect`. Needs no root and builds no lab.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "harness/oracle.h"
#include "harness/scenario.h"

namespace viplab {

// The explanation of one scenario, several lines ending in '\n'.
std::string ExplainScenario(const Scenario& scenario);

// How the oracle compares with an explicit `expect` block: one line per expected field, e.g.
// "failover_ms [550, 1900]: agrees (predicted [604, 1759] lies inside)". `agrees` is false when
// any field contradicts the prediction.
struct ExpectComparison {
  bool agrees = true;
  std::vector<std::string> lines;
};
ExpectComparison CompareWithExpect(const Expectation& expect, const Prediction& prediction);

// The subcommand: loads FILE... (files or directories, like `run`) and prints each explanation
// to `out`. Returns the exit code (0). Bad input throws InputError before anything is printed.
int ExplainCommand(const std::vector<std::string>& inputs, std::ostream& out);

}  // namespace viplab
