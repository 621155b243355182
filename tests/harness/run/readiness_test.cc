// The runner's readiness and decidability predicates on scripted lab states, and Converge against
// a fake lab (a function that scripts timeline events when keepalived "starts"): no root.
#include "harness/run/readiness.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/model/vrrp_timing.h"
#include "netns/error.h"

namespace viplab {
namespace {

using std::chrono::milliseconds;

// Two nodes, VRRPv3, advert 0.5 s; lb1 150 preempts, lb2 100.
nlohmann::json TwoNodes() {
  return nlohmann::json::parse(R"({
    "name": "readiness", "vip": "10.77.0.200/24", "subnet": "10.77.0.0/24",
    "vrrp_version": 3, "advert_int": 0.5,
    "nodes": [{"name": "lb1", "priority": 150}, {"name": "lb2", "priority": 100}],
    "check": {"type": "none"},
    "fault": {"target": "keepalived", "action": "crash", "node": "master"}
  })");
}

Scenario Make(const nlohmann::json& j) { return ScenarioFromJson(j, "readiness.json"); }

// lb1 owns the VIP and is MASTER since `master_since`, lb2 BACKUP since `backup_since`, the
// client is served by `served_by` ("" for not served).
LabState Converged(TimePoint master_since, TimePoint backup_since,
                   const std::string& served_by = "lb1") {
  LabState s;
  s.vip_owners = {"lb1"};
  s.owner_since["lb1"] = master_since;
  s.vrrp_state = {{"lb1", "MASTER"}, {"lb2", "BACKUP"}};
  s.vrrp_state_since = {{"lb1", master_since}, {"lb2", backup_since}};
  if (!served_by.empty()) {
    s.client_served_by = served_by;
    s.client_served_since = master_since;
  }
  return s;
}

const TimePoint kT = TimePoint() + std::chrono::hours(1);

TEST(Readiness, NotReadyWithTwoOwnersOrNone) {
  const Scenario scenario = Make(TwoNodes());
  LabState s = Converged(kT, kT - std::chrono::seconds(10));
  const TimePoint later = kT + std::chrono::seconds(60);
  EXPECT_TRUE(ReadyForFault(scenario, s, later));
  s.vip_owners = {"lb1", "lb2"};
  s.owner_since["lb2"] = kT;
  EXPECT_FALSE(ReadyForFault(scenario, s, later));
  s.vip_owners = {};
  EXPECT_FALSE(ReadyForFault(scenario, s, later));
}

TEST(Readiness, ReadyOnlyAfterOneAdvertIntervalAsMaster) {
  const Scenario scenario = Make(TwoNodes());
  const LabState s = Converged(kT, kT - std::chrono::seconds(10));
  EXPECT_FALSE(ReadyForFault(scenario, s, kT));
  EXPECT_FALSE(ReadyForFault(scenario, s, kT + milliseconds(499)));
  EXPECT_TRUE(ReadyForFault(scenario, s, kT + milliseconds(500)));
  // Owner in BACKUP (keepalived has not said MASTER yet): never ready.
  LabState backup = s;
  backup.vrrp_state["lb1"] = "BACKUP";
  EXPECT_FALSE(ReadyForFault(scenario, backup, kT + std::chrono::seconds(60)));
}

TEST(Readiness, WaitsForTheClientServedByTheOwner) {
  const Scenario scenario = Make(TwoNodes());
  const TimePoint later = kT + std::chrono::seconds(60);
  const TimePoint backup_since = kT - std::chrono::seconds(10);
  EXPECT_FALSE(ReadyForFault(scenario, Converged(kT, backup_since, ""), later));
  EXPECT_FALSE(ReadyForFault(scenario, Converged(kT, backup_since, "lb2"), later));
  EXPECT_TRUE(ReadyForFault(scenario, Converged(kT, backup_since, "lb1"), later));
}

TEST(Readiness, EveryOtherNodeMustBeBackup) {
  const Scenario scenario = Make(TwoNodes());
  LabState s = Converged(kT, kT - std::chrono::seconds(10));
  const TimePoint later = kT + std::chrono::seconds(60);
  s.vrrp_state.erase("lb2");  // not started yet
  EXPECT_FALSE(ReadyForFault(scenario, s, later));
  s.vrrp_state["lb2"] = "FAULT";
  EXPECT_FALSE(ReadyForFault(scenario, s, later));
}

TEST(Readiness, LowerBackupSettlesAfterOneAdvert) {
  const Scenario scenario = Make(TwoNodes());
  const TimePoint master_since = kT - std::chrono::seconds(10);
  const LabState s = Converged(master_since, kT);
  EXPECT_FALSE(ReadyForFault(scenario, s, kT + milliseconds(499)));
  EXPECT_TRUE(ReadyForFault(scenario, s, kT + milliseconds(500)));
  // The recheck is the latest settle: lb2's BACKUP since kT plus one advert.
  EXPECT_EQ(ReadyRecheckAt(scenario, s), kT + milliseconds(500));
}

// A backup that outranks the owner and preempts must have waited out its down timer, its
// preempt_delay and one advert: until then it may still take over.
TEST(Readiness, PreemptingBackupSettlesAfterDownTimerAndPreemptDelay) {
  nlohmann::json j = TwoNodes();
  j["nodes"][1]["priority"] = 200;
  j["nodes"][1]["preempt_delay"] = 1;
  const Scenario scenario = Make(j);
  // Master_Down(200, 0.5 s, v3) = 1500 + 56 x 500 / 256 = 1609.4 ms; + 1000 + 500.
  const double settle = BackupSettleMs(scenario, scenario.nodes[1], "lb1");
  EXPECT_NEAR(settle, 3109.4, 0.05);
  const LabState s = Converged(kT - std::chrono::seconds(10), kT);
  EXPECT_FALSE(ReadyForFault(scenario, s, kT + milliseconds(3108)));
  EXPECT_TRUE(ReadyForFault(scenario, s, kT + milliseconds(3109)));
  EXPECT_EQ(ReadyRecheckAt(scenario, s), kT + milliseconds(3109));
  // With nopreempt it would never take over: one advert is enough.
  j["nodes"][1].erase("preempt_delay");
  j["nodes"][1]["nopreempt"] = true;
  const Scenario nopreempt = Make(j);
  EXPECT_TRUE(ReadyForFault(nopreempt, s, kT + milliseconds(500)));
}

TEST(Readiness, RecheckWithoutASingleOwnerUsesTheLongestAdvert) {
  nlohmann::json j = TwoNodes();
  j["nodes"][1]["advert_int"] = 2;
  const Scenario scenario = Make(j);
  LabState s;
  EXPECT_EQ(ReadyRecheckAt(scenario, s), std::nullopt);
  s.vrrp_state = {{"lb1", "BACKUP"}, {"lb2", "BACKUP"}};
  s.vrrp_state_since = {{"lb1", kT + milliseconds(100)}, {"lb2", kT}};
  EXPECT_EQ(ReadyRecheckAt(scenario, s), kT + milliseconds(2100));
}

TEST(Readiness, ExpectedOutcome) {
  Expectation e;
  EXPECT_EQ(ExpectedOutcome(e, "lb1"), Outcome::kUnknown);
  e.owner_after = "lb1";
  EXPECT_EQ(ExpectedOutcome(e, "lb1"), Outcome::kStays);
  e.owner_after = "lb2";
  EXPECT_EQ(ExpectedOutcome(e, "lb1"), Outcome::kMoves);
  e.vip_moved = false;  // takes precedence over owner_after
  EXPECT_EQ(ExpectedOutcome(e, "lb1"), Outcome::kStays);
  e.vip_moved = true;
  EXPECT_EQ(ExpectedOutcome(e, "lb1"), Outcome::kMoves);
}

// A single fault that moves the VIP is decided once a single new owner has held it one advert
// and serves the client.
TEST(Readiness, MovedAwayNeedsASingleNewOwnerForOneAdvertServingTheClient) {
  const Scenario scenario = Make(TwoNodes());
  LabState s;
  s.vip_owners = {"lb2"};
  s.owner_since["lb2"] = kT;
  s.client_served_by = "lb2";
  EXPECT_FALSE(MovedAway(scenario, s, kT + milliseconds(499), "lb1"));
  EXPECT_TRUE(MovedAway(scenario, s, kT + milliseconds(500), "lb1"));
  EXPECT_EQ(MovedRecheckAt(scenario, s), kT + milliseconds(500));
  EXPECT_FALSE(MovedAway(scenario, s, kT + milliseconds(500), "lb2"));  // that is no move
  LabState unserved = s;
  unserved.client_served_by.reset();
  EXPECT_FALSE(MovedAway(scenario, unserved, kT + std::chrono::seconds(60), "lb1"));
  LabState both = s;
  both.vip_owners = {"lb1", "lb2"};
  both.owner_since["lb1"] = kT - std::chrono::seconds(10);
  EXPECT_FALSE(MovedAway(scenario, both, kT + std::chrono::seconds(60), "lb1"));
  EXPECT_EQ(MovedRecheckAt(scenario, both), std::nullopt);
}

TEST(Readiness, WaitStepHolds) {
  LabState s;
  s.vrrp_state = {{"lb1", "FAULT"}, {"lb2", "MASTER"}};
  WaitCondition none;
  none.owner = "none";
  EXPECT_TRUE(WaitHolds(none, s));
  s.vip_owners = {"lb2"};
  EXPECT_FALSE(WaitHolds(none, s));
  WaitCondition lb2;
  lb2.owner = "lb2";
  lb2.states = {{"lb2", "MASTER"}};
  EXPECT_TRUE(WaitHolds(lb2, s));
  lb2.states.push_back({"lb1", "BACKUP"});
  EXPECT_FALSE(WaitHolds(lb2, s));
  s.vip_owners = {"lb1", "lb2"};
  WaitCondition states_only;
  states_only.states = {{"lb2", "MASTER"}};
  EXPECT_TRUE(WaitHolds(states_only, s));
  lb2.states.pop_back();
  EXPECT_FALSE(WaitHolds(lb2, s));  // two owners
}

// A fake lab: "starting keepalived" records the names and scripts what the observers would add.
struct FakeLab {
  Timeline& timeline;
  std::vector<std::vector<std::string>> starts;
  std::function<void(const std::vector<std::string>&)> on_start;
  StartKeepalivedFn Starter() {
    return [this](const std::vector<std::string>& names) {
      starts.push_back(names);
      if (on_start) on_start(names);
    };
  }
};

void Converges(Timeline& timeline, TimePoint at) {
  timeline.Add("lb1", event_kind::kState, "MASTER", at);
  timeline.Add("lb1", event_kind::kVipAdded, "10.77.0.200/24", at);
  timeline.Add("lb2", event_kind::kState, "BACKUP", at);
  timeline.Add("client", event_kind::kClient, "served by lb1", at);
}

const auto kNoProgress = [](const std::string&) {};

TEST(Converge, StaggeredStartsTheFirstNodeAloneThenWaitsForReady) {
  nlohmann::json j = TwoNodes();
  j["advert_int"] = 0.1;
  const Scenario scenario = Make(j);
  Timeline timeline;
  FakeLab lab{timeline, {}, nullptr};
  lab.on_start = [&](const std::vector<std::string>& names) {
    if (names == std::vector<std::string>{"lb1"}) {
      timeline.Add("lb1", event_kind::kState, "MASTER");
    } else {
      Converges(timeline, Now());
    }
  };
  std::vector<std::string> messages;
  const TimePoint start = Now();
  const Convergence c = Converge(scenario, timeline, lab.Starter(), start,
                                 [&](const std::string& m) { messages.push_back(m); });
  EXPECT_EQ(c.error, "");
  ASSERT_TRUE(c.before);
  EXPECT_EQ(c.before->vip_owners, std::set<std::string>{"lb1"});
  ASSERT_EQ(lab.starts.size(), 2u);
  EXPECT_EQ(lab.starts[0], std::vector<std::string>{"lb1"});
  EXPECT_TRUE(lab.starts[1].empty());  // every node
  // Ready only after lb2 has been BACKUP for one advert (100 ms): woken by the recheck.
  EXPECT_GE(Now() - c.t0, milliseconds(100));
  EXPECT_GE(c.t0, start);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0], "keepalived started on lb1; waiting for it to become MASTER");
  EXPECT_EQ(messages[1], "services and keepalived started; waiting for one master");
}

