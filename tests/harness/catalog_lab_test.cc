// The fault catalog, each fault run for real (cases/catalog/*.json), and the fail-back setups
// (cases/failback/*.json: preempt returns, nopreempt stays, preempt_delay returns later): inject,
// check the outcome and timing window each file derives from the VRRP timers, clear, check the
// fail-back — and leave nothing behind.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/lab/environment.h"
#include "harness/model/scenario.h"
#include "harness/run/runner.h"
#include "lab_checks.h"

namespace viplab {
namespace {

const std::filesystem::path kCases = std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases";

// "catalog/node-crash", "failback/preempt-returns", ...
std::vector<std::string> CatalogCases() {
  std::vector<std::string> names;
  for (const char* folder : {"catalog", "failback"}) {
    for (const auto& entry : std::filesystem::directory_iterator(kCases / folder)) {
      if (entry.path().extension() == ".json") {
        names.push_back(std::string(folder) + "/" + entry.path().stem().string());
      }
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Describe(const ScenarioResult& r) {
  std::string out = fmt::format("error: {}\n", r.error);
  for (const auto& f : r.verdict.failures) out += "failure: " + f + "\n";
  for (const auto& s : r.steps) {
    out += fmt::format("  step {} {:<6} t={:.0f} ms ({:.0f} ms) {}{}\n", s.index + 1, s.kind,
                       s.t_ms, s.duration_ms, s.description, s.passed ? "" : "  FAILED");
  }
  for (const auto& e : r.events) {
    if (e.kind == "client") continue;
    out += fmt::format("  {:>9.1f} ms  {:<7} {:<13} {}\n", e.t_ms, e.node, e.kind, e.detail);
  }
  for (const auto& line : r.log_tail) out += "  | " + line + "\n";
  return out;
}

class Catalog : public ::testing::TestWithParam<std::string> {};

TEST_P(Catalog, FaultAndFailBackMatchTheVrrpTimers) {
  const Scenario scenario = LoadScenario(kCases / (GetParam() + ".json"));
  ASSERT_TRUE(scenario.is_sequence());
  const Environment env = CheckEnvironment(VIPLAB_BUILD_DIR);
  RunOptions options;
  options.lab.keepalived = env.keepalived;
  options.lab.tools_dir = env.tools_dir;
  const std::string host_before = testing::HostNetworkSnapshot();

  const ScenarioResult result = RunScenario(scenario, options);

  EXPECT_TRUE(result.passed) << Describe(result);
  ASSERT_EQ(result.steps.size(), scenario.steps.size());
  for (const StepResult& step : result.steps) EXPECT_FALSE(step.skipped) << Describe(result);
  // Every fault was injected into the initial master, and logged as such.
  EXPECT_EQ(result.measured.owner_before, "lb1");
  const bool injected = std::any_of(result.events.begin(), result.events.end(), [](const auto& e) {
    return e.kind == "fault" && e.node == "lb1" && e.t_ms == 0;
  });
  EXPECT_TRUE(injected) << Describe(result);
  EXPECT_THAT(testing::LabLeftovers(result.lab_prefix), ::testing::IsEmpty());
  EXPECT_THAT(testing::ChildProcesses(), ::testing::IsEmpty());
  EXPECT_EQ(testing::HostNetworkSnapshot(), host_before);
}

INSTANTIATE_TEST_SUITE_P(Faults, Catalog, ::testing::ValuesIn(CatalogCases()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' || c == '/' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace viplab
