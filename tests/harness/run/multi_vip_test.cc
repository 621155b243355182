// The run layer with several instances and VIPs (issue 9), on LabState values built by hand:
// readiness, the decision of a single fault (VipsMovedAway), wait steps on vip_owners, judging
// expect.vips, the window, and a scenario the oracle does not predict. No root.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/model/vrrp_timing.h"
#include "harness/result/run_verdict.h"
#include "harness/run/deployment_timing.h"
#include "harness/run/judge.h"
#include "harness/run/readiness.h"
#include "harness/run/runner.h"

namespace viplab {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kT = TimePoint() + std::chrono::hours(1);
const std::string kVip1 = "10.77.0.200";
const std::string kVip2 = "10.77.0.201";

// An active/active pair, VRRPv3, advert 0.5 s: VI_1 (10.77.0.200) lb1 150 / lb2 100, VI_2
// (10.77.0.201) lb1 100 / lb2 150.
Scenario ActiveActive() {
  Scenario s = ScenarioFromJson(nlohmann::json::parse(R"({
    "name": "multi", "vip": "10.77.0.200/24", "subnet": "10.77.0.0/24",
    "vrrp_version": 3, "advert_int": 0.5,
    "nodes": [{"name": "lb1", "priority": 150}, {"name": "lb2", "priority": 100}],
    "check": {"type": "none"},
    "fault": {"target": "keepalived", "action": "crash", "node": "master"}
  })"),
                                "multi.json");
  InstanceSpec vi2 = s.instances.front();
  vi2.name = "VI_2";
  vi2.virtual_router_id = 52;
  vi2.vips = {VipSpec{Ipv4Prefix::Parse(kVip2 + "/24"), ""}};
  vi2.nodes[0].priority = 100;
  vi2.nodes[1].priority = 150;
  s.instances.push_back(vi2);
  return s;
}

// lb1 owns VIP 1 and is MASTER of VI_1, lb2 owns VIP 2 and is MASTER of VI_2, since `since`
// (every state and owner); the client is served by lb1.
LabState Converged(TimePoint since) {
  LabState s;
  s.vip_owners = {"lb1"};
  s.owner_since["lb1"] = since;
  s.owners_by_vip = {{kVip1, {"lb1"}}, {kVip2, {"lb2"}}};
  s.vip_owner_since = {{kVip1, {{"lb1", since}}}, {kVip2, {{"lb2", since}}}};
  s.instance_state = {{"VI_1", {{"lb1", "MASTER"}, {"lb2", "BACKUP"}}},
                      {"VI_2", {{"lb1", "BACKUP"}, {"lb2", "MASTER"}}}};
  s.instance_state_since = {{"VI_1", {{"lb1", since}, {"lb2", since}}},
                            {"VI_2", {{"lb1", since}, {"lb2", since}}}};
  s.vrrp_state = s.instance_state["VI_1"];
  s.vrrp_state_since = s.instance_state_since["VI_1"];
  s.client_served_by = "lb1";
  s.client_served_since = since;
  return s;
}

TEST(MultiVipReadiness, ReadyWhenEveryVipHasItsMasterAndBackupsSettled) {
  const Scenario scenario = ActiveActive();
  ASSERT_FALSE(scenario.single_instance());
  const LabState s = Converged(kT);
  EXPECT_TRUE(ReadyForFault(scenario, s, kT + seconds(10)));
  // Masters for less than one advert (500 ms): not yet; the recheck names when.
  EXPECT_FALSE(ReadyForFault(scenario, s, kT + milliseconds(400)));
  ASSERT_TRUE(ReadyRecheckAt(scenario, s));
  EXPECT_GT(*ReadyRecheckAt(scenario, s), kT + milliseconds(400));
}

TEST(MultiVipReadiness, NotReadyWhenAVipHasNoOrTwoOwners) {
  const Scenario scenario = ActiveActive();
  const TimePoint later = kT + seconds(10);
  LabState s = Converged(kT);
  s.owners_by_vip[kVip2] = {};
  EXPECT_FALSE(ReadyForFault(scenario, s, later));
  s.owners_by_vip[kVip2] = {"lb1", "lb2"};
  EXPECT_FALSE(ReadyForFault(scenario, s, later));
  s.owners_by_vip.erase(kVip2);  // a VIP the observer never saw
  EXPECT_FALSE(ReadyForFault(scenario, s, later));
}