TEST(Converge, SimultaneousStartsEveryNodeAtOnce) {
  nlohmann::json j = TwoNodes();
  j["advert_int"] = 0.1;
  j["startup"] = "simultaneous";
  const Scenario scenario = Make(j);
  Timeline timeline;
  FakeLab lab{timeline, {}, [&](const std::vector<std::string>&) { Converges(timeline, Now()); }};
  const Convergence c = Converge(scenario, timeline, lab.Starter(), Now(), kNoProgress);
  EXPECT_TRUE(c.before);
  ASSERT_EQ(lab.starts.size(), 1u);
  EXPECT_TRUE(lab.starts[0].empty());
}

TEST(Converge, TwoOwnersNeverConvergeAndSaySo) {
  const Scenario scenario = Make(TwoNodes());
  Timeline timeline;
  FakeLab lab{timeline, {}, [&](const std::vector<std::string>& names) {
                if (!names.empty()) timeline.Add("lb1", event_kind::kState, "MASTER");
                if (names.empty()) {
                  timeline.Add("lb1", event_kind::kVipAdded, "");
                  timeline.Add("lb2", event_kind::kVipAdded, "");
                  timeline.Add("lb2", event_kind::kState, "MASTER");
                }
              }};
  // The deadline (lab start + the converge timeout) is long past: no waiting.
  const Convergence c =
      Converge(scenario, timeline, lab.Starter(), Now() - std::chrono::hours(1), kNoProgress);
  EXPECT_FALSE(c.before);
  const double timeout = LargestMasterDownMs(scenario) + 3 * MaxAdvertMs(scenario) + 10000;
  EXPECT_EQ(c.error, fmt::format("the lab did not converge within {:.0f} ms: VIP owners [lb1, "
                                 "lb2], VRRP states [lb1=MASTER, lb2=MASTER], client not served",
                                 timeout));
}

