// viplab: the command line. `viplab run` runs scenarios and prints one line each; `viplab clean`
// removes what killed runs left behind. Exit codes: 0 all passed, 1 an expectation failed,
// 2 bad input or environment, 130 interrupted.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "harness/cleanup.h"
#include "harness/environment.h"
#include "harness/report.h"
#include "harness/runner.h"
#include "harness/scenario.h"
#include "harness/signals.h"
#include "netns/error.h"

namespace {

using namespace viplab;

constexpr int kExitPassed = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;

std::string FormatMs(const std::optional<double>& ms) {
  return ms ? fmt::format("{:.0f} ms", *ms) : std::string("-");
}

std::string SummaryLine(const ScenarioResult& r) {
  const Measurement& m = r.measured;
  if (!r.error.empty()) return fmt::format("FAIL  {}  error: {}", r.name, r.error);
  const std::string after = m.owners_after.empty() ? "none" : fmt::format("{}", m.owners_after[0]) +
                                                                  (m.owners_after.size() > 1 ? "+" : "");
  return fmt::format("{}  {:<40} {} -> {:<6} failover {:>8}  outage {:>8}{}",
                     r.passed ? "PASS" : "FAIL", r.name, m.owner_before, after,
                     FormatMs(m.failover_ms), FormatMs(m.outage_ms),
                     m.outage_ongoing ? " (ongoing)" : "");
}

int RunCommand(const std::vector<std::string>& inputs, const std::string& json_out,
               const std::string& logs_dir, bool verbose, ServiceKind service) {
  std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  const std::vector<Scenario> scenarios = LoadScenarios(paths);
  const Environment env = CheckEnvironment({}, service);
  InstallInterruptHandlers();

  RunOptions options;
  options.lab.keepalived = env.keepalived;
  options.lab.tools_dir = env.tools_dir;
  options.lab.service = service;
  options.lab.haproxy = env.haproxy;
  options.interrupt_fd = InterruptEventFd();
  if (!logs_dir.empty()) options.logs_dir = logs_dir;
  if (verbose) {
    options.progress = [](const std::string& line) { std::cerr << line << std::endl; };
  }

  std::vector<ScenarioResult> results;
  bool all_passed = true;
  for (const Scenario& scenario : scenarios) {
    ThrowIfInterrupted();
    ScenarioResult result = RunScenario(scenario, options);
    std::cout << SummaryLine(result) << std::endl;
    if (!result.passed) {
      for (const auto& failure : result.verdict.failures) std::cout << "      " << failure << "\n";
      for (const auto& line : result.log_tail) std::cout << "      | " << line << "\n";
    }
    all_passed = all_passed && result.passed;
    results.push_back(std::move(result));
  }
  if (!json_out.empty()) WriteReport(json_out, BuildReport(results, scenarios));
  std::cout << fmt::format("{} passed, {} failed\n",
                           std::count_if(results.begin(), results.end(),
                                         [](const ScenarioResult& r) { return r.passed; }),
                           std::count_if(results.begin(), results.end(),
                                         [](const ScenarioResult& r) { return !r.passed; }));
  return all_passed ? kExitPassed : kExitFailed;
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
  CLI::App app{"viplab: prove what happens to a keepalived VIP when something breaks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", VIPLAB_VERSION);

  std::vector<std::string> inputs;
  std::string json_out, logs_dir;
  bool verbose = false;
  CLI::App* run = app.add_subcommand("run", "Run scenario files (or directories of them)");
  run->add_option("scenarios", inputs, "Scenario JSON files or directories")->required();
  run->add_option("--json", json_out, "Write the JSON report here");
  run->add_option("--logs", logs_dir, "Keep each scenario's keepalived configs and logs here");
  run->add_flag("-v,--verbose", verbose, "Print each step of each scenario on stderr");
  ServiceKind service = ServiceKind::kStandin;
  run->add_option("--service", service,
                  "What each node's keepalived protects: the built-in haproxy stand-in, or "
                  "Debian's real haproxy (master-worker, answering with the node name)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, ServiceKind>{{"standin", ServiceKind::kStandin},
                                             {"haproxy", ServiceKind::kHaproxy}},
          CLI::ignore_case))
      ->default_str("standin");
  run->footer(
      "Example:\n  viplab run cases/issue-2599 --json report.json --logs viplab-logs\n"
      "Exit codes: 0 all passed, 1 an expectation failed, 2 bad input or environment.");

  bool force = false;
  CLI::App* clean = app.add_subcommand("clean", "Remove labs left behind by killed runs");
  clean->add_flag("--force", force, "Also remove labs whose owner is still running");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (*run) return RunCommand(inputs, json_out, logs_dir, verbose, service);
    if (*clean) return CleanCommand(force);
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
  }
  return kExitBadInput;
}
