#include "harness/cli/explain_command.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "harness/cli/case_lookup.h"
#include "harness/oracle/explain.h"

namespace viplab {

CLI::App* AddExplainSubcommand(CLI::App& app, ExplainCommandOptions& options) {
  CLI::App* explain = app.add_subcommand(
      "explain", "Predict each scenario's outcome from the VRRP timers (no root, no lab)");
  explain->add_option("scenarios", options.inputs, "Scenario JSON files or directories")
      ->required();
  explain->footer(kCaseLookupHelp);
  return explain;
}

int ExplainCommand(const ExplainCommandOptions& options) {
  return ExplainCommand(ResolveCases(options.inputs), std::cout);
}

}  // namespace viplab