TEST(Converge, FirstNodeNotMasterStopsBeforeStartingTheRest) {
  const Scenario scenario = Make(TwoNodes());
  Timeline timeline;
  FakeLab lab{timeline, {}, [&](const std::vector<std::string>&) {
                timeline.Add("lb1", event_kind::kState, "BACKUP");
              }};
  const Convergence c =
      Converge(scenario, timeline, lab.Starter(), Now() - std::chrono::hours(1), kNoProgress);
  EXPECT_FALSE(c.before);
  EXPECT_EQ(lab.starts.size(), 1u);
  EXPECT_EQ(c.error.rfind("lb1 (started first) did not become MASTER within ", 0), 0u) << c.error;
  EXPECT_NE(c.error.find("VRRP states [lb1=BACKUP]"), std::string::npos) << c.error;
}

TEST(Converge, InterruptThrows) {
  const Scenario scenario = Make(TwoNodes());
  Timeline timeline;
  FakeLab lab{timeline, {}, [&](const std::vector<std::string>&) { timeline.Interrupt(); }};
  EXPECT_THROW(Converge(scenario, timeline, lab.Starter(), Now(), kNoProgress), Interrupted);
}

TEST(Converge, DeadWorkerIsAnErrorNotAWait) {
  const Scenario scenario = Make(TwoNodes());
  Timeline timeline;
  FakeLab lab{timeline, {}, [&](const std::vector<std::string>& names) {
                timeline.Add("lb1", event_kind::kState, "MASTER");
                if (names.empty()) timeline.Fail("the observer's event loop died");
              }};
  const TimePoint start = Now();
  const Convergence c = Converge(scenario, timeline, lab.Starter(), start, kNoProgress);
  EXPECT_FALSE(c.before);
  EXPECT_LT(Now() - start, std::chrono::seconds(5));  // the timeout is over 10 s
  EXPECT_EQ(c.error.rfind("the lab did not converge within ", 0), 0u) << c.error;
}

}  // namespace
}  // namespace viplab
