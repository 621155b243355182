// Measure() per VIP (Measurement::vips) and the group's top-level fields (harness/run/measure.h),
// on synthetic timelines of two VIPs; and that one VIP measures exactly as before issue 9.
#include <gtest/gtest.h>

#include "harness/run/measure.h"

namespace viplab {
namespace {

using std::chrono::milliseconds;

constexpr const char* kVip1 = "10.77.0.200";
constexpr const char* kVip2 = "10.78.0.201";

class MultiVipMeasurementTest : public ::testing::Test {
 protected:
  TimePoint At(int ms) { return t0_ + milliseconds(ms); }
  // A vip_added / vip_removed of `vip` ("" for an untagged event, as older observers wrote).
  void Vip(int ms, std::string node, const char* kind, const std::string& vip) {
    TimelineEvent e(At(ms), std::move(node), kind, (vip.empty() ? kVip1 : vip) + "/24");
    e.vip = vip;
    events_.push_back(std::move(e));
  }
  void Power(int ms, std::string node, std::string detail) {
    events_.push_back({At(ms), std::move(node), event_kind::kPower, std::move(detail)});
  }
  void Probe(int ms, const std::string& vip, bool ok, std::string node = "") {
    ProbeSample s{At(ms), At(ms + 1), ok, ok ? node : "", ok ? "" : "refused"};
    s.vip = vip;
    samples_.push_back(std::move(s));
  }
  Measurement Run(int end_ms, std::vector<MeasuredVip> vips = {{kVip1, "VI_1"}, {kVip2, "VI_2"}}) {
    return Measure(events_, samples_, t0_, At(end_ms), "lb1", kDefaultSplitBrainToleranceMs, vips);
  }

