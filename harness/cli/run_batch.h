// The body shared by `viplab run` and `viplab matrix` once their arguments are parsed: run a list
// of scenarios through the lanes and print one summary line per scenario in input order (with its
// failures and keepalived log tail when it failed), then the totals.
#pragma once

#include <vector>

#include "harness/cli/batch_options.h"
#include "harness/model/scenario.h"

namespace viplab {

// Checks the environment and runs `scenarios`. Returns 0 when nothing failed (no failure, no error,
// and with `strict` no inconclusive scenario) and 1 otherwise; throws
// InputError, EnvironmentError, SystemError (exit 2) and Interrupted (exit 130) after every lab
// has been torn down. The JSON and JUnit reports are rewritten (temporary file + rename) after
// every scenario, "partial": true until the batch completes, so an interrupted or killed batch
// leaves a valid report of the scenarios it finished.
int RunBatch(const std::vector<Scenario>& scenarios, const BatchOptions& options);

}  // namespace viplab
