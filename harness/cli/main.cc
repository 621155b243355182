// viplab: the command line. `viplab run` runs scenarios and prints one line each; `viplab clean`
// removes what killed runs left behind. Exit codes: 0 nothing failed (inconclusive scenarios do
// not fail unless --strict), 1 an expectation failed (or a scenario could not be judged), 2 bad
// input or environment, 3 internal error (an unexpected exception, after the labs were torn
// down), 130 interrupted (SIGINT, SIGTERM, SIGHUP).
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>

#include "harness/cleanup.h"
#include "harness/environment.h"
#include "harness/explain.h"
#include "harness/cli/matrix_command.h"
#include "harness/report.h"
#include "harness/cli/report_command.h"
#include "harness/runner.h"
#include "harness/scenario.h"
#include "harness/signals.h"
#include "netns/error.h"

namespace {

using namespace viplab;

constexpr int kExitPassed = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 3;
constexpr int kExitInterrupted = 130;
constexpr const char* kExitCodes =
    "Exit codes: 0 nothing failed (inconclusive scenarios too, unless --strict), 1 a scenario "
    "failed or could not be judged, 2 bad "
    "input or environment, 3 internal error (after the labs were torn down), 130 interrupted "
    "(SIGINT, SIGTERM, SIGHUP; a second signal ends viplab at once: then run `viplab clean`).";

int RunCommand(const std::vector<std::string>& inputs, const BatchOptions& options) {
  std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  const std::vector<Scenario> scenarios = LoadScenarios(paths);
  PrintWarnings(scenarios, std::cerr);
  return RunBatch(scenarios, options);
}

int CleanCommand(bool force) {
  if (!HasLabCapabilities()) throw EnvironmentError("viplab clean needs root");
  const CleanupSummary summary = CleanStaleLabs(force);
  for (const auto& line : summary.removed) std::cout << "removed " << line << "\n";
  for (const auto& line : summary.skipped) std::cout << "kept " << line << "\n";
  if (summary.removed.empty()) std::cout << "nothing to clean\n";
  return kExitPassed;
}

}  // namespace

int main(int argc, char** argv) {
  // `viplab run ... | head`: EPIPE (printing stops) instead of death by SIGPIPE mid-lab.
  IgnoreSigpipe();
  CLI::App app{"viplab: prove what happens to a keepalived VIP when something breaks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", VIPLAB_VERSION);

  std::vector<std::string> inputs;
  BatchOptions batch;
  CLI::App* run = app.add_subcommand("run", "Run scenario files (or directories of them)");
  run->add_option("scenarios", inputs, "Scenario JSON files or directories")->required();
  run->add_option("--json", batch.json_out, "Write the JSON report here");
  run->add_option("--junit", batch.junit_out,
                  "Write JUnit XML here (rendered from the JSON report)");
  run->add_option("--logs", batch.logs_dir,
                  "Keep each scenario's keepalived configs and logs here");
  run->add_flag("-v,--verbose", batch.verbose, "Print each step of each scenario on stderr");
  run->add_flag("-q,--quiet", batch.quiet, "Print only failed scenarios and the totals");
  run->add_option("-j,--jobs", batch.jobs, "Scenarios run at once, each in its own lab")
      ->check(CLI::Range(1, 64));
  AddServiceOption(*run, batch.service);
  AddPcapOption(*run, batch.pcap_dir);
  AddVerdictOptions(*run, batch);
  run->footer(
      std::string(
          "Example:\n  viplab run cases/issue-2599 --json report.json --logs viplab-logs\n") +
      kExitCodes);

  std::vector<std::string> explain_inputs;
  CLI::App* explain = app.add_subcommand(
      "explain", "Predict each scenario's outcome from the VRRP timers (no root, no lab)");
  explain->add_option("scenarios", explain_inputs, "Scenario JSON files or directories")
      ->required();

  bool force = false;
  CLI::App* clean = app.add_subcommand("clean", "Remove labs left behind by killed runs");
  clean->add_flag("--force", force, "Also remove labs whose owner is still running");

  MatrixCommandOptions matrix_options;
  CLI::App* matrix = AddMatrixSubcommand(app, matrix_options);

  ReportCommandOptions report_options;
  CLI::App* report = AddReportSubcommand(app, report_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (*run) return RunCommand(inputs, batch);
    if (*matrix) return MatrixCommand(matrix_options);
    if (*report) return ReportCommand(report_options);
    if (*clean) return CleanCommand(force);
    if (*explain) return ExplainCommand(explain_inputs, std::cout);
  } catch (const InputError& e) {
    std::cerr << "viplab: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const EnvironmentError& e) {
    std::cerr << "viplab: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const Interrupted&) {
    std::cerr << "viplab: interrupted; the lab was torn down\n";
    return kExitInterrupted;
  } catch (const SystemError& e) {
    std::cerr << "viplab: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    // Anything else is a bug; the stack has unwound, so every lab was torn down (RAII).
    std::cerr << "viplab: internal error: " << e.what() << "\n";
    return kExitInternal;
  } catch (...) {
    std::cerr << "viplab: internal error: unknown exception\n";
    return kExitInternal;
  }
  return kExitBadInput;
}