TEST(MultiVipReadiness, NotReadyWhenTheOwnerIsNotMasterOfItsInstanceOrABackupIsNotSettled) {
  const Scenario scenario = ActiveActive();
  const TimePoint later = kT + seconds(10);
  LabState s = Converged(kT);
  s.instance_state["VI_2"]["lb2"] = "BACKUP";  // owns VIP 2 but is not MASTER of VI_2
  EXPECT_FALSE(ReadyForFault(scenario, s, later));
  s = Converged(kT);
  s.instance_state["VI_2"]["lb1"] = "FAULT";
  EXPECT_FALSE(ReadyForFault(scenario, s, later));
  // lb1 became BACKUP of VI_2 just now: it must have heard lb2 for an advert first.
  s = Converged(kT);
  s.instance_state_since["VI_2"]["lb1"] = later - milliseconds(100);
  EXPECT_FALSE(ReadyForFault(scenario, s, later));
  EXPECT_TRUE(ReadyForFault(scenario, s, later + milliseconds(500)));
  // No since for an instance state (the observer does not fill it): never ready.
  s = Converged(kT);
  s.instance_state_since.erase("VI_2");
  EXPECT_FALSE(ReadyForFault(scenario, s, later));
}

TEST(MultiVipReadiness, ClientServedByTheOwnerOfTheFirstVip) {
  const Scenario scenario = ActiveActive();
  LabState s = Converged(kT);
  s.client_served_by = "lb2";
  EXPECT_FALSE(ReadyForFault(scenario, s, kT + seconds(10)));
  s.client_served_by.reset();
  EXPECT_FALSE(ReadyForFault(scenario, s, kT + seconds(10)));
}

TEST(MultiVipMovedAway, DecidedOnceEveryVipHasAStableOwnerAndTheExpectedOnesMoved) {
  const Scenario scenario = ActiveActive();
  const LabState before = Converged(kT);
  const std::map<std::string, std::string> owners_before = OwnersBefore(before);
  EXPECT_EQ(owners_before, (std::map<std::string, std::string>{{kVip1, "lb1"}, {kVip2, "lb2"}}));
  Expectation e;
  VipExpectation moves;
  moves.vip = kVip1;
  moves.owner_after = "lb2";
  e.vips = {moves};
  const std::set<std::string> must_move = VipsExpectedToMove(e, owners_before);
  EXPECT_EQ(must_move, std::set<std::string>{kVip1});

  const TimePoint fault = kT + seconds(10);
  LabState s = before;
  EXPECT_FALSE(VipsMovedAway(scenario, s, fault + seconds(1), owners_before, must_move));
  // VIP 1 released, no owner: not decided.
  s.owners_by_vip[kVip1] = {};
  s.vip_owner_since[kVip1].clear();
  EXPECT_FALSE(VipsMovedAway(scenario, s, fault + seconds(1), owners_before, must_move));
  // lb2 takes VIP 1 at fault + 2 s; the client follows.
  const TimePoint taken = fault + seconds(2);
  s.owners_by_vip[kVip1] = {"lb2"};
  s.vip_owner_since[kVip1]["lb2"] = taken;
  s.client_served_by = "lb2";
  EXPECT_FALSE(VipsMovedAway(scenario, s, taken + milliseconds(100), owners_before, must_move));
  ASSERT_TRUE(VipsMovedRecheckAt(scenario, s));
  EXPECT_EQ(*VipsMovedRecheckAt(scenario, s), taken + milliseconds(500));
  EXPECT_TRUE(VipsMovedAway(scenario, s, taken + milliseconds(500), owners_before, must_move));
  // The client not yet served by the first VIP's new owner: not decided.
  s.client_served_by = "lb1";
  EXPECT_FALSE(VipsMovedAway(scenario, s, taken + milliseconds(500), owners_before, must_move));
  s.client_served_by = "lb2";
  // VIP 2 with two owners: not decided.
  s.owners_by_vip[kVip2] = {"lb1", "lb2"};
  EXPECT_FALSE(VipsMovedAway(scenario, s, taken + seconds(1), owners_before, must_move));
}

TEST(MultiVipMovedAway, TheWrongVipMovingIsNotTheExpectedMove) {
  const Scenario scenario = ActiveActive();
  const LabState before = Converged(kT);
  const auto owners_before = OwnersBefore(before);
  const std::set<std::string> must_move{kVip1};
  LabState s = before;
  s.owners_by_vip[kVip2] = {"lb1"};  // VIP 2 moved, VIP 1 did not
  s.vip_owner_since[kVip2] = {{"lb1", kT + seconds(1)}};
  EXPECT_FALSE(VipsMovedAway(scenario, s, kT + seconds(10), owners_before, must_move));
  // Without an expectation of which one: any move of a settled set decides.
  EXPECT_TRUE(VipsMovedAway(scenario, s, kT + seconds(10), owners_before, {}));
}

