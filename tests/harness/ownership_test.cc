// Ownership and split brain (harness/model/ownership.h) as Measure, the Timeline's LabState and the
// verdict apply them, on synthetic timelines. No root, no lab.
#include "harness/model/ownership.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/observe/timeline.h"
#include "harness/run/judge.h"
#include "harness/run/measure.h"

namespace viplab {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class OwnershipTest : public ::testing::Test {
 protected:
  TimePoint At(int ms) { return t0_ + milliseconds(ms); }
  void Event(int ms, std::string node, const char* kind, std::string detail = "") {
    events_.push_back({At(ms), std::move(node), kind, std::move(detail)});
  }
  void Added(int ms, const char* node) { Event(ms, node, event_kind::kVipAdded, "10.77.0.200"); }
  void Removed(int ms, const char* node) {
    Event(ms, node, event_kind::kVipRemoved, "10.77.0.200");
  }
  void Power(int ms, const char* node, const char* detail) {
    Event(ms, node, event_kind::kPower, detail);
  }
  void Probe(int ms, bool ok) {
    samples_.push_back({At(ms), At(ms + 1), ok, ok ? "lb1" : "", ok ? "" : "refused"});
  }
  Measurement Run(int end_ms, double tolerance_ms = kDefaultSplitBrainToleranceMs) {
    return Measure(events_, samples_, t0_, At(end_ms), "lb1", tolerance_ms);
  }

