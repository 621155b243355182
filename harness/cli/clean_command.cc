#include "harness/cli/clean_command.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "harness/cli/exit_codes.h"
#include "harness/lab/cleanup.h"
#include "harness/lab/environment.h"
#include "netns/error.h"

namespace viplab {

CLI::App* AddCleanSubcommand(CLI::App& app, CleanCommandOptions& options) {
  CLI::App* clean = app.add_subcommand("clean", "Remove labs left behind by killed runs");
  clean->add_flag("--force", options.force, "Also remove labs whose owner is still running");
  return clean;
}

int CleanCommand(const CleanCommandOptions& options) {
  if (!HasLabCapabilities()) throw EnvironmentError("viplab clean needs root");
  const CleanupSummary summary = CleanStaleLabs(options.force);
  for (const auto& line : summary.removed) std::cout << "removed " << line << "\n";
  for (const auto& line : summary.skipped) std::cout << "kept " << line << "\n";
  if (summary.removed.empty()) std::cout << "nothing to clean\n";
  return kExitPassed;
}

}  // namespace viplab
