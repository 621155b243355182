#include <gtest/gtest.h>

#include "harness/run/judge.h"
#include "harness/run/measure.h"

namespace viplab {
namespace {

using std::chrono::milliseconds;

class MeasurementTest : public ::testing::Test {
 protected:
  TimePoint At(int ms) { return t0_ + milliseconds(ms); }
  void Event(int ms, std::string node, const char* kind, std::string detail = "") {
    events_.push_back({At(ms), std::move(node), kind, std::move(detail), ""});
  }
  void Probe(int ms, bool ok, std::string node = "") {
    samples_.push_back({At(ms), At(ms + 1), ok, ok ? node : "", ok ? "" : "refused"});
  }
  Measurement Run(int end_ms) { return Measure(events_, samples_, t0_, At(end_ms), "lb1"); }

  TimePoint t0_ = Now();
  std::vector<TimelineEvent> events_;
  std::vector<ProbeSample> samples_;
};

TEST_F(MeasurementTest, FailoverReleaseAndNoOwnerWindow) {
  Event(-4000, "lb1", event_kind::kVipAdded);
  Event(400, "lb1", event_kind::kVipRemoved);
  Event(1010, "lb2", event_kind::kVipAdded);
  Measurement m = Run(3000);
  EXPECT_EQ(m.owner_before, "lb1");
  ASSERT_TRUE(m.owner_after);
  EXPECT_EQ(*m.owner_after, "lb2");
  EXPECT_TRUE(m.vip_moved);
  EXPECT_NEAR(*m.failover_ms, 1010, 0.01);
  EXPECT_NEAR(*m.release_ms, 400, 0.01);
  EXPECT_NEAR(m.no_owner_ms, 610, 0.01);
  EXPECT_EQ(m.dual_owner_ms, 0);
  EXPECT_NEAR(m.observed_ms, 3000, 0.01);
}

TEST_F(MeasurementTest, DualOwnerWindowWhenTheOldMasterKeepsTheVip) {
  Event(-4000, "lb1", event_kind::kVipAdded);
  Event(3200, "lb2", event_kind::kVipAdded);
  Event(3250, "lb1", event_kind::kVipRemoved);
  Measurement m = Run(5000);
  EXPECT_NEAR(m.dual_owner_ms, 50, 0.01);
  EXPECT_NEAR(*m.failover_ms, 3200, 0.01);
  EXPECT_NEAR(*m.release_ms, 3250, 0.01);
}

TEST_F(MeasurementTest, VipStaysMeansNoFailoverAndNotMoved) {
  Event(-4000, "lb1", event_kind::kVipAdded);
  Measurement m = Run(8000);
  EXPECT_FALSE(m.failover_ms);
  EXPECT_FALSE(m.release_ms);
  EXPECT_FALSE(m.vip_moved);
  EXPECT_EQ(*m.owner_after, "lb1");
}

TEST_F(MeasurementTest, TwoOwnersAtTheEndIsNoSingleOwner) {
  Event(-4000, "lb1", event_kind::kVipAdded);
  Event(100, "lb2", event_kind::kVipAdded);
  Measurement m = Run(1000);
  EXPECT_FALSE(m.owner_after);
  EXPECT_EQ(m.owners_after, (std::vector<std::string>{"lb1", "lb2"}));
  EXPECT_FALSE(m.vip_moved);
  EXPECT_NEAR(m.dual_owner_ms, 900, 0.01);
}

TEST_F(MeasurementTest, OutageIsTheLongestRunOfFailedProbes) {
  Probe(-10, true, "lb1");
  Probe(0, false);
  Probe(10, false);
  Probe(20, true, "lb1");
  Probe(30, false);
  for (int t = 40; t < 600; t += 10) Probe(t, false);
  Probe(600, true, "lb2");
  Measurement m = Run(1000);
  EXPECT_NEAR(*m.outage_ms, 570, 0.01);  // 30 .. 600
  EXPECT_FALSE(m.outage_ongoing);
  EXPECT_EQ(m.probes, 61u);  // the probe before the fault does not count
}

TEST_F(MeasurementTest, OutageStillRunningAtTheEndIsOngoing) {
  Probe(0, true, "lb1");
  Probe(100, false);
  Probe(200, false);
  Measurement m = Run(1000);
  EXPECT_NEAR(*m.outage_ms, 900, 0.01);
  EXPECT_TRUE(m.outage_ongoing);
}

TEST_F(MeasurementTest, NoProbesMeansNoOutageFigure) { EXPECT_FALSE(Run(100).outage_ms); }

TEST(Verdict, AllChecksPassOrEachFailureIsExplained) {
  Measurement m;
  m.owner_before = "lb1";
  m.owners_after = {"lb2"};
  m.owner_after = "lb2";
  m.vip_moved = true;
  m.failover_ms = 700;
  Expectation e;
  e.owner_before = "lb1";
  e.owner_after = "lb2";
  e.vip_moved = true;
  e.failover_ms = Bound{550, 1900};
  Verdict ok = Judge(e, m);
  EXPECT_TRUE(ok.passed);
  EXPECT_EQ(ok.checks.size(), 4u);

  e.failover_ms = Bound{10, 150};
  e.owner_after = "lb1";
  Verdict bad = Judge(e, m);
  EXPECT_FALSE(bad.passed);
  ASSERT_EQ(bad.failures.size(), 2u);
  EXPECT_EQ(bad.failures[0], "owner_after: expected lb1, measured lb2");
  EXPECT_EQ(bad.failures[1], "failover_ms: expected [10, 150] ms, measured 700.0 ms");
}

TEST(Verdict, MissingMeasurementFailsABound) {
  Measurement m;
  m.owner_before = "lb1";
  Expectation e;
  e.failover_ms = Bound{0, 1000};
  Verdict v = Judge(e, m);
  EXPECT_FALSE(v.passed);
  EXPECT_EQ(v.failures[0], "failover_ms: expected [0, 1000] ms, measured none");
}

TEST(Verdict, OwnerAfterNoneMatchesAnEmptyOwnerSet) {
  Measurement m;
  Expectation e;
  e.owner_after = "none";
  EXPECT_TRUE(Judge(e, m).passed);
}

}  // namespace
}  // namespace viplab
