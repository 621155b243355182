#include "tests/common/lab_run.h"

#include <fmt/format.h>
#include <gmock/gmock.h>

#include "netns/error.h"

namespace viplab::testing {

RunOptions RunOptionsFor(const Environment& env) {
  RunOptions options;
  options.lab = viplab::LabOptionsFor(env);
  return options;
}

Environment BuildEnvironment() { return CheckEnvironment(BuildDir()); }

std::string Describe(const ScenarioResult& r) {
  std::string out = fmt::format("error: {}\n", r.error);
  if (!r.inconclusive.empty()) out += "inconclusive: " + r.inconclusive + "\n";
  for (const auto& f : r.verdict.failures) out += "failure: " + f + "\n";
  for (const auto& c : r.verdict.checks) out += "check: " + c + "\n";
  if (r.prediction) {
    for (const Reason& reason : r.prediction->reasons)
      out += "  oracle: " + ToEnglish(reason) + "\n";
  }
  for (const auto& s : r.steps) {
    out += fmt::format("  step {} {:<6} t={:.0f} ms ({:.0f} ms) {}{}\n", s.index + 1, s.kind,
                       s.t_ms, s.duration_ms, s.description, s.passed ? "" : "  FAILED");
  }
  for (const auto& e : r.events) {
    out += fmt::format("  {:>9.1f} ms  {:<7} {:<13} {}\n", e.t_ms, e.node, e.kind, e.detail);
  }
  for (const auto& line : r.log_tail) out += "  | " + line + "\n";
  return out;
}

void LabRunTest::SetUp() {
  VIPLAB_SKIP_UNLESS_LAB();
  try {
    env_ = BuildEnvironment();
  } catch (const EnvironmentError& e) {
    FAIL() << e.what();
  }
}

ScenarioResult LabRunTest::RunChecked(const Scenario& scenario, const RunOptions& options) {
  const std::string host_before = HostNetworkSnapshot();
  ScenarioResult result = RunScenario(scenario, options);
  // No prefix: the lab was never built (result.error says why).
  if (!result.lab_prefix.empty()) {
    EXPECT_THAT(LabLeftovers(result.lab_prefix), ::testing::IsEmpty()) << scenario.name;
  }
  EXPECT_THAT(ChildProcesses(), ::testing::IsEmpty()) << scenario.name;
  EXPECT_EQ(HostNetworkSnapshot(), host_before) << scenario.name << ": the host's network changed";
  return result;
}

}  // namespace viplab::testing
