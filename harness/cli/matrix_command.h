// The bodies of `viplab run` and `viplab matrix` once their arguments are parsed. Both run a list
// of scenarios through the lanes and print the same output: one summary line per scenario in
// input order (with its failures and keepalived log tail when it failed), then the totals.
// Part of the viplab executable (it uses CLI11), not of the harness library.
#pragma once

#include <string>
#include <vector>

#include "daemon/service.h"
#include "harness/ownership.h"
#include "harness/scenario.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace viplab {

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

// Checks the environment and runs `scenarios`. Returns 0 when nothing failed (no failure, no error,
// and with `strict` no inconclusive scenario) and 1 otherwise; throws
// InputError, EnvironmentError, SystemError (exit 2) and Interrupted (exit 130) after every lab
// has been torn down. The JSON and JUnit reports are rewritten (temporary file + rename) after
// every scenario, "partial": true until the batch completes, so an interrupted or killed batch
// leaves a valid report of the scenarios it finished.
int RunBatch(const std::vector<Scenario>& scenarios, const BatchOptions& options);

struct MatrixCommandOptions {
  std::string file;
  std::vector<std::string> filters;  // name globs; a scenario is kept when any matches
  std::string shard;                 // "I/N"; empty: GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX
  bool list = false;                 // print the selected names instead of running them
  BatchOptions batch;
};

// `viplab matrix`: expand, filter, shard, then list or run. Throws like RunBatch.
int MatrixCommand(const MatrixCommandOptions& options);

// Registers `matrix` and its options on `app`, parsing into `options` (which must outlive it).
// The --service option shared by `run` and `matrix`.
CLI::Option* AddServiceOption(CLI::App& command, ServiceKind& service);
// The --pcap DIR option shared by `run` and `matrix`.
CLI::Option* AddPcapOption(CLI::App& command, std::string& pcap_dir);
// --strict and --split-brain-tolerance MS, shared by `run` and `matrix`.
void AddVerdictOptions(CLI::App& command, BatchOptions& options);

CLI::App* AddMatrixSubcommand(CLI::App& app, MatrixCommandOptions& options);

}  // namespace viplab
