#include "harness/cli/matrix_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "harness/cli/case_lookup.h"
#include "harness/cli/exit_codes.h"
#include "harness/cli/run_batch.h"
#include "harness/model/matrix.h"
#include "harness/model/sharding.h"
#include "netns/error.h"

namespace viplab {
namespace {

std::vector<Scenario> SelectScenarios(const Matrix& matrix, const MatrixCommandOptions& options) {
  std::vector<Scenario> selected;
  for (const MatrixEntry& entry : matrix.entries) {
    if (MatchesAnyGlob(entry.name, options.filters)) selected.push_back(entry.scenario);
  }
  if (selected.empty()) {
    std::vector<std::string> quoted;
    for (const std::string& glob : options.filters) quoted.push_back("'" + glob + "'");
    throw InputError(fmt::format("--filter: {} matches none of the {} scenarios of {}",
                                 fmt::join(quoted, ", "), matrix.entries.size(),
                                 matrix.file.string()));
  }
  const std::optional<Shard> shard = options.shard.empty()
                                         ? ShardFromEnvironment()
                                         : std::optional(ParseShard(options.shard, "--shard"));
  return shard ? SelectShard(selected, *shard) : selected;
}

}  // namespace

CLI::App* AddMatrixSubcommand(CLI::App& app, MatrixCommandOptions& options) {
  CLI::App* matrix = app.add_subcommand(
      "matrix", "Expand a matrix file (preemption x check x weight x fault) and run it");
  matrix->add_option("file", options.file, "Matrix JSON file, e.g. cases/matrix.json")->required();
  matrix
      ->add_option("--filter", options.filters,
                   "Keep scenarios whose name matches this glob (fnmatch; * matches /); "
                   "repeatable, any match keeps")
      ->allow_extra_args(false);
  matrix->add_option("--shard", options.shard,
                     "Run shard I of N (I from 0): scenario k belongs to shard k mod N. "
                     "Default: GTEST_SHARD_INDEX of GTEST_TOTAL_SHARDS when set");
  matrix->add_flag("--list", options.list, "Print the selected scenario names; run nothing");
  AddBatchOptions(*matrix, options.batch);
  matrix->footer(
      std::string("Example:\n  viplab matrix cases/matrix.json --filter 'nopreempt/*' --jobs 2 "
                  "--json report.json\n  viplab matrix cases/matrix.json --list | wc -l\n"
                  "A file that is not an existing path is looked up in the installed cases "
                  "(share/viplab/cases), e.g. `viplab matrix matrix.json`.\n") +
      kBatchExitCodesHelp);
  return matrix;
}

int MatrixCommand(const MatrixCommandOptions& options) {
  const Matrix matrix = LoadMatrix(ResolveCases({options.file}).front());
  const std::vector<Scenario> selected = SelectScenarios(matrix, options);
  PrintWarnings(selected, std::cerr);
  if (options.list) {
    for (const Scenario& s : selected) std::cout << s.name << "\n";
    return kExitPassed;
  }
  return RunBatch(selected, options.batch);
}

}  // namespace viplab
