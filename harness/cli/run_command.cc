#include "harness/cli/run_command.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "harness/cli/case_lookup.h"
#include "harness/cli/exit_codes.h"
#include "harness/cli/run_batch.h"
#include "harness/model/scenario.h"

namespace viplab {

CLI::App* AddRunSubcommand(CLI::App& app, RunCommandOptions& options) {
  CLI::App* run = app.add_subcommand("run", "Run scenario files (or directories of them)");
  run->add_option("scenarios", options.inputs, "Scenario JSON files or directories")->required();
  AddBatchOptions(*run, options.batch);
  run->footer(
      std::string(
          "Example:\n  viplab run cases/issue-2599 --json report.json --logs viplab-logs\n") +
      kCaseLookupHelp + "\n" + kBatchExitCodesHelp);
  return run;
}

int RunCommand(const RunCommandOptions& options) {
  const std::vector<std::string> inputs = ResolveCases(options.inputs);
  std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  const std::vector<Scenario> scenarios = LoadScenarios(paths);
  PrintWarnings(scenarios, std::cerr);
  return RunBatch(scenarios, options.batch);
}

}  // namespace viplab