  TimePoint t0_ = Now();
  std::vector<TimelineEvent> events_;
  std::vector<ProbeSample> samples_;
};

TEST(Ownership, PoweredOffOrPausedNodesOwnNothingAndTheirVipIsStale) {
  Ownership o;
  EXPECT_TRUE(o.Apply(event_kind::kVipAdded, "lb1", ""));
  EXPECT_THAT(o.owners(), ElementsAre("lb1"));
  EXPECT_TRUE(o.Apply(event_kind::kPower, "lb1", "off"));
  EXPECT_THAT(o.owners(), IsEmpty());
  EXPECT_THAT(o.stale(), ElementsAre("lb1"));
  // Powered on, the leftover VIP is still stale until the boot removes it (or it is added anew).
  EXPECT_FALSE(o.Apply(event_kind::kPower, "lb1", "on"));
  EXPECT_THAT(o.owners(), IsEmpty());
  EXPECT_THAT(o.stale(), ElementsAre("lb1"));
  EXPECT_TRUE(o.Apply(event_kind::kVipRemoved, "lb1", ""));
  EXPECT_THAT(o.stale(), IsEmpty());
  EXPECT_TRUE(o.Apply(event_kind::kVipAdded, "lb1", ""));
  EXPECT_THAT(o.owners(), ElementsAre("lb1"));
  EXPECT_TRUE(o.Apply(event_kind::kPower, "lb1", "paused"));
  EXPECT_THAT(o.owners(), IsEmpty());
  EXPECT_TRUE(o.Apply(event_kind::kPower, "lb1", "resumed"));
  EXPECT_THAT(o.owners(), ElementsAre("lb1"));
  // A node without the VIP changes nothing by powering off; other kinds are ignored.
  EXPECT_FALSE(o.Apply(event_kind::kPower, "lb2", "off"));
  EXPECT_FALSE(o.Apply(event_kind::kState, "lb1", "FAULT"));
  EXPECT_FALSE(o.Apply(event_kind::kLink, "lb1", "eth0 down"));
  EXPECT_FALSE(o.Apply(event_kind::kPower, "lb1", "sideways"));
  // A VIP added while off is stale from the start.
  EXPECT_TRUE(o.Apply(event_kind::kVipAdded, "lb2", ""));
  EXPECT_THAT(o.owners(), ElementsAre("lb1"));
  EXPECT_THAT(o.stale(), ElementsAre("lb2"));
}

TEST(Ownership, SplitBrainIsAnEpisodeLongerThanTheTolerance) {
  EXPECT_FALSE(IsSplitBrain(150, 150));
  EXPECT_TRUE(IsSplitBrain(150.1, 150));
  EXPECT_TRUE(IsSplitBrain(0.1, 0));
  EpisodeTracker t;
  t.Set(0, 1);
  t.Set(10, 2);
  t.Set(12, 3);  // the owner set changes within the episode: still one episode
  t.Set(40, 2);
  t.Set(50, 1);
  t.Set(60, 2);
  t.Set(60, 1);  // zero length: dropped
  t.Set(100, 2);
  t.Finish(400);
  ASSERT_EQ(t.episodes().size(), 2u);
  EXPECT_DOUBLE_EQ(t.episodes()[0].ms(), 40);
  EXPECT_DOUBLE_EQ(t.episodes()[1].ms(), 300);
  const OverlapTotals totals = SumEpisodes(t.episodes(), 150);
  EXPECT_TRUE(totals.split_brain);
  EXPECT_DOUBLE_EQ(totals.split_brain_ms, 300);
  EXPECT_DOUBLE_EQ(totals.handover_overlap_ms, 40);
  EXPECT_DOUBLE_EQ(totals.dual_owner_ms, 340);
}

// node crash: lb1 is powered off with the VIP still configured; lb2 takes over. lb1 released the
// VIP at the power-off, and there were never two owners.
TEST_F(OwnershipTest, NodeCrashLeavesAStaleVipNotASecondOwner) {
  Added(-4000, "lb1");
  Power(0, "lb1", "off");
  Added(1500, "lb2");
  const Measurement m = Run(3000);
  EXPECT_NEAR(*m.release_ms, 0, 0.01);
  EXPECT_NEAR(*m.failover_ms, 1500, 0.01);
  EXPECT_EQ(m.owner_after, "lb2");
  EXPECT_THAT(m.owners_after, ElementsAre("lb2"));
  EXPECT_TRUE(m.vip_moved);
  EXPECT_EQ(m.dual_owner_ms, 0);
  EXPECT_FALSE(m.split_brain);
  EXPECT_NEAR(m.stale_vip_ms, 3000, 0.01);
  EXPECT_NEAR(m.no_owner_ms, 1500, 0.01);
}

// After power-on the node's VIP counts again: until the leftover address is removed, two owners.
// A powered-on machine holds no VIP: the leftover the boot removes is stale to the end.
TEST_F(OwnershipTest, AfterPowerOnTheLeftoverVipStaysStaleUntilRemoved) {
  Added(-4000, "lb1");
  Power(0, "lb1", "off");
  Added(1500, "lb2");
  Power(3000, "lb1", "on");
  Removed(3020, "lb1");
  const Measurement m = Run(4000);
  EXPECT_NEAR(m.stale_vip_ms, 3020, 0.01);
  EXPECT_NEAR(m.dual_owner_ms, 0, 0.01);
  EXPECT_NEAR(m.handover_overlap_ms, 0, 0.01);
  EXPECT_FALSE(m.split_brain);
  EXPECT_EQ(m.owner_after, "lb2");
}

// node freeze: a paused owner owns nothing; once resumed with the VIP it is an owner again, and
// lb2 and lb1 both holding it for 600 ms is split brain.
TEST_F(OwnershipTest, ResumedNodeStillHoldingTheVipIsSplitBrain) {
  Added(-4000, "lb1");
  Power(0, "lb1", "paused");
  Added(1600, "lb2");
  Power(3000, "lb1", "resumed");
  Removed(3600, "lb2");
  const Measurement m = Run(5000);
  EXPECT_NEAR(*m.release_ms, 0, 0.01);
  EXPECT_NEAR(m.stale_vip_ms, 3000, 0.01);
  EXPECT_TRUE(m.split_brain);
  EXPECT_NEAR(m.split_brain_ms, 600, 0.01);
  EXPECT_EQ(m.owner_after, "lb1");
  EXPECT_FALSE(m.vip_moved);
}

// keepalived crash: the node is alive and keeps the VIP: a real split brain.
TEST_F(OwnershipTest, KeepalivedCrashKeepsTheVipAsSplitBrain) {
  Added(-4000, "lb1");
  Event(0, "lb1", event_kind::kProcessExit, "keepalived (SIGKILL)");
  Event(5, "lb1", event_kind::kLink, "eth0 down");  // links do not change ownership
  Added(1700, "lb2");
  const Measurement m = Run(3000);
  EXPECT_FALSE(m.release_ms);
  EXPECT_TRUE(m.split_brain);
  EXPECT_NEAR(m.split_brain_ms, 1300, 0.01);
  EXPECT_EQ(m.handover_overlap_ms, 0);
  EXPECT_THAT(m.owners_after, ElementsAre("lb1", "lb2"));
}

// Preempting handovers overlap 1-40 ms: however many, they are not split brain.
TEST_F(OwnershipTest, HandoverOverlapsAreNotSplitBrainHoweverMany) {
  Added(-4000, "lb1");
  Added(1000, "lb2");
  Removed(1030, "lb1");
  Added(2000, "lb1");
  Removed(2040, "lb2");
  Added(3000, "lb2");
  Removed(3001, "lb1");
  Measurement m = Run(4000);
  EXPECT_FALSE(m.split_brain);
  EXPECT_EQ(m.split_brain_ms, 0);
  EXPECT_NEAR(m.handover_overlap_ms, 71, 0.01);
  EXPECT_NEAR(m.dual_owner_ms, 71, 0.01);
  EXPECT_EQ(m.split_brain_tolerance_ms, kDefaultSplitBrainToleranceMs);
  // With a tolerance of 0 any overlap is split brain; with 35 ms only the 40 ms one.
  m = Run(4000, 0);
  EXPECT_TRUE(m.split_brain);
  EXPECT_NEAR(m.split_brain_ms, 71, 0.01);
  m = Run(4000, 35);
  EXPECT_NEAR(m.split_brain_ms, 40, 0.01);
  EXPECT_NEAR(m.handover_overlap_ms, 31, 0.01);
}

// An episode still open at the end of observation counts up to the end.
TEST_F(OwnershipTest, EpisodeOpenAtTheEndCountsToTheEnd) {
  Added(-4000, "lb1");
  Added(900, "lb2");
  EXPECT_NEAR(Run(1000).handover_overlap_ms, 100, 0.01);
  EXPECT_NEAR(Run(1200).split_brain_ms, 300, 0.01);
}

TEST_F(OwnershipTest, OutageTotalSumsEveryRunAndOutageIsTheLongest) {
  Probe(0, true);
  Probe(100, false);  // run 100 .. 300
  Probe(200, false);
  Probe(300, true);
  Probe(400, false);  // run 400 .. 450
  Probe(450, true);
  Probe(600, false);  // open run 600 .. 700
  const Measurement m = Run(700);
  EXPECT_NEAR(*m.outage_ms, 200, 0.01);
  EXPECT_NEAR(m.outage_total_ms, 350, 0.01);
  EXPECT_FALSE(m.outage_ongoing);
}

TEST(OwnershipVerdict, SplitBrainIsJudgedByTheToleranceNotByAnyOverlap) {
  Measurement m;
  m.owner_before = "lb1";
  m.dual_owner_ms = 38;
  m.handover_overlap_ms = 38;
  Expectation e;
  e.split_brain = false;
  Verdict v = Judge(e, m);
  EXPECT_TRUE(v.passed);
  EXPECT_THAT(v.checks[0], HasSubstr("split_brain: expected false, measured false (split brain 0 "
                                     "ms, handover overlap 38 ms; tolerance 150 ms)"));
  m.split_brain = true;
  m.split_brain_ms = 700;
  EXPECT_FALSE(Judge(e, m).passed);
}

TEST(OwnershipVerdict, OwnerBeforeIsNoOutcomeCheck) {
  Measurement m;
  m.owner_before = "lb1";
  m.owners_after = {"lb1"};
  m.owner_after = "lb1";
  Expectation e;
  e.owner_before = "lb1";
  EXPECT_EQ(Judge(e, m).checks.size(), 1u);
  EXPECT_EQ(Judge(e, m).outcome_checks, 0u);
  e.owner_after = "lb1";
  e.vip_moved = false;
  EXPECT_EQ(Judge(e, m).outcome_checks, 2u);
  EXPECT_EQ(Judge(Expectation{}, m).outcome_checks, 0u);
}

// What `wait: {owner: lb2}` steps see: lb2 alone while lb1 is off with the VIP.
TEST(OwnershipTimeline, WaitsSeeTheSameOwnersAsMeasure) {
  Timeline timeline;
  const TimePoint t = Now();
  timeline.Add("lb1", event_kind::kVipAdded, "10.77.0.200", t);
  timeline.Add("lb1", event_kind::kPower, "off", t + milliseconds(10));
  LabState s = timeline.State();
  EXPECT_THAT(s.vip_owners, IsEmpty());
  EXPECT_THAT(s.stale_vips, ElementsAre("lb1"));
  EXPECT_FALSE(s.owner_since.count("lb1"));
  timeline.Add("lb2", event_kind::kVipAdded, "10.77.0.200", t + milliseconds(1500));
  auto lb2_alone = [](const LabState& state, TimePoint) {
    return state.vip_owners.size() == 1 && state.vip_owners.count("lb2") == 1;
  };
  EXPECT_TRUE(timeline.WaitUntil(lb2_alone, Now()));
  timeline.Add("lb1", event_kind::kPower, "on", t + milliseconds(3000));
  s = timeline.State();
  EXPECT_THAT(s.vip_owners, ElementsAre("lb2"));  // the leftover on a booting lb1 is not owned
  EXPECT_EQ(s.owner_since.at("lb2"), t + milliseconds(1500));
  EXPECT_THAT(s.stale_vips, ElementsAre("lb1"));
  EXPECT_TRUE(timeline.WaitUntil(lb2_alone, Now()));
  timeline.Add("lb1", event_kind::kVipRemoved, "10.77.0.200", t + milliseconds(3020));
  EXPECT_THAT(timeline.State().stale_vips, IsEmpty());
  EXPECT_TRUE(timeline.WaitUntil(lb2_alone, Now()));
}

}  // namespace
}  // namespace viplab
