// The oracle predicts outcomes from a scenario alone. These tests pin it to the RFC timer table of
// docs/vrrp-timing.md and to what the lab measured for cases/issue-2599 (b ~ 933 ms,
// c ~ 3525 ms, d ~ 39 ms). No root, no lab.
#include "harness/oracle/oracle.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/model/vrrp_timing.h"
#include "harness/oracle/explain.h"
#include "netns/error.h"
#include "oracle_scenarios.h"

namespace viplab {
namespace {

using nlohmann::json;
using oracle_scenarios::Make;
using oracle_scenarios::TwoNodes;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

Scenario Case(const std::string& name) {
  return LoadScenario(std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases/issue-2599" /
                      (name + ".json"));
}

Prediction PredictCase(const std::string& name) {
  const ScenarioPrediction sp = PredictScenario(Case(name));
  EXPECT_EQ(sp.faults.size(), 1u);
  return sp.faults.front();
}

bool Contains(const Bound& b, double ms) { return *b.min <= ms && ms <= *b.max; }
bool Within(const Bound& inner, const Bound& outer) {
  return *inner.min >= *outer.min && *inner.max <= *outer.max;
}

Prediction Predict(const Scenario& s) { return PredictScenario(s).faults.at(0); }

bool AnyReasonHas(const std::vector<std::string>& reasons, const std::string& text) {
  for (const std::string& r : reasons) {
    if (r.find(text) != std::string::npos) return true;
  }
  return false;
}

// --- keepalived issue #2599 --------------------------------------------------------------------

TEST(OracleIssue2599, AWeight2NopreemptStaysOnLb1) {
  const Prediction p = PredictCase("a-weight2-nopreempt");
  EXPECT_EQ(p.owner_before, "lb1");
  EXPECT_EQ(p.owner_after, "lb1");
  EXPECT_FALSE(p.vip_moves);
  EXPECT_FALSE(p.failover_ms);
  EXPECT_FALSE(p.split_brain);
  EXPECT_EQ(p.confidence, Confidence::kHigh);
  EXPECT_TRUE(AnyReasonHas(p.reasons, "nopreempt"))
      << fmt::format("{}", fmt::join(p.reasons, "\n"));
  EXPECT_TRUE(AnyReasonHas(p.reasons, "103 → 101"));
}

TEST(OracleIssue2599, BNoWeightFaultMovesAfterDetectionPlusSkew) {
  const Prediction p = PredictCase("b-no-weight-fault");
  EXPECT_EQ(p.owner_after, "lb2");
  EXPECT_TRUE(p.vip_moves);
  ASSERT_TRUE(p.failover_ms);
  const Bound& w = *p.failover_ms;
  EXPECT_TRUE(Within(w, Bound{0, 1900}));
  EXPECT_TRUE(Within(w, *Case("b-no-weight-fault").expect.failover_ms));
  // min: the check can fail right after the fault, then Skew_Time(100); max: interval x fall +
  // the refused probe's run time + Skew_Time, plus the margins.
  const double skew = SkewMs(100, 1, 2);
  EXPECT_NEAR(*w.min, skew - kOracleMarginMinMs, 0.01);
  EXPECT_GE(*w.max, 1000 + skew);
  EXPECT_LE(*w.max, 1000 + skew + 50 + kOracleMarginMaxMs + 0.01);
  // The lab measured about 900..1000 ms.
  EXPECT_TRUE(Contains(w, 900));
  EXPECT_TRUE(Contains(w, 1000));
  EXPECT_FALSE(p.split_brain);
}

TEST(OracleIssue2599, CWeight4PreemptMovesAboutThreeSecondsLaterThanB) {
  const Prediction b = PredictCase("b-no-weight-fault");
  const Prediction c = PredictCase("c-weight4-preempt");
  EXPECT_EQ(c.owner_after, "lb2");
  EXPECT_TRUE(c.vip_moves);
  ASSERT_TRUE(c.failover_ms);
  EXPECT_TRUE(Within(*c.failover_ms, *Case("c-weight4-preempt").expect.failover_ms));
  // (MDI - advert, detection + MDI] with MDI = 3 s + (256 - 104)/256 s.
  const double mdi = MasterDownMs(104, 1, 2);
  EXPECT_NEAR(*c.failover_ms->min, mdi - 1000 - kOracleMarginMinMs, 0.01);
  EXPECT_TRUE(Contains(*c.failover_ms, 3500));
  EXPECT_TRUE(Contains(*c.failover_ms, 3600));
  const double mid_b = (*b.failover_ms->min + *b.failover_ms->max) / 2;
  const double mid_c = (*c.failover_ms->min + *c.failover_ms->max) / 2;
  EXPECT_GT(mid_c - mid_b, 2000);
  EXPECT_LT(mid_c - mid_b, 3500);
  EXPECT_TRUE(AnyReasonHas(c.reasons, "discards lb1's lower-priority adverts"));
}

TEST(OracleIssue2599, DTrackProcessMovesWithinTheSkew) {
  const Prediction p = PredictCase("d-track-process");
  EXPECT_EQ(p.owner_after, "lb2");
  ASSERT_TRUE(p.failover_ms);
  EXPECT_LT(*p.failover_ms->max, 150);
  EXPECT_NEAR(*p.failover_ms->min, SkewMs(251, 1, 2) - kOracleMarginMinMs, 0.01);
  EXPECT_TRUE(Contains(*p.failover_ms, 35));
  EXPECT_TRUE(Contains(*p.failover_ms, 45));
}

TEST(OracleIssue2599, ExpectationsFromThePredictionMatchTheCaseFiles) {
  for (const char* name :
       {"a-weight2-nopreempt", "b-no-weight-fault", "c-weight4-preempt", "d-track-process"}) {
    const Scenario s = Case(name);
    const Expectation x = ExpectationFromPrediction(PredictScenario(s).faults.at(0));
    EXPECT_EQ(x.owner_before, s.expect.owner_before) << name;
    EXPECT_EQ(x.owner_after, s.expect.owner_after) << name;
    EXPECT_EQ(x.vip_moved, s.expect.vip_moved) << name;
    EXPECT_EQ(x.failover_ms.has_value(), s.expect.failover_ms.has_value()) << name;
  }
  // b: lb1 removes the VIP before lb2 adds it, so no double ownership can show.
  EXPECT_EQ(ExpectationFromPrediction(PredictCase("b-no-weight-fault")).split_brain, false);
  // c: lb2 adds the VIP before lb1 hears it and removes its own: a handover race, not asserted.
  EXPECT_FALSE(ExpectationFromPrediction(PredictCase("c-weight4-preempt")).split_brain);
}

// --- RFC timers --------------------------------------------------------------------------------

struct TimerRow {
  int backup;
  double skew_ms;
  double mdi_ms;
};

// The table of docs/vrrp-timing.md (advert 1 s, VRRPv2); the master is one priority step above.
TEST(OracleTimers, GracefulStopAndCrashFollowTheReferenceTable) {
  for (const TimerRow row : {TimerRow{254, 7.8, 3008}, TimerRow{251, 19.5, 3020},
                             TimerRow{101, 605, 3605}, TimerRow{100, 609, 3609}}) {
    const json nodes = TwoNodes(row.backup + 1, row.backup);
    const Prediction stop = Predict(Make(nodes, {{"target", "keepalived"}, {"action", "stop"}}));
    ASSERT_TRUE(stop.failover_ms) << row.backup;
    // Priority-0 advert: the backup takes over after its Skew_Time.
    EXPECT_NEAR(*stop.failover_ms->min + kOracleMarginMinMs, row.skew_ms, 0.6) << row.backup;
    EXPECT_TRUE(Contains(*stop.failover_ms, row.skew_ms));
    const Prediction crash = Predict(Make(nodes, {{"target", "keepalived"}, {"action", "crash"}}));
    ASSERT_TRUE(crash.failover_ms) << row.backup;
    // Silence: (MDI - advert, MDI] after the crash.
    EXPECT_NEAR(*crash.failover_ms->max - kOracleMarginMaxMs, row.mdi_ms, 0.6) << row.backup;
    EXPECT_NEAR(*crash.failover_ms->min + kOracleMarginMinMs, row.mdi_ms - 1000, 0.6);
  }
}

TEST(OracleTimers, CheckHelpers) {
  CheckSpec script;
  script.type = CheckType::kScript;
  script.interval = 2;
  script.fall = 3;
  EXPECT_EQ(CheckDetectionMinMs(script), 4000);
  EXPECT_EQ(ScriptProbeTimeoutMs(script), 500);  // capped
  script.interval = 0.05;
  EXPECT_EQ(ScriptProbeTimeoutMs(script), 50);  // floor
  script.interval = 0.4;
  EXPECT_EQ(ScriptProbeTimeoutMs(script), 200);  // half the interval
  CheckSpec process;
  process.type = CheckType::kProcess;
  EXPECT_EQ(CheckDetectionMinMs(process), 0);
}

TEST(OracleTimers, ProbabilityOfLossRun) {
  EXPECT_DOUBLE_EQ(ProbabilityOfLossRun(0.5, 3, 3), 0.125);
  EXPECT_DOUBLE_EQ(ProbabilityOfLossRun(0.5, 3, 4), 0.1875);
  EXPECT_DOUBLE_EQ(ProbabilityOfLossRun(1, 3, 3), 1);
  EXPECT_DOUBLE_EQ(ProbabilityOfLossRun(0.9, 3, 2), 0);
  EXPECT_DOUBLE_EQ(ProbabilityOfLossRun(0, 3, 100), 0);
}

// --- split brain -------------------------------------------------------------------------------

TEST(OracleSplitBrain, KeepalivedCrashLeavesTheVipOnTheOldMaster) {
  const Prediction p = Predict(Make(TwoNodes(), {{"target", "keepalived"}, {"action", "crash"}}));
  EXPECT_TRUE(p.split_brain);
  EXPECT_THAT(p.owners_after, ElementsAre("lb1", "lb2"));
  EXPECT_EQ(p.owner_after, "lb1+lb2");  // as the verdict prints several owners
  EXPECT_FALSE(p.vip_moves);
  EXPECT_EQ(p.new_owner, "lb2");
  EXPECT_FALSE(p.release_ms);
  EXPECT_EQ(p.confidence, Confidence::kHigh);
  const Expectation x = ExpectationFromPrediction(p);
  EXPECT_EQ(x.split_brain, true);
  EXPECT_EQ(x.owner_after, "lb1+lb2");
  // Restarting keepalived does not remove the VIP it did not add; lb1 (101) preempts lb2 (100)
  // though, and becomes the only owner again.
  ASSERT_TRUE(p.failback);
  EXPECT_EQ(p.failback->owner, "lb1");
  EXPECT_TRUE(p.failback->returns);
}

// keepalived 2.2.7 starting as BACKUP removes the VIP a crash left behind
// (vrrp_restore_interfaces_startup, vrrp.c): with nopreempt lb2 ends up the only owner.
TEST(OracleSplitBrain, CrashWithNopreemptLeavesLb2AloneAfterTheRestart) {
  const json nodes = json::array({{{"name", "lb1"}, {"priority", 101}, {"nopreempt", true}},
                                  {{"name", "lb2"}, {"priority", 100}, {"nopreempt", true}}});
  const Prediction p = Predict(Make(nodes, {{"target", "keepalived"}, {"action", "crash"}}));
  EXPECT_TRUE(p.split_brain);
  ASSERT_TRUE(p.failback);
  EXPECT_EQ(p.failback->owner, "lb2");
  EXPECT_TRUE(p.failback->changes);
  EXPECT_FALSE(p.failback->returns);
}

TEST(OracleSplitBrain, FreezesAndPartitionsOfTheMaster) {
  for (const json& fault :
       {json{{"target", "keepalived"}, {"action", "freeze"}},
        json{{"target", "network"}, {"action", "partition"}, {"mode", "peers"}},
        json{{"target", "network"}, {"action", "partition"}, {"mode", "isolate"}},
        json{{"target", "network"}, {"action", "partition"}, {"mode", "one-way"}},
        json{{"target", "network"}, {"action", "loss"}, {"percent", 100}, {"traffic", "vrrp"}}}) {
    const Prediction p = Predict(Make(TwoNodes(), fault));
    EXPECT_TRUE(p.split_brain) << fault.dump();
    EXPECT_EQ(p.owner_after, "lb1+lb2") << fault.dump();
    ASSERT_TRUE(p.failover_ms) << fault.dump();
    EXPECT_NEAR(*p.failover_ms->max, MasterDownMs(100, 1, 2) + kOracleMarginMaxMs, 0.01);
  }
}

TEST(OracleSplitBrain, ThawReturnsTheVipToTheHigherPriorityEvenWithNopreempt) {
  const json nodes = json::array({{{"name", "lb1"}, {"priority", 101}, {"nopreempt", true}},
                                  {{"name", "lb2"}, {"priority", 100}, {"nopreempt", true}}});
  const Prediction p = Predict(Make(nodes, {{"target", "node"}, {"action", "freeze"}}));
  ASSERT_TRUE(p.failback);
  EXPECT_EQ(p.failback->owner, "lb1");
  EXPECT_TRUE(p.failback->returns);
  EXPECT_LE(*p.failback->window_ms->max, 1000 + 20 + kOracleMarginMaxMs);
}

TEST(OracleSplitBrain, PartitionedBackupBecomesMasterToo) {
  const Prediction p = Predict(
      Make(TwoNodes(),
           {{"target", "network"}, {"action", "partition"}, {"mode", "isolate"}, {"node", "lb2"}}));
  EXPECT_EQ(p.owner_before, "lb1");
  EXPECT_TRUE(p.split_brain);
  EXPECT_EQ(p.new_owner, "lb2");
  ASSERT_TRUE(p.failback);
  EXPECT_EQ(p.failback->owner, "lb1");  // lb2 (100) yields once they hear each other again
}

TEST(OracleSplitBrain, PartialLossIsProbablyHarmless) {
  const Prediction low = Predict(
      Make(TwoNodes(),
           {{"target", "network"}, {"action", "loss"}, {"percent", 10}, {"traffic", "vrrp"}}));
  EXPECT_EQ(low.owner_after, "lb1");
  EXPECT_FALSE(low.split_brain);
  EXPECT_NE(low.confidence, Confidence::kLow);
  const Prediction high = Predict(
      Make(TwoNodes(),
           {{"target", "network"}, {"action", "loss"}, {"percent", 80}, {"traffic", "vrrp"}}));
  EXPECT_EQ(high.confidence, Confidence::kLow);
  EXPECT_TRUE(high.split_brain);
  EXPECT_EQ(ExpectationFromPrediction(high).owner_after, std::nullopt);  // low: not asserted
}

// --- other faults ------------------------------------------------------------------------------

TEST(OracleFaults, TrackProcessIgnoresAHungService) {
  const json nodes = TwoNodes(254, 251);
  const Prediction p = Predict(Make(nodes, {{"target", "service"}, {"action", "freeze"}},
                                    {{"check", {{"type", "process"}}}}));
  EXPECT_EQ(p.owner_after, "lb1");
  EXPECT_FALSE(p.vip_moves);
  EXPECT_FALSE(p.failover_ms);
  EXPECT_EQ(p.confidence, Confidence::kHigh);
  EXPECT_TRUE(AnyReasonHas(p.reasons, "track_process only checks that the process exists"));
}

TEST(OracleFaults, ScriptCatchesAHungServiceByTimeout) {
  const Prediction p = Predict(Make(TwoNodes(), {{"target", "service"}, {"action", "freeze"}},
                                    {{"check", {{"type", "script"}, {"interval", 1}}}}));
  EXPECT_EQ(p.owner_after, "lb2");
  // Up to interval + the 500 ms probe timeout, then Skew_Time(100).
  EXPECT_NEAR(*p.failover_ms->max, 1000 + 500 + SkewMs(100, 1, 2) + kOracleMarginMaxMs, 0.01);
}

TEST(OracleFaults, LinkDownReleasesAtOnceAndTheBackupWaitsItsDownTimer) {
  for (const char* side : {"node", "switch"}) {
    const Prediction p =
        Predict(Make(TwoNodes(), {{"target", "link"}, {"action", "down"}, {"side", side}}));
    EXPECT_EQ(p.owner_after, "lb2") << side;
    EXPECT_FALSE(p.split_brain);
    EXPECT_LE(*p.release_ms->max, 200);
    EXPECT_NEAR(*p.failover_ms->min, MasterDownMs(100, 1, 2) - 1000 - kOracleMarginMinMs, 0.01);
    EXPECT_EQ(p.confidence, Confidence::kMedium);
  }
}

TEST(OracleFaults, RestartComesBackOnlyToAPreemptingHigherNode) {
  const Prediction back =
      Predict(Make(TwoNodes(), {{"target", "keepalived"}, {"action", "restart"}}));
  EXPECT_EQ(back.new_owner, "lb2");
  EXPECT_EQ(back.owner_after, "lb1");
  EXPECT_FALSE(back.vip_moves);
  ASSERT_TRUE(back.return_ms);
  EXPECT_GE(*back.return_ms->min, MasterDownMs(101, 1, 2) - kOracleMarginMinMs - 0.01);
  EXPECT_FALSE(ExpectationFromPrediction(back).split_brain);  // race at the return

  const json nodes = json::array({{{"name", "lb1"}, {"priority", 101}, {"nopreempt", true}},
                                  {{"name", "lb2"}, {"priority", 100}}});
  const Prediction stays = Predict(Make(nodes, {{"target", "keepalived"}, {"action", "restart"}}));
  EXPECT_EQ(stays.owner_after, "lb2");
  EXPECT_TRUE(stays.vip_moves);
  EXPECT_FALSE(stays.return_ms);
}

TEST(OracleFaults, VrrpDelayMovesOnlyBeyondTheDownTimer) {
  const Prediction small =
      Predict(Make(TwoNodes(), {{"target", "network"}, {"action", "delay"}, {"delay_ms", 500}}));
  EXPECT_EQ(small.owner_after, "lb1");
  EXPECT_FALSE(small.failover_ms);
  EXPECT_EQ(small.confidence, Confidence::kHigh);
  // 1 s + 3000 ms > MDI 3609 ms: lb2 takes over, then lb1's delayed advert sends it back.
  const Prediction large =
      Predict(Make(TwoNodes(), {{"target", "network"}, {"action", "delay"}, {"delay_ms", 3000}}));
  EXPECT_EQ(large.new_owner, "lb2");
  EXPECT_EQ(large.owner_after, "lb1");
  EXPECT_TRUE(large.split_brain);
  ASSERT_TRUE(large.return_ms);
  EXPECT_TRUE(Contains(*large.return_ms, 3500));
}

TEST(OracleFaults, FaultOnABackupLeavesTheVipAlone) {
  const Prediction p =
      Predict(Make(TwoNodes(), {{"target", "keepalived"}, {"action", "crash"}, {"node", "lb2"}}));
  EXPECT_EQ(p.target, "lb2");
  EXPECT_EQ(p.owner_after, "lb1");
  EXPECT_FALSE(p.split_brain);
  EXPECT_FALSE(p.failover_ms);
}

// --- fail-back ---------------------------------------------------------------------------------

json InjectClear(const json& fault) {
  return json::array(
      {{{"inject", fault}}, {{"hold_ms", 6000}}, {{"clear", true}}, {{"hold_ms", 9000}}});
}

TEST(OracleFailback, NopreemptStaysPreemptReturnsPreemptDelayReturnsLater) {
  const json kill = {{"target", "service"}, {"action", "kill"}};
  const json check = {{"type", "script"}, {"interval", 1}, {"weight", 0}};
  auto failback = [&](const json& nodes) {
    const ScenarioPrediction sp =
        PredictScenario(Make(nodes, kill, {{"check", check}, {"steps", InjectClear(kill)}}));
    EXPECT_EQ(sp.faults.size(), 1u);
    EXPECT_TRUE(sp.faults.at(0).cleared);
    EXPECT_EQ(sp.faults.at(0).owner_after, "lb2");
    return *sp.faults.at(0).failback;
  };
  const Failback nopreempt =
      failback(json::array({{{"name", "lb1"}, {"priority", 101}, {"nopreempt", true}},
                            {{"name", "lb2"}, {"priority", 100}}}));
  EXPECT_EQ(nopreempt.owner, "lb2");
  EXPECT_FALSE(nopreempt.returns);
  EXPECT_FALSE(nopreempt.changes);
  EXPECT_TRUE(AnyReasonHas(nopreempt.reasons, "nopreempt"));

  const Failback preempt = failback(TwoNodes());
  EXPECT_EQ(preempt.owner, "lb1");
  EXPECT_TRUE(preempt.returns);
  ASSERT_TRUE(preempt.window_ms);
  // lb1 leaves FAULT with a fresh down timer: the check passes, then MDI(101).
  EXPECT_GE(*preempt.window_ms->min, MasterDownMs(101, 1, 2) - kOracleMarginMinMs - 0.01);

  const Failback delayed =
      failback(json::array({{{"name", "lb1"}, {"priority", 101}, {"preempt_delay", 5}},
                            {{"name", "lb2"}, {"priority", 100}}}));
  EXPECT_EQ(delayed.owner, "lb1");
  EXPECT_TRUE(delayed.returns);
  ASSERT_TRUE(delayed.window_ms);
  EXPECT_GE(*delayed.window_ms->min, *preempt.window_ms->min + 5000 - 1000 - 0.01);
  EXPECT_GE(*delayed.window_ms->max, *preempt.window_ms->max + 5000);
}

TEST(OracleFailback, SequenceCarriesTheOwnerToTheNextInject) {
  const json kill = {{"target", "keepalived"}, {"action", "stop"}};
  json steps = InjectClear(kill);
  steps.push_back({{"inject", kill}});
  const json nodes = json::array({{{"name", "lb1"}, {"priority", 101}, {"nopreempt", true}},
                                  {{"name", "lb2"}, {"priority", 100}}});
  const ScenarioPrediction sp = PredictScenario(Make(nodes, kill, {{"steps", steps}}));
  ASSERT_EQ(sp.faults.size(), 2u);
  EXPECT_EQ(sp.faults[0].owner_after, "lb2");
  EXPECT_EQ(sp.faults[0].failback->owner, "lb2");  // lb1 comes back but has nopreempt
  EXPECT_EQ(sp.faults[1].owner_before, "lb2");
  EXPECT_EQ(sp.faults[1].target, "lb2");
  EXPECT_EQ(sp.faults[1].owner_after, "lb1");
}

// --- initial owner -----------------------------------------------------------------------------

TEST(OracleInitialOwner, StaggeredFirstNodeUnlessAHigherOnePreempts) {
  const json fault = {{"target", "keepalived"}, {"action", "stop"}};
  EXPECT_EQ(PredictInitialOwner(Make(TwoNodes(100, 101), fault)).owner, "lb2");
  const json nodes = json::array({{{"name", "lb1"}, {"priority", 100}},
                                  {{"name", "lb2"}, {"priority", 101}, {"nopreempt", true}}});
  const InitialOwner io = PredictInitialOwner(Make(nodes, fault));
  EXPECT_EQ(io.owner, "lb1");
  EXPECT_EQ(io.confidence, Confidence::kHigh);
  // Equal priorities: a backup accepts adverts of equal priority.
  EXPECT_EQ(PredictInitialOwner(Make(TwoNodes(100, 100), fault)).owner, "lb1");
}

TEST(OracleInitialOwner, SimultaneousNopreemptIsARace) {
  const json nodes = json::array({{{"name", "lb1"}, {"priority", 100}, {"nopreempt", true}},
                                  {{"name", "lb2"}, {"priority", 101}, {"nopreempt", true}}});
  const InitialOwner io = PredictInitialOwner(
      Make(nodes, {{"target", "keepalived"}, {"action", "stop"}}, {{"startup", "simultaneous"}}));
  EXPECT_EQ(io.owner, "lb2");
  EXPECT_EQ(io.confidence, Confidence::kLow);
}

// --- viplab explain ----------------------------------------------------------------------------

TEST(OracleExplain, ExplainsTheIssue2599Cases) {
  std::ostringstream out;
  EXPECT_EQ(ExplainCommand({std::string(VIPLAB_SOURCE_DIR) + "/cases/issue-2599"}, out), 0);
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("issue-2599/a-weight2-nopreempt"));
  EXPECT_THAT(text, HasSubstr("but lb2 has nopreempt: no takeover"));
  EXPECT_THAT(text, HasSubstr("Skew_Time = (256 - 251)/256 s = 19.5 ms"));
  EXPECT_THAT(text, Not(HasSubstr("DISAGREES")));
}

TEST(OracleExplain, BadInputThrowsInputError) {
  std::ostringstream out;
  EXPECT_THROW(ExplainCommand({"/nonexistent/viplab-case.json"}, out), InputError);
  EXPECT_TRUE(out.str().empty());
}

TEST(OracleExplain, ComparisonFlagsAWrongExpectation) {
  Expectation wrong;
  wrong.owner_after = "lb1";
  wrong.failover_ms = Bound{0, 100};
  const ExpectComparison c = CompareWithExpect(wrong, PredictCase("b-no-weight-fault"));
  EXPECT_FALSE(c.agrees);
  EXPECT_THAT(c.lines, Contains(HasSubstr("owner_after lb1: DIFFERS (oracle: lb2)")));
}

}  // namespace
}  // namespace viplab
