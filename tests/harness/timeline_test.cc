// Timeline's derived state (LabState) with power events: a node powered off or paused owns
// nothing, its VIP is stale; resumed it owns the VIP again, powered on it does not until it adds
// the VIP afresh. No root, no lab: events are added by hand.
#include "harness/timeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace viplab {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TimePoint At(int ms) { return TimePoint() + std::chrono::milliseconds(ms); }

class TimelinePower : public ::testing::Test {
 protected:
  void SetUp() override { timeline_.Add("lb1", event_kind::kVipAdded, "10.77.0.200/24", At(0)); }
  Timeline timeline_;
};

TEST_F(TimelinePower, APoweredOffNodeOwnsNothingItsVipIsStale) {
  timeline_.Add("lb1", event_kind::kPower, "off", At(100));
  LabState s = timeline_.State();
  EXPECT_THAT(s.vip_owners, IsEmpty());
  EXPECT_EQ(s.owner_since.count("lb1"), 0u);
  EXPECT_THAT(s.stale_vips, ElementsAre("lb1"));
  EXPECT_THAT(s.powered_down, ElementsAre("lb1"));

  timeline_.Add("lb2", event_kind::kVipAdded, "10.77.0.200/24", At(1900));
  s = timeline_.State();
  EXPECT_THAT(s.vip_owners, ElementsAre("lb2")) << "the taker owns the VIP alone";
}

TEST_F(TimelinePower, PoweredOnTheLeftoverVipDoesNotCountUntilAddedAgain) {
  timeline_.Add("lb1", event_kind::kPower, "off", At(100));
  timeline_.Add("lb2", event_kind::kVipAdded, "10.77.0.200/24", At(1900));
  // The power-on stamp may arrive before the observer reports the leftover's removal.
  timeline_.Add("lb1", event_kind::kPower, "on", At(3000));
  LabState s = timeline_.State();
  EXPECT_THAT(s.vip_owners, ElementsAre("lb2"));
  EXPECT_THAT(s.powered_down, IsEmpty());
  timeline_.Add("lb1", event_kind::kVipRemoved, "10.77.0.200/24", At(3001));
  EXPECT_THAT(timeline_.State().stale_vips, IsEmpty());
  timeline_.Add("lb1", event_kind::kVipAdded, "10.77.0.200/24", At(5000));
  s = timeline_.State();
  EXPECT_THAT(s.vip_owners, ElementsAre("lb1", "lb2"));
  EXPECT_EQ(s.owner_since.at("lb1"), At(5000));
}

TEST_F(TimelinePower, ResumedTheNodeOwnsItsVipAgainFromTheResume) {
  timeline_.Add("lb1", event_kind::kPower, "paused", At(100));
  timeline_.Add("lb2", event_kind::kVipAdded, "10.77.0.200/24", At(1900));
  EXPECT_THAT(timeline_.State().vip_owners, ElementsAre("lb2"));
  timeline_.Add("lb1", event_kind::kPower, "resumed", At(4000));
  const LabState s = timeline_.State();
  EXPECT_THAT(s.vip_owners, ElementsAre("lb1", "lb2"));
  EXPECT_EQ(s.owner_since.at("lb1"), At(4000));
  EXPECT_THAT(s.stale_vips, IsEmpty());
  EXPECT_THAT(s.powered_down, IsEmpty());
}

TEST_F(TimelinePower, AVipAddedOrRemovedWhileDownChangesOnlyTheStaleSet) {
  timeline_.Add("lb2", event_kind::kPower, "paused", At(50));
  timeline_.Add("lb2", event_kind::kVipAdded, "10.77.0.200/24", At(60));
  LabState s = timeline_.State();
  EXPECT_THAT(s.vip_owners, ElementsAre("lb1"));
  EXPECT_THAT(s.stale_vips, ElementsAre("lb2"));
  timeline_.Add("lb2", event_kind::kVipRemoved, "10.77.0.200/24", At(70));
  timeline_.Add("lb2", event_kind::kPower, "resumed", At(80));
  s = timeline_.State();
  EXPECT_THAT(s.vip_owners, ElementsAre("lb1"));
  EXPECT_THAT(s.stale_vips, IsEmpty());
}

TEST_F(TimelinePower, WithoutPowerEventsOwnershipIsUnchanged) {
  timeline_.Add("lb2", event_kind::kVipAdded, "10.77.0.200/24", At(10));
  EXPECT_THAT(timeline_.State().vip_owners, ElementsAre("lb1", "lb2"));
  EXPECT_THAT(timeline_.State().stale_vips, IsEmpty());
}

}  // namespace
}  // namespace viplab