TEST(MultiVipMovedAway, GroupExpectationMovesEveryVipNotAlreadyOnTheNewOwner) {
  const std::map<std::string, std::string> before{{kVip1, "lb1"}, {kVip2, "lb2"}};
  Expectation e;
  e.owner_after = "lb2";
  EXPECT_EQ(VipsExpectedToMove(e, before), std::set<std::string>{kVip1});
  e.vip_moved = true;
  EXPECT_EQ(VipsExpectedToMove(e, before), (std::set<std::string>{kVip1, kVip2}));
  EXPECT_TRUE(VipsExpectedToMove(Expectation{}, before).empty());
  Expectation stays;
  stays.vip_moved = false;
  EXPECT_TRUE(VipsExpectedToMove(stays, before).empty());
}

TEST(MultiVipWait, VipOwnersAndOwnerOfEveryVip) {
  LabState s = Converged(kT);
  WaitCondition w;
  w.vip_owners = {{kVip1, "lb1"}, {kVip2, "lb2"}};
  EXPECT_TRUE(WaitHolds(w, s));
  w.vip_owners = {{kVip2, "lb1"}};
  EXPECT_FALSE(WaitHolds(w, s));
  w.vip_owners = {{"10.77.0.250", "none"}};  // unknown VIP: no owner
  EXPECT_TRUE(WaitHolds(w, s));
  WaitCondition owner;
  owner.owner = "lb1";  // every VIP's owner: VIP 2 is lb2's
  EXPECT_FALSE(WaitHolds(owner, s));
  s.owners_by_vip[kVip2] = {"lb1"};
  EXPECT_TRUE(WaitHolds(owner, s));
  owner.owner = "none";
  EXPECT_FALSE(WaitHolds(owner, s));
  s = LabState{};
  s.owners_by_vip = {{kVip1, {}}, {kVip2, {}}};
  EXPECT_TRUE(WaitHolds(owner, s));
}

Measurement TwoVipMeasurement() {
  Measurement m;
  m.owner_before = "lb1";
  m.owners_after = {"lb2"};
  m.owner_after = "lb2";
  m.vip_moved = true;
  VipMeasurement one;
  one.vip = kVip1;
  one.instance = "VI_1";
  one.owner_before = "lb1";
  one.owners_after = {"lb2"};
  one.owner_after = "lb2";
  one.vip_moved = true;
  one.failover_ms = 1800;
  VipMeasurement two;
  two.vip = kVip2;
  two.instance = "VI_2";
  two.owner_before = "lb2";
  two.owners_after = {"lb2"};
  two.owner_after = "lb2";
  m.vips = {one, two};
  return m;
}

TEST(JudgeVips, EachVipAgainstItsOwnMeasurement) {
  Expectation e;
  VipExpectation one;
  one.vip = kVip1;
  one.owner_before = "lb1";
  one.owner_after = "lb2";
  one.failover_ms = Bound{1000, 2500};
  VipExpectation two;
  two.vip = kVip2;
  two.vip_moved = false;
  e.vips = {one, two};
  Verdict v = Judge(e, TwoVipMeasurement());
  EXPECT_TRUE(v.passed) << ::testing::PrintToString(v.failures);
  EXPECT_TRUE(v.errors.empty());
  EXPECT_EQ(v.outcome_checks, 3u);
  ASSERT_EQ(v.checks.size(), 4u);
  EXPECT_EQ(v.checks[0], "vips[10.77.0.200].owner_before: expected lb1, measured lb1");
  EXPECT_EQ(v.checks[2],
            "vips[10.77.0.200].failover_ms: expected [1000, 2500] ms, measured "
            "1800.0 ms");

  e.vips[1].vip_moved = true;
  e.vips[0].failover_ms = Bound{std::nullopt, 1500};
  v = Judge(e, TwoVipMeasurement());
  EXPECT_FALSE(v.passed);
  ASSERT_EQ(v.failures.size(), 2u);
  EXPECT_EQ(v.failures[0],
            "vips[10.77.0.200].failover_ms: expected [-, 1500] ms, measured "
            "1800.0 ms");
  EXPECT_EQ(v.failures[1], "vips[10.77.0.201].vip_moved: expected true, measured false");
  EXPECT_TRUE(v.errors.empty());
}

