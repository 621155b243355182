// The deployments of cases/deploy (issue 9) run for real: several instances, VIPs on a second
// interface and segment, a sync group, unicast peers, tracked interfaces. Each case must give the
// outcome and window its file derives, VIP by VIP, and leave nothing behind. The two
// track-interface cases are each other's mutation: only the weight differs (20 vs 5 against a
// priority gap of 10), and the verdict on whether the VIP moves must differ with it.
#include <gtest/gtest.h>

#include "harness/model/scenario.h"
#include "harness/result/run_verdict.h"
#include "harness/run/runner.h"
#include "tests/common/lab_run.h"

namespace viplab {
namespace {

using testing::Describe;

class Deploy : public testing::LabRunTestWithParam<std::string> {};

TEST_P(Deploy, EveryVipDoesWhatItsFileDerives) {
  const Scenario scenario = LoadScenario(std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases" /
                                         "deploy" / (GetParam() + ".json"));

  // Also checks that nothing was left behind and the host is untouched.
  const ScenarioResult result = RunChecked(scenario);

  EXPECT_TRUE(result.passed) << Describe(result);
  EXPECT_TRUE(result.inconclusive.empty()) << result.inconclusive;
  // Every VIP was measured on its own, in the scenario's order.
  const std::vector<VipRef> vips = AllVips(scenario);
  ASSERT_EQ(result.measured.vips.size(), vips.size()) << Describe(result);
  for (size_t i = 0; i < vips.size(); ++i) {
    EXPECT_EQ(result.measured.vips[i].vip, vips[i].vip->address.address().ToString());
    EXPECT_EQ(result.measured.vips[i].instance, vips[i].instance->name);
    EXPECT_FALSE(result.measured.vips[i].owner_before.empty()) << Describe(result);
  }
}

// What the oracle cannot model is never a pass on a guess. A weighted track_process (keepalived
// accepts its weight in a sync group) drops both members' priorities below the backup's when
// haproxy dies, with no member going FAULT: the oracle says "not predicted", and the run, judged
// by the oracle (no expect), is inconclusive, whatever happened.
class DeployNotPredicted : public testing::LabRunTest {};

TEST_F(DeployNotPredicted, IsInconclusiveNeverAPass) {
  Scenario scenario = LoadScenario(std::filesystem::path(VIPLAB_SOURCE_DIR) /
                                   "cases/deploy/sync-group-two-segments.json");
  scenario.name = "deploy/sync-group-weighted-process";
  for (InstanceSpec& instance : scenario.instances) {
    for (InstanceNodeSpec& node : instance.nodes) {
      node.check.type = CheckType::kProcess;
      node.check.weight = -30;
    }
  }
  for (NodeSpec& node : scenario.nodes) {
    node.check = scenario.instances.front().FindNode(node.name)->check;
  }
  scenario.fault = FaultSpec{};
  scenario.fault.kind = FaultKind::kServiceKill;
  scenario.fault.node = "lb1";
  scenario.expect = Expectation{};

  const ScenarioResult result = RunChecked(scenario);

  EXPECT_EQ(result.judged_by, "oracle");
  EXPECT_FALSE(result.not_predicted.empty());
  EXPECT_EQ(VerdictOf(result), RunVerdict::kInconclusive) << Describe(result);
  EXPECT_NE(result.inconclusive.find("the oracle does not predict this scenario"),
            std::string::npos)
      << result.inconclusive;
}

// A bound must be able to fail: each case with one thing changed that its description says
// matters is judged FAIL against the file's own expectation (the track-interface cases are each
// other's mutation already).
struct Mutation {
  const char* name;
  const char* file;
  void (*apply)(Scenario&);
};

class DeployMutation : public testing::LabRunTestWithParam<Mutation> {};

TEST_P(DeployMutation, IsJudgedFail) {
  Scenario scenario = LoadScenario(std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases/deploy" /
                                   (std::string(GetParam().file) + ".json"));
  GetParam().apply(scenario);

  const ScenarioResult result = RunChecked(scenario);

  EXPECT_EQ(VerdictOf(result), RunVerdict::kFail) << Describe(result);
}

const Mutation kMutations[] = {
    // VI_1 without a check: haproxy's death no longer takes lb1's VIP away.
    {"active_active_no_check", "active-active",
     [](Scenario& s) {
       for (InstanceNodeSpec& n : s.instances[0].nodes) n.check = CheckSpec{};
     }},
    // Without the sync group VI_FRONT is not taken to FAULT with VI_BACK: 10.77.0.200 stays.
    {"sync_group_removed", "sync-group-two-segments", [](Scenario& s) { s.sync_groups.clear(); }},
    // lb2 below lb3: lb3 (the best backup) takes over, not lb2.
    {"unicast_lb2_below_lb3", "three-node-unicast",
     [](Scenario& s) {
       s.nodes[1].priority = 90;
       s.instances[0].nodes[1].priority = 90;
     }},
    // lb2 at priority 10: its Skew_Time (961 ms) is past the 900 ms bound.
    {"second_interface_slow_backup", "vip-second-interface",
     [](Scenario& s) {
       s.nodes[1].priority = 10;
       s.instances[0].nodes[1].priority = 10;
     }},
};

INSTANTIATE_TEST_SUITE_P(Mutations, DeployMutation, ::testing::ValuesIn(kMutations),
                         [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(Cases, Deploy,
                         ::testing::Values("active-active", "vip-second-interface",
                                           "sync-group-two-segments", "three-node-unicast",
                                           "track-interface-weight-over-gap",
                                           "track-interface-weight-under-gap"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace viplab
