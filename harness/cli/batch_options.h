// The options `viplab run` and `viplab matrix` share: where the reports, logs and captures go,
// how many lanes, what is printed, which service and how strictly scenarios are judged.
// AddBatchOptions registers all of them, once, for both subcommands.
#pragma once

#include <string>

#include "daemon/service.h"
#include "harness/model/ownership.h"

namespace CLI {
class App;
}  // namespace CLI

namespace viplab {

// How a batch of scenarios is run and reported (RunBatch).
struct BatchOptions {
  std::string json_out;  // write the JSON report here ("" for none)
  std::string logs_dir;  // keep configs and logs per scenario here ("" for none)
  bool verbose = false;  // progress lines on stderr, prefixed "[<scenario name>]"
  ServiceKind service = ServiceKind::kStandin;
  int jobs = 1;        // scenarios run at once, each in its own lab
  bool quiet = false;  // print failed scenarios and the totals only
  // Keep every scenario's wire capture here ("": only failed scenarios', under logs_dir).
  std::string pcap_dir;
  std::string junit_out;  // write JUnit XML (rendered from the JSON report) here ("" for none)
  bool strict = false;    // an inconclusive scenario fails the batch (exit 1)
  // Handover tolerance for scenarios without their own split_brain_tolerance_ms.
  double split_brain_tolerance_ms = kDefaultSplitBrainToleranceMs;
};

// Registers --json, --junit, --logs, -v, -q, -j, --service, --pcap, --strict and
// --split-brain-tolerance on `command`, each bound to its member of `options` (which must
// outlive `command`'s parsing).
void AddBatchOptions(CLI::App& command, BatchOptions& options);

}  // namespace viplab
