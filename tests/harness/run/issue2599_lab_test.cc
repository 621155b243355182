// The four setups of keepalived issue #2599, run for real: keepalived in namespaces, a haproxy
// stand-in per node, the service killed on the master. Each case must give the outcome and the
// timing window its file derives from the VRRP timers, and leave nothing behind.
#include <gtest/gtest.h>

#include "harness/model/scenario.h"
#include "harness/run/runner.h"
#include "tests/common/lab_run.h"

namespace viplab {
namespace {

using testing::Describe;

class Issue2599 : public testing::LabRunTestWithParam<std::string> {};

TEST_P(Issue2599, OutcomeAndTimingMatchTheVrrpTimers) {
  const Scenario scenario = LoadScenario(std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases" /
                                         "issue-2599" / (GetParam() + ".json"));

  // Also checks that nothing was left behind and the host is untouched.
  const ScenarioResult result = RunChecked(scenario);

  EXPECT_TRUE(result.passed) << Describe(result);
  EXPECT_EQ(result.measured.owner_before, "lb1");
  // The client saw the outcome too: served by the new owner, or (the trap) not at all.
  if (result.measured.vip_moved) {
    ASSERT_TRUE(result.measured.outage_ms.has_value());
    EXPECT_FALSE(result.measured.outage_ongoing) << Describe(result);
  } else {
    EXPECT_TRUE(result.measured.outage_ongoing) << Describe(result);
  }
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