TEST(JudgeVips, AVipWithoutAMeasurementIsAnErrorNeverAPass) {
  Expectation e;
  VipExpectation missing;
  missing.vip = "10.77.0.202";
  missing.owner_after = "lb2";
  e.vips = {missing};
  const Verdict v = Judge(e, TwoVipMeasurement());
  EXPECT_FALSE(v.passed);
  ASSERT_EQ(v.errors.size(), 1u);
  EXPECT_EQ(v.errors[0], "vips[10.77.0.202]: no measurement of this VIP");
  EXPECT_EQ(v.failures, v.errors);
}

TEST(JudgeVips, GroupFieldsStillJudgeTheTopLevelMeasurement) {
  Expectation e;
  e.owner_after = "lb2";
  e.vip_moved = true;
  const Verdict v = Judge(e, TwoVipMeasurement());
  EXPECT_TRUE(v.passed);
  EXPECT_EQ(v.checks, (std::vector<std::string>{"owner_after: expected lb2, measured lb2",
                                                "vip_moved: expected true, measured true"}));
}

TEST(NotPredicted, JudgedByTheOracleIsInconclusiveWithItsReasons) {
  ScenarioResult r;
  r.passed = true;
  r.judged_by = "oracle";
  r.not_predicted = {Reason{ReasonCode::kStackedFault, {}}};  // any reason
  r.verdict.outcome_checks = 3;  // even with checks that held: never a pass
  const std::string why = InconclusiveReason(r, false);
  EXPECT_EQ(why,
            "the oracle does not predict this scenario: " + ToEnglish(r.not_predicted.front()));
  r.inconclusive = why;
  EXPECT_EQ(VerdictOf(r), RunVerdict::kInconclusive);
  // Judged by its own expect block, the oracle's gap does not matter.
  r.judged_by = "expect";
  EXPECT_EQ(InconclusiveReason(r, false), "");
}

TEST(DeploymentTiming, WindowCoversEveryInstanceAndTheVipBounds) {
  Scenario scenario = ActiveActive();
  const double window = DeploymentWindowMs(scenario, 0);
  const Scenario vi1 = InstanceTimingView(scenario, scenario.instances[0], Tracked::kAllDown);
  const Scenario vi2 = InstanceTimingView(scenario, scenario.instances[1], Tracked::kAllDown);
  EXPECT_EQ(window, std::max(ObservationWindowMs(vi1), ObservationWindowMs(vi2)));
  EXPECT_GE(window, 2 * LargestMasterDownMs(vi2));
  VipExpectation slow;
  slow.vip = kVip2;
  slow.failover_ms = Bound{std::nullopt, 30000};
  scenario.expect.vips = {slow};
  EXPECT_EQ(DeploymentWindowMs(scenario, 0), 31000);
  EXPECT_EQ(DeploymentWindowMs(scenario, 40000), 40500);
  // A tracked interface's negative weight lowers the priority the down timer is computed at.
  scenario.instances[1].track_interfaces = {{"eth0", -50}};
  const Scenario down = InstanceTimingView(scenario, scenario.instances[1], Tracked::kAllDown);
  EXPECT_EQ(down.FindNode("lb2")->priority, 100);
  const Scenario up = InstanceTimingView(scenario, scenario.instances[1], Tracked::kAllUp);
  EXPECT_EQ(up.FindNode("lb2")->priority, 150);
}

TEST(MultiVipNewResult, TheDeploymentWindowAndTheFilesExpectVips) {
  Scenario scenario = ActiveActive();
  VipExpectation moves;
  moves.vip = kVip1;
  moves.owner_after = "lb2";
  scenario.expect.vips = {moves};
  const ScenarioResult r = NewResult(scenario, RunOptions{});
  EXPECT_EQ(r.judged_by, "expect");
  ASSERT_EQ(r.expected.vips.size(), 1u);
  EXPECT_GE(r.window_ms, DeploymentWindowMs(scenario, 0));
  // A single-instance scenario keeps today's window.
  Scenario single = ActiveActive();
  single.instances.pop_back();
  ASSERT_TRUE(single.single_instance());
  EXPECT_EQ(NewResult(single, RunOptions{}).window_ms,
            ObservationWindowMs(single, LatestPredictedMs(PredictScenario(single))));
}

}  // namespace
}  // namespace viplab
