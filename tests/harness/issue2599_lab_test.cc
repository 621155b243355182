// The four setups of keepalived issue #2599, run for real: keepalived in namespaces, a haproxy
// stand-in per node, the service killed on the master. Each case must give the outcome and the
// timing window its file derives from the VRRP timers, and leave nothing behind.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/lab/environment.h"
#include "harness/model/scenario.h"
#include "harness/run/runner.h"
#include "lab_checks.h"

namespace viplab {
namespace {

std::string Describe(const ScenarioResult& r) {
  std::string out = fmt::format("error: {}\n", r.error);
  for (const auto& f : r.verdict.failures) out += "failure: " + f + "\n";
  for (const auto& e : r.events) {
    out += fmt::format("  {:>9.1f} ms  {:<7} {:<13} {}\n", e.t_ms, e.node, e.kind, e.detail);
  }
  for (const auto& line : r.log_tail) out += "  | " + line + "\n";
  return out;
}

class Issue2599 : public ::testing::TestWithParam<std::string> {};

TEST_P(Issue2599, OutcomeAndTimingMatchTheVrrpTimers) {
  const Scenario scenario = LoadScenario(std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases" /
                                         "issue-2599" / (GetParam() + ".json"));
  const Environment env = CheckEnvironment(VIPLAB_BUILD_DIR);
  RunOptions options;
  options.lab.keepalived = env.keepalived;
  options.lab.tools_dir = env.tools_dir;
  const std::string host_before = testing::HostNetworkSnapshot();

  const ScenarioResult result = RunScenario(scenario, options);

  EXPECT_TRUE(result.passed) << Describe(result);
  EXPECT_EQ(result.measured.owner_before, "lb1");
  // The client saw the outcome too: served by the new owner, or (the trap) not at all.
  if (result.measured.vip_moved) {
    ASSERT_TRUE(result.measured.outage_ms.has_value());
    EXPECT_FALSE(result.measured.outage_ongoing) << Describe(result);
  } else {
    EXPECT_TRUE(result.measured.outage_ongoing) << Describe(result);
  }
  // Nothing left behind, host untouched.
  EXPECT_THAT(testing::LabLeftovers(result.lab_prefix), ::testing::IsEmpty());
  EXPECT_THAT(testing::ChildProcesses(), ::testing::IsEmpty());
  EXPECT_EQ(testing::HostNetworkSnapshot(), host_before);
}

INSTANTIATE_TEST_SUITE_P(Cases, Issue2599,
                         ::testing::Values("a-weight2-nopreempt", "b-no-weight-fault",
                                           "c-weight4-preempt", "d-track-process"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace viplab
