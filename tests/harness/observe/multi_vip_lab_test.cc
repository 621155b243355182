// The observer and the client probe with two VIPs in a real lab (issue 9): keepalived manages
// 10.77.0.200 (cases/catalog/node-crash.json: lb1 150, lb2 100) and the test adds a second VIP,
// 10.77.0.201, on lb2 by hand (this lab renders one instance). The observer reports each VIP's
// vip_added with its address, the timeline keeps each VIP's owners, and the client probes each VIP
// on its own schedule: 10.77.0.200 is served by lb1, 10.77.0.201 by lb2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

#include "harness/lab/lab.h"
#include "harness/observe/client_probe.h"
#include "harness/observe/observer.h"
#include "harness/observe/timeline.h"
#include "netns/address.h"
#include "tests/common/lab_run.h"

namespace viplab {
namespace {

using namespace std::chrono_literals;
using ::testing::IsEmpty;

const std::filesystem::path kCases = std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases";
constexpr const char* kKept = "10.77.0.200";
constexpr const char* kAdded = "10.77.0.201";

class MultiVipLabTest : public testing::LabRunTest {
 protected:
  void TearDown() override {
    if (!lab_) return;
    probe_.reset();
    observer_.reset();
    lab_.reset();
    EXPECT_THAT(testing::LabLeftovers(prefix_), IsEmpty());
  }

  Timeline timeline_;
  std::unique_ptr<Lab> lab_;
  std::string prefix_;
  std::optional<Observer> observer_;
  std::optional<ClientProbe> probe_;
};

TEST_F(MultiVipLabTest, EachVipIsObservedAndProbedOnItsOwn) {
  if (IsSkipped()) return;
  const Scenario scenario = LoadScenario(kCases / "catalog" / "node-crash.json");
  lab_ = Lab::Create(scenario, LabOptionsFor(env_));
  prefix_ = lab_->prefix();
  lab_->PrepareNodes();
  // What the observer and the probe are told: the hand-added VIP first, so the timeline's
  // first-VIP views (vip_owners, client_served_by) follow it.
  Scenario two = scenario;
  two.instances.front().vips.insert(two.instances.front().vips.begin(),
                                    VipSpec{Ipv4Prefix::Parse("10.77.0.201/24"), ""});
  observer_.emplace(timeline_, two);
  for (Lab::Node* node : lab_->nodes()) {
    observer_->WatchNode(node->name, *lab_->topology().node(node->name).ns);
    observer_->WatchNotifyFifo(node->name, node->notify_fifo());
  }
  observer_->Start();
  lab_->StartServices();
  probe_.emplace(*lab_->topology().client().ns, ProbeTargets(two), scenario.service_port,
                 timeline_);
  probe_->Start();
  lab_->StartKeepalived();
  ASSERT_TRUE(timeline_.WaitUntil(
      [](const LabState& s, TimePoint) {
        auto kept = s.owners_by_vip.find(kKept);
        return kept != s.owners_by_vip.end() && kept->second == std::set<std::string>{"lb1"};
      },
      Now() + 15s));
  EXPECT_TRUE(timeline_.State().vip_owners.empty());  // nobody holds 10.77.0.201 yet

  AddAddress(*lab_->topology().node("lb2").socket, scenario.interface,
             Ipv4Prefix::Parse("10.77.0.201/24"));
  ASSERT_TRUE(timeline_.WaitUntil(
      [](const LabState& s, TimePoint) {
        return s.vip_owners == std::set<std::string>{"lb2"} && s.client_served_by == "lb2";
      },
      Now() + 10s));
  probe_->Stop();
  observer_->Stop();

  const LabState state = timeline_.State();
  EXPECT_EQ(state.owners_by_vip.at(kAdded), std::set<std::string>{"lb2"});
  EXPECT_EQ(state.owners_by_vip.at(kKept), std::set<std::string>{"lb1"});
  EXPECT_EQ(state.instance_state.at("VI_1").at("lb1"), "MASTER");
  bool added = false, served_kept = false;
  for (const TimelineEvent& e : timeline_.Events()) {
    if (e.kind == event_kind::kVipAdded && e.node == "lb2") {
      EXPECT_EQ(e.vip, kAdded);
      EXPECT_EQ(e.detail, "10.77.0.201/24");
      added = true;
    }
    if (e.kind == event_kind::kVipAdded && e.node == "lb1") {
      EXPECT_EQ(e.vip, kKept);
    }
    if (e.kind == event_kind::kState) {
      EXPECT_EQ(e.instance, "VI_1");
    }
    if (e.kind == event_kind::kClient) {
      EXPECT_FALSE(e.vip.empty());
      served_kept = served_kept || (e.vip == kKept && e.detail == "served by lb1");
    }
  }
  EXPECT_TRUE(added);
  EXPECT_TRUE(served_kept);
  // Each VIP has its own probes, answered by its own owner.
  const std::vector<ProbeSample> kept = probe_->Samples(kKept);
  const std::vector<ProbeSample> extra = probe_->Samples(kAdded);
  ASSERT_FALSE(kept.empty());
  ASSERT_FALSE(extra.empty());
  EXPECT_EQ(kept.back().node, "lb1");
  EXPECT_EQ(extra.back().node, "lb2");
  EXPECT_FALSE(extra.front().ok);  // before lb2 held it
}

}  // namespace
}  // namespace viplab