  TimePoint t0_ = Now();
  std::vector<TimelineEvent> events_;
  std::vector<ProbeSample> samples_;
};

// A sync group moves both VIPs, the second one later: the group's failover_ms is the time the
// last VIP settled on its new owner.
TEST_F(MultiVipMeasurementTest, TwoVipsMovingAtDifferentTimes) {
  Vip(-3000, "lb1", event_kind::kVipAdded, kVip1);
  Vip(-3000, "lb1", event_kind::kVipAdded, kVip2);
  Vip(300, "lb1", event_kind::kVipRemoved, kVip1);
  Vip(320, "lb1", event_kind::kVipRemoved, kVip2);
  Vip(1000, "lb2", event_kind::kVipAdded, kVip1);
  Vip(1450, "lb2", event_kind::kVipAdded, kVip2);
  const Measurement m = Run(3000);
  ASSERT_EQ(m.vips.size(), 2u);
  const VipMeasurement& a = m.vips[0];
  const VipMeasurement& b = m.vips[1];
  EXPECT_EQ(a.vip, kVip1);
  EXPECT_EQ(a.instance, "VI_1");
  EXPECT_EQ(b.vip, kVip2);
  EXPECT_EQ(b.instance, "VI_2");
  EXPECT_EQ(a.owner_before, "lb1");
  EXPECT_EQ(b.owner_before, "lb1");  // from the events before the fault
  EXPECT_TRUE(a.vip_moved);
  EXPECT_TRUE(b.vip_moved);
  EXPECT_NEAR(*a.failover_ms, 1000, 0.01);
  EXPECT_NEAR(*b.failover_ms, 1450, 0.01);
  EXPECT_NEAR(*a.settled_ms, 1000, 0.01);
  EXPECT_NEAR(*b.settled_ms, 1450, 0.01);
  EXPECT_NEAR(*a.release_ms, 300, 0.01);
  EXPECT_NEAR(*b.release_ms, 320, 0.01);
  EXPECT_NEAR(a.no_owner_ms, 700, 0.01);
  EXPECT_NEAR(b.no_owner_ms, 1130, 0.01);
  // The group.
  EXPECT_EQ(m.owner_before, "lb1");
  EXPECT_EQ(*m.owner_after, "lb2");
  EXPECT_TRUE(m.vip_moved);
  EXPECT_NEAR(*m.failover_ms, 1450, 0.01);
  EXPECT_NEAR(*m.release_ms, 320, 0.01);
  EXPECT_NEAR(m.no_owner_ms, 1130, 0.01);
  EXPECT_FALSE(m.split_brain);
}

// A takeover that overlaps the old owner settles when the old owner lets go, not at the takeover.
TEST_F(MultiVipMeasurementTest, SettledWaitsForTheOldOwnerToLetGo) {
  Vip(-3000, "lb1", event_kind::kVipAdded, kVip1);
  Vip(-3000, "lb1", event_kind::kVipAdded, kVip2);
  Vip(900, "lb2", event_kind::kVipAdded, kVip1);
  Vip(930, "lb1", event_kind::kVipRemoved, kVip1);
  Vip(1000, "lb2", event_kind::kVipAdded, kVip2);
  Vip(1010, "lb1", event_kind::kVipRemoved, kVip2);
  const Measurement m = Run(3000);
  EXPECT_NEAR(*m.vips[0].failover_ms, 900, 0.01);
  EXPECT_NEAR(*m.vips[0].settled_ms, 930, 0.01);
  EXPECT_NEAR(*m.vips[1].settled_ms, 1010, 0.01);
  EXPECT_NEAR(*m.failover_ms, 1010, 0.01);
  EXPECT_NEAR(m.handover_overlap_ms, 40, 0.01);  // 30 + 10, summed over the VIPs
  EXPECT_NEAR(m.dual_owner_ms, 40, 0.01);
  EXPECT_FALSE(m.split_brain);
}

// Active/active: lb1 owns VIP 1, lb2 owns VIP 2; a fault on lb1 moves only VIP 1.
TEST_F(MultiVipMeasurementTest, OneVipMovesAndOneStays) {
  Vip(-3000, "lb1", event_kind::kVipAdded, kVip1);
  Vip(-2500, "lb2", event_kind::kVipAdded, kVip2);
  Vip(200, "lb1", event_kind::kVipRemoved, kVip1);
  Vip(1200, "lb2", event_kind::kVipAdded, kVip1);
  const Measurement m = Run(4000);
  const VipMeasurement& a = m.vips[0];
  const VipMeasurement& b = m.vips[1];
  EXPECT_TRUE(a.vip_moved);
  EXPECT_EQ(*a.owner_after, "lb2");
  EXPECT_EQ(b.owner_before, "lb2");
  EXPECT_EQ(*b.owner_after, "lb2");
  EXPECT_FALSE(b.vip_moved);
  EXPECT_FALSE(b.failover_ms);
  EXPECT_FALSE(b.release_ms);
  EXPECT_NEAR(*b.settled_ms, 0, 0.01);  // held since before the fault
  EXPECT_EQ(b.no_owner_ms, 0);
  // The group: not every VIP moved; failover_ms is the one that moved settling.
  EXPECT_FALSE(m.vip_moved);
  EXPECT_EQ(*m.owner_after, "lb2");  // the first VIP's
  EXPECT_NEAR(*m.failover_ms, 1200, 0.01);
  EXPECT_NEAR(*m.release_ms, 200, 0.01);
}

// Split brain on one VIP only: that VIP's measurement shows it, the other's does not, the group
// has it.
TEST_F(MultiVipMeasurementTest, SplitBrainOnOneVipOnly) {
  Vip(-3000, "lb1", event_kind::kVipAdded, kVip1);
  Vip(-3000, "lb1", event_kind::kVipAdded, kVip2);
  Vip(1500, "lb2", event_kind::kVipAdded, kVip2);  // lb1 keeps it: two owners to the end
  const Measurement m = Run(3000);
  EXPECT_FALSE(m.vips[0].split_brain);
  EXPECT_EQ(m.vips[0].split_brain_ms, 0);
  EXPECT_TRUE(m.vips[1].split_brain);
  EXPECT_NEAR(m.vips[1].split_brain_ms, 1500, 0.01);
  EXPECT_FALSE(m.vips[1].owner_after);
  EXPECT_EQ(m.vips[1].owners_after, (std::vector<std::string>{"lb1", "lb2"}));
  EXPECT_FALSE(m.vips[1].settled_ms);
  EXPECT_TRUE(m.split_brain);
  EXPECT_NEAR(m.split_brain_ms, 1500, 0.01);
  EXPECT_NEAR(*m.failover_ms, 1500, 0.01);  // nothing moved: the takeover
  EXPECT_FALSE(m.vip_moved);
}

// Each VIP's outage from its own probes; the group's is the longest, probes are summed.
TEST_F(MultiVipMeasurementTest, OutagePerVip) {
  Vip(-3000, "lb1", event_kind::kVipAdded, kVip1);
  Vip(-3000, "lb1", event_kind::kVipAdded, kVip2);
  for (int t = 0; t < 2000; t += 10) {
    Probe(t, kVip1, t < 100 || t >= 700, t < 100 ? "lb1" : "lb2");  // fails 100..700
    Probe(t + 5, kVip2, t < 300 || t >= 400, "lb1");                // fails 300..400
  }
  const Measurement m = Run(2000);
  EXPECT_NEAR(*m.vips[0].outage_ms, 600, 0.01);
  EXPECT_NEAR(*m.vips[1].outage_ms, 100, 0.01);
  EXPECT_EQ(m.vips[0].probes, 200u);
  EXPECT_EQ(m.vips[0].probes_failed, 60u);
  EXPECT_EQ(m.vips[1].probes_failed, 10u);
  EXPECT_FALSE(m.vips[0].outage_ongoing);
  EXPECT_NEAR(*m.outage_ms, 600, 0.01);
  EXPECT_NEAR(m.outage_total_ms, 700, 0.01);
  EXPECT_EQ(m.probes, 400u);
  EXPECT_EQ(m.probes_failed, 70u);
}

// A power-off takes every VIP of the node; a VIP without events has no owner at all.
TEST_F(MultiVipMeasurementTest, PowerAppliesToEveryVip) {
  Vip(-3000, "lb1", event_kind::kVipAdded, kVip1);
  Vip(-3000, "lb1", event_kind::kVipAdded, kVip2);
  Power(0, "lb1", "off");
  Vip(1000, "lb2", event_kind::kVipAdded, kVip1);
  Vip(1100, "lb2", event_kind::kVipAdded, kVip2);
  const Measurement m = Run(2000);
  EXPECT_NEAR(*m.vips[0].release_ms, 0, 0.01);
  EXPECT_NEAR(*m.vips[1].release_ms, 0, 0.01);
  EXPECT_NEAR(m.stale_vip_ms, 2000, 0.01);
  EXPECT_FALSE(m.split_brain);  // a powered-off node owns nothing
  EXPECT_TRUE(m.vip_moved);
  EXPECT_NEAR(*m.failover_ms, 1100, 0.01);
}

// Untagged events (older observers) count for the first VIP.
TEST_F(MultiVipMeasurementTest, UntaggedEventsAreTheFirstVips) {
  Vip(-3000, "lb1", event_kind::kVipAdded, "");
  Vip(-3000, "lb2", event_kind::kVipAdded, kVip2);
  Vip(500, "lb1", event_kind::kVipRemoved, "");
  Vip(800, "lb2", event_kind::kVipAdded, "");
  const Measurement m = Run(2000);
  EXPECT_EQ(*m.vips[0].owner_after, "lb2");
  EXPECT_NEAR(*m.vips[0].failover_ms, 800, 0.01);
  EXPECT_EQ(m.vips[1].owner_before, "lb2");
  EXPECT_FALSE(m.vips[1].vip_moved);
}

// One VIP: the top-level fields are exactly what the VIP-blind Measure gives, and vips holds it.
TEST_F(MultiVipMeasurementTest, OneVipIsTheTopLevel) {
  Vip(-3000, "lb1", event_kind::kVipAdded, kVip1);
  Vip(300, "lb1", event_kind::kVipRemoved, kVip1);
  Vip(1000, "lb2", event_kind::kVipAdded, kVip1);
  for (int t = 0; t < 2000; t += 10) Probe(t, kVip1, t < 100 || t >= 1000, "lb2");
  const Measurement one = Run(2000, {{kVip1, "VI_1"}});
  const Measurement blind = Measure(events_, samples_, t0_, At(2000), "lb1");
  EXPECT_EQ(one.owner_after, blind.owner_after);
  EXPECT_EQ(one.failover_ms, blind.failover_ms);
  EXPECT_EQ(one.release_ms, blind.release_ms);
  EXPECT_EQ(one.no_owner_ms, blind.no_owner_ms);
  EXPECT_EQ(one.outage_ms, blind.outage_ms);
  EXPECT_EQ(one.outage_total_ms, blind.outage_total_ms);
  EXPECT_EQ(one.probes, blind.probes);
  EXPECT_EQ(one.vip_moved, blind.vip_moved);
  ASSERT_EQ(one.vips.size(), 1u);
  EXPECT_EQ(one.vips[0].vip, kVip1);
  EXPECT_EQ(one.vips[0].failover_ms, one.failover_ms);
  EXPECT_NEAR(*one.vips[0].settled_ms, 1000, 0.01);
  ASSERT_EQ(blind.vips.size(), 1u);
  EXPECT_EQ(blind.vips[0].vip, "");
}

TEST(MeasuredVips, EveryInstancesVipsInOrder) {
  Scenario s;
  InstanceSpec i1;
  i1.name = "VI_1";
  i1.vips = {{Ipv4Prefix::Parse("10.77.0.200/24"), ""}};
  InstanceSpec i2;
  i2.name = "VI_2";
  i2.vips = {{Ipv4Prefix::Parse("10.77.0.201/24"), ""},
             {Ipv4Prefix::Parse("10.78.0.201/24"), "eth1"}};
  s.instances = {i1, i2};
  const std::vector<MeasuredVip> vips = MeasuredVips(s);
  ASSERT_EQ(vips.size(), 3u);
  EXPECT_EQ(vips[0].vip, "10.77.0.200");
  EXPECT_EQ(vips[0].instance, "VI_1");
  EXPECT_EQ(vips[2].vip, "10.78.0.201");
  EXPECT_EQ(vips[2].instance, "VI_2");
}

}  // namespace
}  // namespace viplab
