// The oracle's corrections to follow keepalived 2.2.7 (oracle-audit #1-#8, issue 7 §1 and §2):
// stale VIPs removed at start, the 1 s graceful stop, preempt_delay's tight window, priority 255
// leaving FAULT, equal-priority simultaneous start, state MASTER clearing nopreempt and
// preempt_delay, frozen-service detection, and node faults as power-off / pause. Each test failed
// before its correction. No root, no lab.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/model/matrix.h"
#include "harness/model/vrrp_timing.h"
#include "harness/oracle/oracle.h"
#include "oracle_scenarios.h"

namespace viplab {
namespace {

using nlohmann::json;
using oracle_scenarios::Make;
using oracle_scenarios::TwoNodes;

json Nopreempt() {
  return json::array({{{"name", "lb1"}, {"priority", 101}, {"nopreempt", true}},
                      {{"name", "lb2"}, {"priority", 100}}});
}

json InjectClear(const json& fault, double hold_ms = 6000) {
  return json::array(
      {{{"inject", fault}}, {{"hold_ms", hold_ms}}, {{"clear", true}}, {{"hold_ms", 9000}}});
}

// The fault's prediction, cleared, for a sequence inject - hold - clear.
Prediction Cleared(const json& nodes, const json& fault, double hold_ms = 6000,
                   const json& extra = json::object()) {
  json more = extra;
  more["steps"] = InjectClear(fault, hold_ms);
  const ScenarioPrediction sp = PredictScenario(Make(nodes, fault, more));
  EXPECT_EQ(sp.faults.size(), 1u);
  EXPECT_TRUE(sp.faults.at(0).cleared);
  return sp.faults.at(0);
}

std::string Text(const std::vector<std::string>& reasons) {
  return fmt::format("{}", fmt::join(reasons, "\n"));
}

const json kCrash = {{"target", "keepalived"}, {"action", "crash"}};
const json kNodeCrash = {{"target", "node"}, {"action", "crash"}};
const json kNodeFreeze = {{"target", "node"}, {"action", "freeze"}};
const json kStop = {{"target", "keepalived"}, {"action", "stop"}};

// --- #1: keepalived starting as BACKUP removes a leftover VIP -----------------------------------

TEST(OracleKeepalived, CrashRestartRemovesTheStaleVipWithNopreempt) {
  const Prediction p = Cleared(Nopreempt(), kCrash);
  EXPECT_EQ(p.owner_after, "lb1+lb2");  // the fault itself: real split brain
  EXPECT_TRUE(p.split_brain);
  ASSERT_TRUE(p.failback);
  const Failback& fb = *p.failback;
  EXPECT_EQ(fb.owner, "lb2") << Text(fb.reasons);
  EXPECT_TRUE(fb.changes);
  EXPECT_FALSE(fb.returns);
  ASSERT_TRUE(fb.window_ms);
  // Removed when keepalived has started: within its start time of the clear.
  EXPECT_LE(*fb.window_ms->max, kLabTolerances.keepalived_start_ms + kOracleMarginMaxMs);
  EXPECT_NE(Text(fb.reasons).find("vrrp_restore_interfaces_startup"), std::string::npos);
}

TEST(OracleKeepalived, CrashRestartWithPreemptGoesThroughLb2Alone) {
  const Prediction p = Cleared(TwoNodes(), kCrash);
  ASSERT_TRUE(p.failback);
  EXPECT_EQ(p.failback->owner, "lb1");
  EXPECT_TRUE(p.failback->returns);
  EXPECT_NE(Text(p.failback->reasons).find("lb2 alone"), std::string::npos)
      << Text(p.failback->reasons);
}

// --- #2: a graceful stop takes at least 1 s ----------------------------------------------------

TEST(OracleKeepalived, RestartWaitsForTheOneSecondShutdown) {
  const Prediction p = Cleared(TwoNodes(), {{"target", "keepalived"}, {"action", "restart"}});
  ASSERT_TRUE(p.return_ms);
  EXPECT_GE(*p.return_ms->min, 1000 + MasterDownMs(101, 1, 2) - kOracleMarginMinMs - 0.01);
  EXPECT_NEAR(
      *p.return_ms->max,
      1000 + kLabTolerances.keepalived_start_ms + MasterDownMs(101, 1, 2) + kOracleMarginMaxMs,
      0.01);
}

TEST(OracleKeepalived, ClearSoonAfterAStopWaitsForTheOldInstance) {
  // Cleared 300 ms after SIGTERM: keepalived starts only once the old one exits (>= 1 s).
  const Prediction soon = Cleared(TwoNodes(), kStop, 300);
  const Prediction late = Cleared(TwoNodes(), kStop, 6000);
  ASSERT_TRUE(soon.failback && soon.failback->window_ms);
  ASSERT_TRUE(late.failback && late.failback->window_ms);
  EXPECT_NEAR(*soon.failback->window_ms->max - *late.failback->window_ms->max, 700, 0.01);
}

// --- #3: preempt_delay -------------------------------------------------------------------------

json DelayedBackup() {
  return json::array({{{"name", "lb1"}, {"priority", 110}},
                      {{"name", "lb2"}, {"priority", 100}, {"preempt_delay", 5}}});
}

TEST(OracleKeepalived, PreemptDelayWindowIsOneAdvertWide) {
  const json kill = {{"target", "service"}, {"action", "kill"}};
  const Scenario s = Make(DelayedBackup(), kill,
                          {{"check", {{"type", "script"}, {"interval", 1}, {"weight", -20}}}});
  const Prediction p = PredictScenario(s).faults.at(0);
  ASSERT_TRUE(p.failover_ms);
  // Detection 0..1050 ms; the last accepted lower advert is ceil(5/1) - 1 = 4 adverts after the
  // first, which comes within one advert of the drop; then MDI(100).
  const double mdi = MasterDownMs(100, 1, 2);
  EXPECT_NEAR(*p.failover_ms->min, 4000 + mdi - kOracleMarginMinMs, 0.01);
  EXPECT_NEAR(*p.failover_ms->max, 1050 + 1000 + 4000 + mdi + kOracleMarginMaxMs, 0.01);
  EXPECT_NE(p.confidence, Confidence::kLow);
  // The runner observes past it.
  EXPECT_GT(ObservationWindowMs(s), *p.failover_ms->max);
}

TEST(OracleKeepalived, ObservationWindowAndSettleIncludePreemptDelay) {
  const Scenario plain = Make(TwoNodes(110, 100), kStop);
  const Scenario delayed = Make(DelayedBackup(), kStop);
  EXPECT_NEAR(ObservationWindowMs(delayed) - ObservationWindowMs(plain), 5000, 0.01);
  EXPECT_NEAR(ObservationWindowMs(plain, 60000), 61000, 0.01);
  // lb2 outranks lb1 (started first): it settles only after MDI + delay + one advert.
  const Scenario up =
      Make(json::array({{{"name", "lb1"}, {"priority", 100}},
                        {{"name", "lb2"}, {"priority", 110}, {"preempt_delay", 5}}}),
           kStop);
  EXPECT_NEAR(BackupSettleMs(up, up.nodes[1], "lb1"), MasterDownMs(110, 1, 2) + 5000 + 1000, 0.01);
}

TEST(OracleKeepalived, MatrixPreemptDelayRestartsAreJudged) {
  const Matrix m = LoadMatrix(std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases/matrix.json");
  int seen = 0;
  for (const MatrixEntry& e : m.entries) {
    if (e.name.rfind("preempt_delay/", 0) != 0 ||
        e.name.find("/keepalived-restart") == std::string::npos) {
      continue;
    }
    ++seen;
    const Prediction p = PredictScenario(e.scenario).faults.at(0);
    EXPECT_NE(p.confidence, Confidence::kLow) << e.name << "\n" << Text(p.reasons);
    ASSERT_TRUE(p.return_ms || p.failover_ms) << e.name;
    const Bound& last = p.return_ms ? *p.return_ms : *p.failover_ms;
    EXPECT_LT(*last.max, ObservationWindowMs(e.scenario)) << e.name;
  }
  EXPECT_EQ(seen, 9);
}

// --- #4: 255 leaving FAULT, equal-priority start, state MASTER, frozen-service detection -------

TEST(OracleKeepalived, Priority255LeavingFaultWaitsAFullDownTimer) {
  Scenario s = Make(TwoNodes(255, 100), {{"target", "link"}, {"action", "down"}},
                    {{"steps", InjectClear({{"target", "link"}, {"action", "down"}})}});
  s.nodes[0].state = "MASTER";
  const Prediction p = PredictScenario(s).faults.at(0);
  ASSERT_TRUE(p.failback && p.failback->window_ms);
  EXPECT_EQ(p.failback->owner, "lb1");
  EXPECT_GE(*p.failback->window_ms->min, MasterDownMs(255, 1, 2) - kOracleMarginMinMs - 0.01);
}

TEST(OracleKeepalived, Priority255StartingIsMasterAtOnce) {
  Scenario s = Make(TwoNodes(255, 100), kStop, {{"steps", InjectClear(kStop)}});
  s.nodes[0].state = "MASTER";
  const Prediction p = PredictScenario(s).faults.at(0);
  ASSERT_TRUE(p.failback && p.failback->window_ms);
  EXPECT_EQ(p.failback->owner, "lb1");
  EXPECT_LT(*p.failback->window_ms->max, 2000);
}

TEST(OracleKeepalived, EqualPrioritySimultaneousStartIsWonByWhoeverStartsFirst) {
  const InitialOwner io =
      PredictInitialOwner(Make(TwoNodes(100, 100), kStop, {{"startup", "simultaneous"}}));
  EXPECT_EQ(io.confidence, Confidence::kLow);
  const std::string text = Text(io.reasons);
  EXPECT_EQ(text.find("preempts it"), std::string::npos) << text;
  EXPECT_NE(text.find("starts first"), std::string::npos) << text;
}

TEST(OracleKeepalived, StateMasterClearsNopreempt) {
  // keepalived 2.2.7 clears nopreempt with state MASTER: lb1 preempts back after the clear.
  Scenario s = Make(Nopreempt(), kStop, {{"steps", InjectClear(kStop)}});
  s.nodes[0].state = "MASTER";
  const Prediction p = PredictScenario(s).faults.at(0);
  ASSERT_TRUE(p.failback);
  EXPECT_EQ(p.failback->owner, "lb1") << Text(p.failback->reasons);
  EXPECT_TRUE(p.failback->returns);
}

TEST(OracleKeepalived, StateMasterClearsPreemptDelay) {
  const json lb1 = {{"name", "lb1"}, {"priority", 101}, {"preempt_delay", 5}};
  Scenario s = Make(json::array({lb1, {{"name", "lb2"}, {"priority", 100}}}), kStop,
                    {{"steps", InjectClear(kStop)}});
  s.nodes[0].state = "MASTER";
  const Prediction p = PredictScenario(s).faults.at(0);
  ASSERT_TRUE(p.failback && p.failback->window_ms);
  // No delay: keepalived start + MDI(101), not + 5 s.
  EXPECT_LT(*p.failback->window_ms->max, 1000 + 500 + MasterDownMs(101, 1, 2) + 200);
}

TEST(OracleKeepalived, FrozenServiceDetectionIncludesTheProbeTimeout) {
  const Prediction p =
      PredictScenario(Make(TwoNodes(), {{"target", "service"}, {"action", "freeze"}},
                           {{"check", {{"type", "script"}, {"interval", 1}}}}))
          .faults.at(0);
  ASSERT_TRUE(p.failover_ms);
  // A hung service fails a probe only when the probe times out (500 ms), then Skew_Time(100).
  EXPECT_NEAR(*p.failover_ms->min, 500 + SkewMs(100, 1, 2) - kOracleMarginMinMs, 0.01);
}

// --- §2: node crash is a power-off, node freeze a paused VM ------------------------------------

TEST(OracleKeepalived, PoweredOffNodeOwnsNothing) {
  const Prediction p = Cleared(TwoNodes(), kNodeCrash);
  EXPECT_EQ(p.owner_after, "lb2");
  EXPECT_TRUE(p.vip_moves);
  EXPECT_FALSE(p.split_brain);
  ASSERT_TRUE(p.release_ms && p.failover_ms);
  EXPECT_LE(*p.release_ms->max, kLabTolerances.power_ms + kOracleMarginMaxMs);
  EXPECT_NEAR(*p.failover_ms->min, MasterDownMs(100, 1, 2) - 1000 - kOracleMarginMinMs, 0.01);
  EXPECT_EQ(ExpectationFromPrediction(p).split_brain, false);
  // Power-on: a clean start, lb1 preempts back after its down timer.
  ASSERT_TRUE(p.failback);
  EXPECT_EQ(p.failback->owner, "lb1");
  EXPECT_TRUE(p.failback->returns);
  // With nopreempt lb2 keeps it: nothing stale comes back.
  const Prediction np = Cleared(Nopreempt(), kNodeCrash);
  EXPECT_EQ(np.owner_after, "lb2");
  EXPECT_EQ(np.failback->owner, "lb2");
  EXPECT_FALSE(np.failback->changes);
}

TEST(OracleKeepalived, PausedNodeOwnsNothingAndResolvesAtThaw) {
  const Prediction p = Cleared(Nopreempt(), kNodeFreeze);
  EXPECT_EQ(p.owner_after, "lb2");
  EXPECT_FALSE(p.split_brain);
  ASSERT_TRUE(p.release_ms);
  EXPECT_LE(*p.release_ms->max, kLabTolerances.power_ms + kOracleMarginMaxMs);
  // Thaw: lb1 resumes as MASTER with its VIP and wins on priority (nopreempt holds back only a
  // BACKUP) within about one advert.
  ASSERT_TRUE(p.failback && p.failback->window_ms);
  EXPECT_EQ(p.failback->owner, "lb1");
  EXPECT_TRUE(p.failback->returns);
  EXPECT_LE(*p.failback->window_ms->max, 1000 + kLabTolerances.signal_ms + kOracleMarginMaxMs);
}

TEST(OracleKeepalived, KeepalivedCrashIsStillSplitBrain) {
  const Prediction p = Cleared(TwoNodes(), kCrash);
  EXPECT_TRUE(p.split_brain);
  EXPECT_EQ(p.owner_after, "lb1+lb2");
  EXPECT_FALSE(p.release_ms);
}

}  // namespace
}  // namespace viplab
