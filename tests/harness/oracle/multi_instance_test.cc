// The oracle on deployments with several instances, VIPs, segments and sync groups (issue 9),
// built in code: per-VIP predictions, keepalived 2.2.7's track_interface arithmetic and sync
// group rules, and what it declines to predict. No root, no lab.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/model/vrrp_timing.h"
#include "harness/oracle/explain.h"
#include "harness/oracle/oracle.h"
#include "tests/harness/oracle/oracle_scenarios.h"

namespace viplab {
namespace {

using nlohmann::json;
using oracle_scenarios::Make;

std::string Text(const std::vector<Reason>& reasons) {
  return fmt::format("{}", fmt::join(ToEnglish(reasons), "\n"));
}

// Nodes lb1.. on two segments: eth0 on lan (10.77.0.0/24), eth1 on storage (10.78.0.0/24).
Scenario Deployment(const json& fault, int nodes = 2) {
  json list = json::array();
  for (int i = 1; i <= nodes; ++i) {
    list.push_back({{"name", fmt::format("lb{}", i)}, {"priority", 100}});
  }
  Scenario s = Make(list, fault);
  s.segments = {{"lan", Ipv4Prefix::Parse("10.77.0.0/24")},
                {"storage", Ipv4Prefix::Parse("10.78.0.0/24")}};
  for (NodeSpec& n : s.nodes) n.interfaces = {{"eth0", "lan"}, {"eth1", "storage"}};
  s.instances.clear();
  return s;
}

CheckSpec Script(int weight = 0) {
  CheckSpec c;
  c.type = CheckType::kScript;
  c.weight = weight;
  return c;
}

// Instance `name` on `itf` with `vips` ("10.78.0.201/24@eth1" puts a VIP on eth1) and one
// priority per node lb1, lb2, ...
InstanceSpec Instance(const std::string& name, const std::string& itf, int vrid,
                      const std::vector<std::string>& vips, const std::vector<int>& priorities,
                      CheckSpec check = {}) {
  InstanceSpec i;
  i.name = name;
  i.interface = itf;
  i.virtual_router_id = vrid;
  for (const std::string& v : vips) {
    const size_t at = v.find('@');
    VipSpec vip;
    vip.address = Ipv4Prefix::Parse(v.substr(0, at));
    if (at != std::string::npos) vip.interface = v.substr(at + 1);
    i.vips.push_back(vip);
  }
  for (size_t n = 0; n < priorities.size(); ++n) {
    InstanceNodeSpec in;
    in.node = fmt::format("lb{}", n + 1);
    in.priority = priorities[n];
    in.check = check;
    i.nodes.push_back(in);
  }
  return i;
}

// The nodes' own VRRP fields are the first instance's (scenario.h, NodeSpec).
Scenario& Finish(Scenario& s) {
  for (NodeSpec& n : s.nodes) {
    const InstanceNodeSpec* in = s.instances.front().FindNode(n.name);
    if (in == nullptr) continue;
    n.priority = in->priority;
    n.check = in->check;
  }
  EXPECT_FALSE(s.single_instance());
  return s;
}

const json kServiceKill = {{"target", "service"}, {"action", "kill"}, {"node", "master"}};
const json kLinkDown = {{"target", "link"}, {"action", "down"}, {"node", "master"}};

const Prediction& Vip(const ScenarioPrediction& sp, size_t i) {
  EXPECT_TRUE(sp.not_predicted.empty()) << Text(sp.not_predicted);
  return sp.vips.at(i).faults.at(0);
}

TEST(OracleMulti, ActiveActiveServiceFaultMovesOnlyTheFailedNodesVip) {
  Scenario s = Deployment(kServiceKill);
  s.instances = {Instance("VI_1", "eth0", 51, {"10.77.0.200/24"}, {101, 100}, Script()),
                 Instance("VI_2", "eth0", 52, {"10.77.0.201/24"}, {100, 101}, Script())};
  const ScenarioPrediction sp = PredictScenario(Finish(s));
  ASSERT_EQ(sp.vips.size(), 2u);
  EXPECT_EQ(sp.vips[0].vip, "10.77.0.200");
  EXPECT_EQ(sp.vips[0].instance, "VI_1");
  EXPECT_EQ(sp.vips[1].initial.owner, "lb2");
  const Prediction& v1 = Vip(sp, 0);
  const Prediction& v2 = Vip(sp, 1);
  EXPECT_EQ(v1.target, "lb1");  // "master": the owner of the first VIP
  EXPECT_EQ(v1.owner_after, "lb2");
  EXPECT_TRUE(v1.vip_moves);
  EXPECT_EQ(v2.owner_before, "lb2");
  EXPECT_EQ(v2.owner_after, "lb2");
  EXPECT_FALSE(v2.vip_moves);
  EXPECT_TRUE(FindReason(v2.reasons, ReasonCode::kBackupReleases)) << Text(v2.reasons);
  // initial/faults are the first VIP's.
  EXPECT_EQ(sp.initial.owner, "lb1");
  EXPECT_EQ(sp.faults.at(0).owner_after, "lb2");

  const Expectation x = ScenarioExpectation(sp);
  ASSERT_EQ(x.vips.size(), 2u);
  EXPECT_EQ(x.vips[0].owner_after, "lb2");
  EXPECT_EQ(x.vips[0].vip_moved, true);
  EXPECT_EQ(x.vips[1].vip_moved, false);
  EXPECT_EQ(x.owner_before, std::nullopt);  // lb1 and lb2: no group owner
  EXPECT_EQ(x.owner_after, "lb2");
  EXPECT_EQ(x.vip_moved, false);  // not every VIP moves
  EXPECT_EQ(x.failover_ms->max, v1.failover_ms->max);
}

TEST(OracleMulti, ServiceFaultSparesAnInstanceWithoutCheck) {
  Scenario s = Deployment(kServiceKill);
  s.instances = {Instance("VI_1", "eth0", 51, {"10.77.0.200/24"}, {101, 100}, Script()),
                 Instance("VI_2", "eth0", 52, {"10.77.0.201/24"}, {101, 100})};
  const ScenarioPrediction sp = PredictScenario(Finish(s));
  EXPECT_EQ(Vip(sp, 0).owner_after, "lb2");
  const Prediction& v2 = Vip(sp, 1);
  EXPECT_EQ(v2.owner_after, "lb1");
  EXPECT_TRUE(FindReason(v2.reasons, ReasonCode::kServiceUnwatched)) << Text(v2.reasons);
}

// A link fault on one segment FAULTs the instance there; its sync group takes the other along,
// and lb2's members go MASTER together when the silent member's down timer runs out.
TEST(OracleMulti, SyncGroupLinkFaultMovesBothVips) {
  Scenario s = Deployment(kLinkDown);
  s.fault.interface = "eth1";
  s.instances = {Instance("VI_1", "eth0", 51, {"10.77.0.200/24"}, {101, 100}),
                 Instance("VI_2", "eth1", 52, {"10.78.0.201/24"}, {101, 100})};
  s.sync_groups = {{"G1", {"VI_1", "VI_2"}}};
  const ScenarioPrediction sp = PredictScenario(Finish(s));
  const Prediction& v1 = Vip(sp, 0);
  const Prediction& v2 = Vip(sp, 1);
  EXPECT_EQ(v1.owner_after, "lb2");
  EXPECT_EQ(v2.owner_after, "lb2");
  EXPECT_TRUE(FindReason(v1.reasons, ReasonCode::kSyncFault)) << Text(v1.reasons);
  EXPECT_TRUE(FindReason(v1.reasons, ReasonCode::kSyncWaitsForAll)) << Text(v1.reasons);
  // VI_1 heard a priority-0 advert (skew 609 ms) but waits for VI_2's silent down timer.
  const double mdi = MasterDownMs(100, 1, 2);
  EXPECT_NEAR(*v1.failover_ms->min, mdi - 1000 - kOracleMarginMinMs, 1);
  EXPECT_EQ(*v1.failover_ms->max, *v2.failover_ms->max);
  EXPECT_LT(*v1.release_ms->max, 200);  // it left MASTER at once
}

// VI_1 holds a second VIP on eth1: eth1 down FAULTs it (TRACK_ADDR), and its priority-0 advert
// still leaves over eth0, so lb2 takes both VIPs after its Skew_Time. VI_2 on eth0 is untouched.
TEST(OracleMulti, VipOnASecondInterface) {
  Scenario s = Deployment(kLinkDown);
  s.fault.interface = "eth1";
  s.instances = {
      Instance("VI_1", "eth0", 51, {"10.77.0.200/24", "10.78.0.200/24@eth1"}, {101, 100}),
      Instance("VI_2", "eth0", 52, {"10.77.0.201/24"}, {101, 100})};
  const ScenarioPrediction sp = PredictScenario(Finish(s));
  ASSERT_EQ(sp.vips.size(), 3u);
  EXPECT_EQ(sp.vips[1].vip, "10.78.0.200");
  for (size_t i : {0u, 1u}) {
    const Prediction& p = Vip(sp, i);
    EXPECT_EQ(p.owner_after, "lb2");
    EXPECT_TRUE(FindReason(p.reasons, ReasonCode::kVipInterfaceDown)) << Text(p.reasons);
    EXPECT_TRUE(FindReason(p.reasons, ReasonCode::kTakeoverGraceful)) << Text(p.reasons);
    EXPECT_LT(*p.failover_ms->max, SkewMs(100, 1, 2) + 200);
  }
  const Prediction& v2 = Vip(sp, 2);
  EXPECT_EQ(v2.owner_after, "lb1");
  EXPECT_TRUE(FindReason(v2.reasons, ReasonCode::kInstanceOtherInterface)) << Text(v2.reasons);
}

TEST(OracleMulti, ThreeNodeUnicast) {
  Scenario s = Deployment({{"target", "keepalived"}, {"action", "stop"}, {"node", "master"}}, 3);
  s.instances = {Instance("VI_1", "eth0", 51, {"10.77.0.200/24"}, {103, 102, 101}),
                 Instance("VI_2", "eth0", 52, {"10.77.0.201/24"}, {101, 102, 103})};
  for (InstanceSpec& i : s.instances) i.unicast = true;
  const ScenarioPrediction sp = PredictScenario(Finish(s));
  EXPECT_EQ(sp.vips[1].initial.owner, "lb3");  // lb3 preempts lb1, which started first
  const Prediction& v1 = Vip(sp, 0);
  EXPECT_EQ(v1.owner_after, "lb2");  // the shorter Skew_Time of 102
  EXPECT_TRUE(FindReason(v1.reasons, ReasonCode::kWinsOverRivals)) << Text(v1.reasons);
  const Prediction& v2 = Vip(sp, 1);
  EXPECT_EQ(v2.owner_after, "lb3");
  EXPECT_FALSE(v2.vip_moves);
}

// track_interface eth1 on VI_1 (on eth0) with `weight`; lb1 `p1`, lb2 `p2`, both preempting.
Prediction TrackedLinkDown(int p1, int p2, int weight) {
  Scenario s = Deployment(kLinkDown);
  s.fault.interface = "eth1";
  InstanceSpec i = Instance("VI_1", "eth0", 51, {"10.77.0.200/24"}, {p1, p2});
  i.track_interfaces = {{"eth1", weight}};
  s.instances = {i};
  return Vip(PredictScenario(Finish(s)), 0);
}

TEST(OracleMulti, TrackInterfaceWeightLargerThanTheGapPreempts) {
  const Prediction p = TrackedLinkDown(101, 100, -20);
  EXPECT_EQ(p.owner_after, "lb2");
  const Reason* r = FindReason(p.reasons, ReasonCode::kTrackInterfaceWeight);
  ASSERT_NE(r, nullptr) << Text(p.reasons);
  EXPECT_EQ(r->integer(4), 101);
  EXPECT_EQ(r->integer(5), 81);
  EXPECT_TRUE(FindReason(p.reasons, ReasonCode::kTakeoverPreempt)) << Text(p.reasons);
  const double mdi = MasterDownMs(100, 1, 2);
  EXPECT_NEAR(*p.failover_ms->max, mdi + 10 + kOracleMarginMaxMs, 1);  // netlink 10 ms
}

TEST(OracleMulti, TrackInterfaceWeightNotLargerThanTheGapKeepsTheVip) {
  const Prediction equal = TrackedLinkDown(101, 100, -1);
  EXPECT_EQ(equal.owner_after, "lb1");
  EXPECT_TRUE(FindReason(equal.reasons, ReasonCode::kEqualNoTakeover)) << Text(equal.reasons);
  const Prediction below = TrackedLinkDown(110, 100, -5);
  EXPECT_EQ(below.owner_after, "lb1");
  EXPECT_TRUE(FindReason(below.reasons, ReasonCode::kStillBelow)) << Text(below.reasons);
}

TEST(OracleMulti, PositiveTrackWeightIsAddedWhileUp) {
  // Both track eth1 with +20: 121 and 120; lb1's eth1 down takes it to 101 < 120.
  const Prediction p = TrackedLinkDown(101, 100, 20);
  EXPECT_EQ(p.owner_after, "lb2");
  const Reason* r = FindReason(p.reasons, ReasonCode::kTrackInterfaceWeight);
  ASSERT_NE(r, nullptr) << Text(p.reasons);
  EXPECT_EQ(r->integer(4), 121);
  EXPECT_EQ(r->integer(5), 101);
}

TEST(OracleMulti, TrackInterfaceWeightZeroFaults) {
  const Prediction p = TrackedLinkDown(101, 100, 0);
  EXPECT_EQ(p.owner_after, "lb2");
  EXPECT_TRUE(FindReason(p.reasons, ReasonCode::kTrackInterfaceDown)) << Text(p.reasons);
  EXPECT_TRUE(FindReason(p.reasons, ReasonCode::kTakeoverGraceful)) << Text(p.reasons);
}

// The example of notes/common.md: VI_1 101/100 tracking eth1 -20, VI_2 100/101 with a VIP on
// eth1, in one sync group. lb2's VI_2 cannot go MASTER alone, so lb1 owns both; eth1 down on lb1
// FAULTs VI_2 there (its VIP's interface), VI_1 follows, and lb2 takes both.
TEST(OracleMulti, SyncGroupExampleOfTheIssue) {
  Scenario s = Deployment(kLinkDown);
  s.fault.interface = "eth1";
  InstanceSpec vi1 = Instance("VI_1", "eth0", 51, {"10.77.0.200/24"}, {101, 100}, Script());
  vi1.track_interfaces = {{"eth1", -20}};
  s.instances = {
      vi1, Instance("VI_2", "eth0", 52, {"10.77.0.201/24", "10.78.0.201/24@eth1"}, {100, 101})};
  s.sync_groups = {{"G1", {"VI_1", "VI_2"}}};
  const ScenarioPrediction sp = PredictScenario(Finish(s));
  ASSERT_EQ(sp.vips.size(), 3u);
  EXPECT_EQ(sp.vips[1].initial.owner, "lb1");
  EXPECT_TRUE(FindReason(sp.vips[1].initial.reasons, ReasonCode::kSyncInitialHeld));
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(Vip(sp, i).owner_after, "lb2") << i;
  EXPECT_TRUE(FindReason(Vip(sp, 0).reasons, ReasonCode::kSyncTrackWeightKept));
  EXPECT_TRUE(FindReason(Vip(sp, 0).reasons, ReasonCode::kSyncFault));
  EXPECT_TRUE(FindReason(Vip(sp, 1).reasons, ReasonCode::kVipInterfaceDown));
  const Expectation x = ScenarioExpectation(sp);
  EXPECT_EQ(x.owner_before, "lb1");
  EXPECT_EQ(x.owner_after, "lb2");
  EXPECT_EQ(x.vip_moved, true);
}

// The same example in the scenario JSON's instances form, and its expect agreeing in explain.
TEST(OracleMulti, JsonExampleOfTheIssue) {
  const json j = json::parse(R"({
    "name": "x/active-active", "vrrp_version": 2, "advert_int": 1,
    "segments": [{"name": "lan", "subnet": "10.77.0.0/24"},
                 {"name": "storage", "subnet": "10.78.0.0/24"}],
    "nodes": [{"name": "lb1", "interfaces": [{"name": "eth0", "segment": "lan"},
                                             {"name": "eth1", "segment": "storage"}]},
              {"name": "lb2", "interfaces": [{"name": "eth0", "segment": "lan"},
                                             {"name": "eth1", "segment": "storage"}]}],
    "instances": [
      {"name": "VI_1", "interface": "eth0", "virtual_router_id": 51, "vips": ["10.77.0.200/24"],
       "check": {"type": "script", "weight": 0},
       "track_interface": [{"interface": "eth1"}],
       "nodes": {"lb1": {"priority": 101}, "lb2": {"priority": 100}}},
      {"name": "VI_2", "interface": "eth0", "virtual_router_id": 52,
       "vips": ["10.77.0.201/24", {"address": "10.78.0.201/24", "interface": "eth1"}],
       "nodes": {"lb1": {"priority": 100}, "lb2": {"priority": 101}}}],
    "sync_groups": [{"name": "G1", "instances": ["VI_1", "VI_2"]}],
    "fault": {"target": "link", "action": "down", "node": "master", "interface": "eth1"},
    "expect": {"vips": [{"vip": "10.77.0.200", "owner_after": "lb2"}]}})");
  const Scenario s = ScenarioFromJson(j, "x.json");
  const ScenarioPrediction sp = PredictScenario(s);
  ASSERT_EQ(sp.vips.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(Vip(sp, i).owner_after, "lb2") << i;
  const ExplainResult r = ExplainScenarioResult(s);
  EXPECT_TRUE(r.agrees) << r.text;
  EXPECT_EQ(r.compared, 1);
}

TEST(OracleMulti, SyncGroupDropsWeightedScripts) {
  Scenario s = Deployment(kServiceKill);
  s.instances = {Instance("VI_1", "eth0", 51, {"10.77.0.200/24"}, {101, 100}, Script(-20)),
                 Instance("VI_2", "eth1", 52, {"10.78.0.201/24"}, {101, 100}, Script(-20))};
  s.sync_groups = {{"G1", {"VI_1", "VI_2"}}};
  const ScenarioPrediction sp = PredictScenario(Finish(s));
  const Prediction& p = Vip(sp, 0);
  EXPECT_EQ(p.owner_after, "lb1");
  EXPECT_TRUE(FindReason(p.reasons, ReasonCode::kSyncScriptWeightIgnored)) << Text(p.reasons);
}

TEST(OracleMulti, NotPredicted) {
  // A weighted track_process in a sync group: a priority change inside the group.
  Scenario s = Deployment(kServiceKill);
  CheckSpec process;
  process.type = CheckType::kProcess;
  process.weight = -20;
  s.instances = {Instance("VI_1", "eth0", 51, {"10.77.0.200/24"}, {101, 100}, process),
                 Instance("VI_2", "eth1", 52, {"10.78.0.201/24"}, {101, 100}, process)};
  s.sync_groups = {{"G1", {"VI_1", "VI_2"}}};
  const ScenarioPrediction sp = PredictScenario(Finish(s));
  ASSERT_FALSE(sp.not_predicted.empty());
  EXPECT_EQ(sp.not_predicted.front().code, ReasonCode::kNotPredictedSyncPriority);
  EXPECT_TRUE(sp.faults.empty());
  EXPECT_EQ(sp.vips.size(), 2u);  // initial owners only
  EXPECT_TRUE(ScenarioExpectation(sp).empty());
  const ExplainResult r = ExplainScenarioResult(s);
  EXPECT_TRUE(r.agrees);
  EXPECT_NE(r.text.find("does not predict"), std::string::npos) << r.text;

  // A weighted track_interface in a sync group, and nothing else FAULTs: a priority change.
  Scenario w = Deployment(kLinkDown);
  w.fault.interface = "eth1";
  InstanceSpec tracked = Instance("VI_1", "eth0", 51, {"10.77.0.200/24"}, {101, 100});
  tracked.track_interfaces = {{"eth1", -20}};
  w.instances = {tracked, Instance("VI_2", "eth0", 52, {"10.77.0.201/24"}, {101, 100})};
  w.sync_groups = {{"G1", {"VI_1", "VI_2"}}};
  EXPECT_EQ(PredictScenario(Finish(w)).not_predicted.at(0).code,
            ReasonCode::kNotPredictedSyncPriority);

  // A fault on an interface the node lacks; a sequence.
  Scenario t = Deployment(kLinkDown);
  t.fault.interface = "eth7";
  t.instances = {
      Instance("VI_1", "eth0", 51, {"10.77.0.200/24", "10.78.0.200/24@eth1"}, {101, 100})};
  EXPECT_EQ(PredictScenario(Finish(t)).not_predicted.at(0).code,
            ReasonCode::kNotPredictedUnknownInterface);
  Step inject;
  inject.kind = Step::Kind::kInject;
  inject.fault = t.fault;
  t.steps = {inject};
  t.fault.interface.clear();
  EXPECT_EQ(PredictScenario(t).not_predicted.at(0).code, ReasonCode::kNotPredictedSequence);
}

TEST(OracleMulti, ExplainPrintsEveryVip) {
  Scenario s = Deployment(kServiceKill);
  s.instances = {Instance("VI_1", "eth0", 51, {"10.77.0.200/24"}, {101, 100}, Script()),
                 Instance("VI_2", "eth0", 52, {"10.77.0.201/24"}, {100, 101}, Script())};
  const ExplainResult r = ExplainScenarioResult(Finish(s));
  EXPECT_TRUE(r.agrees);
  EXPECT_NE(r.text.find("10.77.0.200 (VI_1): lb1 → lb2: the VIP moves"), std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("10.77.0.201 (VI_2): lb2 → lb2: the VIP stays"), std::string::npos)
      << r.text;

  // An explicit expect: the group and one VIP, compared.
  s.expect.owner_after = "lb2";
  VipExpectation v;
  v.vip = "10.77.0.201";
  v.vip_moved = true;  // wrong: VI_2 stays on lb2
  s.expect.vips = {v};
  const ExplainResult wrong = ExplainScenarioResult(s);
  EXPECT_FALSE(wrong.agrees) << wrong.text;
  EXPECT_EQ(wrong.compared, 2);
}

TEST(OracleMulti, SingleInstanceScenariosAreUnchanged) {
  const Scenario s =
      Make(oracle_scenarios::TwoNodes(), kServiceKill, {{"check", {{"type", "script"}}}});
  ASSERT_TRUE(s.single_instance());
  const ScenarioPrediction sp = PredictScenario(s);
  EXPECT_TRUE(sp.vips.empty());
  EXPECT_TRUE(sp.not_predicted.empty());
  EXPECT_EQ(ScenarioExpectation(sp).owner_after,
            ExpectationFromPrediction(sp.faults[0]).owner_after);
}

}  // namespace
}  // namespace viplab
