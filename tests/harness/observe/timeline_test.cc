// The Timeline's derived state with several VIPs and instances: owners_by_vip (power events apply
// to every VIP), instance_state, and the first VIP's and instance's views (vip_owners,
// vrrp_state, client_served_by) that every wait and readiness condition reads. No root, no lab.
#include "harness/observe/timeline.h"

#include <gtest/gtest.h>

namespace viplab {
namespace {

using Owners = std::set<std::string>;

TimelineEvent VipEvent(const std::string& node, const char* kind, const std::string& vip) {
  TimelineEvent e(Now(), node, kind, (vip.empty() ? "10.77.0.200" : vip) + "/24");
  e.vip = vip;
  return e;
}

TimelineEvent State(const std::string& node, const std::string& state,
                    const std::string& instance) {
  return TimelineEvent(Now(), node, event_kind::kState, state, instance);
}

TimelineEvent Client(const std::string& detail, const std::string& vip) {
  TimelineEvent e(Now(), "client", event_kind::kClient, detail);
  e.vip = vip;
  return e;
}

// Two VIPs of two instances.
void Scope(Timeline& timeline) {
  TimelineScope scope;
  scope.vips = {"10.77.0.200", "10.78.0.201"};
  scope.instances = {"VI_1", "VI_2"};
  timeline.SetScope(scope);
}

TEST(TimelineVips, EachVipHasItsOwnersAndTheFirstIsVipOwners) {
  Timeline timeline;
  Scope(timeline);
  EXPECT_EQ(timeline.State().owners_by_vip.size(), 2u);  // known before any event
  EXPECT_TRUE(timeline.State().owners_by_vip.at("10.78.0.201").empty());
  timeline.Add(VipEvent("lb2", event_kind::kVipAdded, "10.78.0.201"));
  LabState s = timeline.State();
  EXPECT_TRUE(s.vip_owners.empty());  // the first VIP has no owner yet
  EXPECT_EQ(s.owners_by_vip.at("10.78.0.201"), Owners{"lb2"});
  timeline.Add(VipEvent("lb1", event_kind::kVipAdded, "10.77.0.200"));
  s = timeline.State();
  EXPECT_EQ(s.vip_owners, Owners{"lb1"});
  EXPECT_EQ(s.owners_by_vip.at("10.77.0.200"), Owners{"lb1"});
  EXPECT_EQ(s.owner_since.count("lb1"), 1u);
  EXPECT_EQ(s.owner_since.count("lb2"), 0u);  // owner_since is the first VIP's
}

TEST(TimelineVips, PowerAppliesToEveryVip) {
  Timeline timeline;
  Scope(timeline);
  timeline.Add(VipEvent("lb1", event_kind::kVipAdded, "10.77.0.200"));
  timeline.Add(VipEvent("lb1", event_kind::kVipAdded, "10.78.0.201"));
  timeline.Add("lb1", event_kind::kPower, "off");
  LabState s = timeline.State();
  EXPECT_TRUE(s.vip_owners.empty());
  EXPECT_TRUE(s.owners_by_vip.at("10.78.0.201").empty());
  EXPECT_EQ(s.stale_vips, Owners{"lb1"});
  timeline.Add("lb1", event_kind::kPower, "resumed");
  s = timeline.State();
  EXPECT_EQ(s.owners_by_vip.at("10.78.0.201"), Owners{"lb1"});
  EXPECT_EQ(s.vip_owners, Owners{"lb1"});
}

// A VIP first seen after a power-off starts with that node still off.
TEST(TimelineVips, AVipFirstSeenLaterKnowsWhoIsOff) {
  Timeline timeline;
  timeline.Add(VipEvent("lb1", event_kind::kVipAdded, "10.77.0.200"));
  timeline.Add("lb2", event_kind::kPower, "paused");
  timeline.Add(VipEvent("lb2", event_kind::kVipAdded, "10.77.0.9"));
  const LabState s = timeline.State();
  EXPECT_TRUE(s.owners_by_vip.at("10.77.0.9").empty());
  EXPECT_EQ(s.vip_owners, Owners{"lb1"});  // unscoped: the first VIP an event named
}

TEST(TimelineVips, UntaggedEventsCountForTheFirstVip) {
  Timeline timeline;
  Scope(timeline);
  timeline.Add(VipEvent("lb1", event_kind::kVipAdded, ""));
  const LabState s = timeline.State();
  EXPECT_EQ(s.vip_owners, Owners{"lb1"});
  EXPECT_EQ(s.owners_by_vip.at("10.77.0.200"), Owners{"lb1"});
  EXPECT_TRUE(s.owners_by_vip.at("10.78.0.201").empty());
}

TEST(TimelineInstances, EachInstanceHasItsStatesAndTheFirstIsVrrpState) {
  Timeline timeline;
  Scope(timeline);
  timeline.Add(State("lb2", "MASTER", "VI_2"));
  timeline.Add(State("lb1", "BACKUP", "VI_2"));
  LabState s = timeline.State();
  EXPECT_TRUE(s.vrrp_state.empty());
  EXPECT_EQ(s.instance_state.at("VI_2").at("lb2"), "MASTER");
  timeline.Add(State("lb1", "MASTER", "VI_1"));
  timeline.Add(State("lb2", "BACKUP", ""));  // untagged: the first instance
  s = timeline.State();
  EXPECT_EQ(s.vrrp_state.at("lb1"), "MASTER");
  EXPECT_EQ(s.vrrp_state.at("lb2"), "BACKUP");
  EXPECT_EQ(s.instance_state.at("VI_1").at("lb2"), "BACKUP");
  EXPECT_EQ(s.instance_state.at("VI_2").at("lb1"), "BACKUP");
  EXPECT_EQ(s.vrrp_state_since.count("lb2"), 1u);
}

TEST(TimelineClient, OnlyTheFirstVipsClientEventsAreClientServedBy) {
  Timeline timeline;
  Scope(timeline);
  timeline.Add(Client("served by lb2", "10.78.0.201"));
  EXPECT_FALSE(timeline.State().client_served_by);
  timeline.Add(Client("served by lb1", "10.77.0.200"));
  EXPECT_EQ(timeline.State().client_served_by, "lb1");
  timeline.Add(Client("failed: connection refused", "10.78.0.201"));
  EXPECT_EQ(timeline.State().client_served_by, "lb1");
  timeline.Add(Client("failed: connection refused", ""));
  EXPECT_FALSE(timeline.State().client_served_by);
}

TEST(TimelineScope, OfAScenario) {
  Scenario s;
  InstanceSpec i1;
  i1.name = "VI_1";
  i1.vips = {{Ipv4Prefix::Parse("10.77.0.200/24"), ""}};
  InstanceSpec i2;
  i2.name = "VI_2";
  i2.vips = {{Ipv4Prefix::Parse("10.78.0.201/24"), "eth1"}};
  s.instances = {i1, i2};
  const TimelineScope scope = ScopeOf(s);
  EXPECT_EQ(scope.vips, (std::vector<std::string>{"10.77.0.200", "10.78.0.201"}));
  EXPECT_EQ(scope.instances, (std::vector<std::string>{"VI_1", "VI_2"}));
}

}  // namespace
}  // namespace viplab
