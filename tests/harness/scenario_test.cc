#include "harness/model/scenario.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "netns/error.h"

namespace viplab {
namespace {

using ::testing::HasSubstr;

class ScenarioFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("viplab-scenario-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path Write(const std::string& text) {
    auto path = dir_ / "case.json";
    std::ofstream(path) << text;
    return path;
  }

  // A valid scenario with `patch` merged over it (null values delete keys).
  std::string Valid(const std::string& patch = "{}") {
    auto base = nlohmann::json::parse(R"({
      "name": "t/x", "vip": "10.77.0.200/24", "subnet": "10.77.0.0/24",
      "nodes": [{"name": "lb1", "priority": 101}, {"name": "lb2", "priority": 100}],
      "check": {"type": "script", "weight": 2},
      "fault": {"action": "kill", "target": "service", "node": "master", "signal": "KILL"},
      "expect": {"owner_after": "lb1"}})");
    base.merge_patch(nlohmann::json::parse(patch));
    return base.dump(2);
  }

  std::string ErrorOf(const std::string& text) {
    try {
      LoadScenario(Write(text));
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  }

  std::filesystem::path dir_;
};

TEST(ShippedCases, AllIssue2599CasesLoad) {
  auto scenarios = LoadScenarios({std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases/issue-2599"});
  ASSERT_EQ(scenarios.size(), 4u);
  EXPECT_EQ(scenarios[0].name, "issue-2599/a-weight2-nopreempt");
  EXPECT_TRUE(scenarios[0].nodes[0].nopreempt);
  EXPECT_EQ(scenarios[0].nodes[0].check.weight, 2);
  EXPECT_EQ(scenarios[3].nodes[0].check.type, CheckType::kProcess);
  EXPECT_EQ(scenarios[3].nodes[0].priority, 254);
  EXPECT_EQ(*scenarios[1].expect.failover_ms->max, 1900);
}

// Every shipped scenario loads; the only warning is the case written to show keepalived clearing
// nopreempt with state MASTER.
TEST(ShippedCases, AllCasesLoadAndOnlyTheStateMasterCaseWarns) {
  const std::filesystem::path cases = std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases";
  const auto scenarios =
      LoadScenarios({cases / "catalog", cases / "failback", cases / "issue-2599"});
  EXPECT_GE(scenarios.size(), 30u);
  for (const Scenario& s : scenarios) {
    if (s.name == "failback/state-master-clears-nopreempt") {
      EXPECT_THAT(s.warnings, ::testing::ElementsAre(HasSubstr("nodes[0].nopreempt")));
    } else {
      EXPECT_THAT(s.warnings, ::testing::IsEmpty()) << s.name;
    }
  }
}

TEST_F(ScenarioFileTest, DefaultsAndAddresses) {
  Scenario s = LoadScenario(Write(Valid()));
  EXPECT_EQ(s.interface, "eth0");
  EXPECT_EQ(s.vrrp_version, 2);
  EXPECT_EQ(s.service_port, 80);
  EXPECT_EQ(s.nodes[1].state, "BACKUP");
  EXPECT_EQ(s.nodes[1].check.weight, 2);  // inherited from the scenario
  EXPECT_EQ(s.NodeAddress(0).ToString(), "10.77.0.11/24");
  EXPECT_EQ(s.NodeAddress(1).ToString(), "10.77.0.12/24");
  EXPECT_EQ(s.ClientAddress().ToString(), "10.77.0.254/24");
  EXPECT_EQ(s.startup, Startup::kStaggered);
}

TEST_F(ScenarioFileTest, StartupMode) {
  EXPECT_EQ(LoadScenario(Write(Valid(R"({"startup": "simultaneous"})"))).startup,
            Startup::kSimultaneous);
  EXPECT_THAT(ErrorOf(Valid(R"({"startup": "later"})")),
              HasSubstr("case.json: startup: 'later' is not staggered or simultaneous"));
}

TEST_F(ScenarioFileTest, SplitBrainTolerance) {
  EXPECT_FALSE(LoadScenario(Write(Valid())).split_brain_tolerance_ms);
  EXPECT_EQ(
      LoadScenario(Write(Valid(R"({"split_brain_tolerance_ms": 40})"))).split_brain_tolerance_ms,
      40);
  EXPECT_EQ(
      LoadScenario(Write(Valid(R"({"split_brain_tolerance_ms": 0})"))).split_brain_tolerance_ms, 0);
  EXPECT_THAT(ErrorOf(Valid(R"({"split_brain_tolerance_ms": -1})")),
              HasSubstr("case.json: split_brain_tolerance_ms: must be in 0..60000 ms"));
  EXPECT_THAT(ErrorOf(Valid(R"({"split_brain_tolerance_ms": 1e9})")),
              HasSubstr("case.json: split_brain_tolerance_ms: must be in 0..60000 ms"));
  EXPECT_THAT(ErrorOf(Valid(R"({"split_brain_tolerance_ms": "150 ms"})")),
              HasSubstr("case.json: split_brain_tolerance_ms:"));
}

TEST_F(ScenarioFileTest, NodeOverridesCheck) {
  Scenario s = LoadScenario(Write(Valid(R"({"nodes": [
      {"name": "lb1", "priority": 101, "check": {"type": "process"}},
      {"name": "lb2", "priority": 100, "advert_int": 2}]})")));
  EXPECT_EQ(s.nodes[0].check.type, CheckType::kProcess);
  EXPECT_EQ(s.nodes[1].check.type, CheckType::kScript);
  EXPECT_EQ(s.nodes[1].advert_int, 2);
}

TEST_F(ScenarioFileTest, MalformedJsonNamesLineAndColumn) {
  EXPECT_THAT(ErrorOf("{\n  \"name\": \"x\",\n  \"vip\": oops\n}"),
              HasSubstr("case.json:3:10: malformed JSON"));
}

TEST_F(ScenarioFileTest, UnknownFieldIsNamed) {
  EXPECT_THAT(ErrorOf(Valid(R"({"nodes": [{"name": "lb1", "priority": 1, "prio": 3}]})")),
              HasSubstr("case.json: nodes[0].prio: unknown field"));
  EXPECT_THAT(ErrorOf(Valid(R"({"colour": "red"})")), HasSubstr("colour: unknown field"));
}

TEST_F(ScenarioFileTest, MissingFieldIsNamed) {
  EXPECT_THAT(ErrorOf(Valid(R"({"vip": null})")), HasSubstr("case.json: vip: is missing"));
}

TEST_F(ScenarioFileTest, PriorityOutOfRange) {
  EXPECT_THAT(ErrorOf(Valid(R"({"nodes": [{"name": "lb1", "priority": 300}]})")),
              HasSubstr("nodes[0].priority: 300 is outside 1..255"));
  EXPECT_THAT(ErrorOf(Valid(R"({"nodes": [{"name": "lb1", "priority": 0}]})")),
              HasSubstr("nodes[0].priority: 0 is outside 1..255"));
}

TEST_F(ScenarioFileTest, FaultNodeMustExist) {
  EXPECT_THAT(ErrorOf(Valid(R"({"fault": {"action": "kill", "node": "lb9"}})")),
              HasSubstr("fault.node: 'lb9' is not a node of this scenario"));
}

TEST_F(ScenarioFileTest, UnknownFaultAction) {
  EXPECT_THAT(ErrorOf(Valid(R"({"fault": {"action": "explode"}})")),
              HasSubstr("fault.action: unknown fault 'explode'"));
}

TEST_F(ScenarioFileTest, EveryCatalogFaultParses) {
  const std::vector<std::pair<std::string, FaultKind>> faults = {
      {R"({"target": "service", "action": "kill", "signal": "TERM"})", FaultKind::kServiceKill},
      {R"({"target": "service", "action": "freeze"})", FaultKind::kServiceFreeze},
      {R"({"target": "service", "action": "degrade", "mode": "503"})", FaultKind::kServiceDegrade},
      {R"({"target": "keepalived", "action": "stop"})", FaultKind::kKeepalivedStop},
      {R"({"target": "keepalived", "action": "crash"})", FaultKind::kKeepalivedCrash},
      {R"({"target": "keepalived", "action": "freeze"})", FaultKind::kKeepalivedFreeze},
      {R"({"target": "keepalived", "action": "restart"})", FaultKind::kKeepalivedRestart},
      {R"({"target": "node", "action": "freeze", "node": "lb2"})", FaultKind::kNodeFreeze},
      {R"({"target": "node", "action": "crash"})", FaultKind::kNodeCrash},
      {R"({"target": "link", "action": "down", "side": "switch"})", FaultKind::kLinkDown},
      {R"({"target": "network", "action": "loss", "percent": 30, "traffic": "vrrp"})",
       FaultKind::kPacketLoss},
      {R"({"target": "network", "action": "partition", "mode": "one-way"})", FaultKind::kPartition},
      {R"({"target": "network", "action": "delay", "delay_ms": 1500})", FaultKind::kVrrpDelay},
  };
  for (const auto& [fault, kind] : faults) {
    const Scenario s = LoadScenario(
        Write(Valid(R"({"fault": null})").replace(0, 1, "{\"fault\": " + fault + ",")));
    EXPECT_EQ(s.fault.kind, kind) << fault;
    EXPECT_FALSE(DescribeFault(s.fault).empty());
  }
  const Scenario loss = LoadScenario(Write(Valid(
      R"({"fault": {"target": "network", "action": "loss", "percent": 30, "traffic": "vrrp",
                    "signal": null}})")));
  EXPECT_EQ(loss.fault.percent, 30);
  EXPECT_EQ(loss.fault.traffic, "vrrp");
  EXPECT_EQ(loss.fault.direction, "egress");
  EXPECT_EQ(FaultName(loss.fault.kind), "network-loss");
}

TEST_F(ScenarioFileTest, FaultParametersAreChecked) {
  EXPECT_THAT(ErrorOf(Valid(R"({"fault": {"target": "network", "action": "loss", "percent": 120,
                                           "signal": null}})")),
              HasSubstr("fault.percent: 120 is outside 0..100"));
  EXPECT_THAT(ErrorOf(Valid(R"({"fault": {"target": "link", "action": "down", "side": "moon",
                                           "signal": null}})")),
              HasSubstr("fault.side: 'moon' is not one of node, switch"));
  EXPECT_THAT(ErrorOf(Valid(R"({"fault": {"target": "disk", "action": "fill"}})")),
              HasSubstr("fault.target: unknown target 'disk'"));
  // A parameter of another fault is an unknown field, not silently ignored.
  EXPECT_THAT(ErrorOf(Valid(R"({"fault": {"target": "node", "action": "crash"}})")),
              HasSubstr("fault.signal: unknown field"));
}

TEST_F(ScenarioFileTest, StepSequences) {
  const Scenario s = LoadScenario(Write(Valid(R"({"fault": null, "expect": null, "steps": [
      {"inject": {"target": "service", "action": "kill"}},
      {"wait": {"owner": "lb2", "state": {"lb1": "FAULT"}, "timeout_ms": 3000}},
      {"expect": {"owner_after": "lb2", "split_brain": false}},
      {"clear": true},
      {"hold_ms": 500}]})")));
  ASSERT_TRUE(s.is_sequence());
  ASSERT_EQ(s.steps.size(), 5u);
  EXPECT_EQ(s.steps[1].kind, Step::Kind::kWait);
  EXPECT_EQ(*s.steps[1].wait.owner, "lb2");
  EXPECT_EQ(s.steps[1].wait.states,
            (std::vector<std::pair<std::string, std::string>>{{"lb1", "FAULT"}}));
  EXPECT_EQ(*s.steps[2].expect.split_brain, false);
  EXPECT_EQ(s.steps[4].hold_ms, 500);
}

TEST_F(ScenarioFileTest, StepSequenceErrors) {
  EXPECT_THAT(ErrorOf(Valid(R"({"steps": [{"clear": true}]})")),
              HasSubstr("steps: cannot be combined with a top-level fault or expect"));
  EXPECT_THAT(ErrorOf(Valid(R"({"fault": null, "expect": null, "steps": [
      {"inject": {"target": "service", "action": "kill"}, "hold_ms": 5}]})")),
              HasSubstr("steps[0]: must hold exactly one of inject, clear, wait, hold_ms, expect"));
  EXPECT_THAT(ErrorOf(Valid(R"({"fault": null, "expect": null, "steps": [
      {"expect": {"owner_after": "lb1"}}]})")),
              HasSubstr("steps[0]: comes before the first inject"));
  EXPECT_THAT(ErrorOf(Valid(R"({"fault": null, "expect": null, "steps": [
      {"inject": {"target": "service", "action": "kill"}},
      {"wait": {"state": {"lb7": "MASTER"}}}]})")),
              HasSubstr("steps[1].wait.state.lb7: unknown field"));
  EXPECT_THAT(ErrorOf(Valid(R"({"fault": null, "expect": null, "steps": [
      {"inject": {"target": "service", "action": "kill"}},
      {"wait": {"owner": "lb3"}}]})")),
              HasSubstr("steps[1].wait.owner: 'lb3' is not a node of this scenario"));
}

// keepalived 2.2.7 clears nopreempt / preempt_delay with state MASTER and runs: a warning
// naming the file and field, never a refusal.
TEST_F(ScenarioFileTest, StateMasterClearingPreemptionIsAWarning) {
  const auto path = Write(Valid(R"({"nodes": [
      {"name": "lb1", "priority": 150, "state": "MASTER", "nopreempt": true, "preempt_delay": 3},
      {"name": "lb2", "priority": 100, "nopreempt": true, "preempt_delay": 2},
      {"name": "lb3", "priority": 90, "state": "MASTER"}]})"));
  const Scenario s = LoadScenario(path);
  EXPECT_TRUE(s.nodes[0].nopreempt);  // the file stays as written; keepalived clears it
  ASSERT_EQ(s.warnings.size(), 3u);
  EXPECT_THAT(s.warnings[0], HasSubstr(path.string() + ": nodes[0].nopreempt: keepalived 2.2.7 "
                                                       "clears nopreempt with state MASTER"));
  EXPECT_THAT(s.warnings[1],
              HasSubstr("nodes[0].preempt_delay: keepalived 2.2.7 clears preempt_delay with "
                        "state MASTER"));
  EXPECT_THAT(s.warnings[2],
              HasSubstr("nodes[1].preempt_delay: keepalived 2.2.7 clears preempt_delay with "
                        "nopreempt"));
  EXPECT_THAT(LoadScenario(Write(Valid())).warnings, ::testing::IsEmpty());
  std::ostringstream out;
  PrintWarnings({s}, out);
  EXPECT_THAT(out.str(), HasSubstr("viplab: warning: " + path.string() + ": nodes[0].nopreempt"));
}

TEST_F(ScenarioFileTest, ScriptIntervalIsWholeSecondsIn227) {
  EXPECT_THAT(ErrorOf(Valid(R"({"check": {"type": "script", "interval": 0.5}})")),
              HasSubstr("check.interval: 0.5 is not a whole number of seconds: keepalived older "
                        "than 2.3.2"));
  EXPECT_THAT(ErrorOf(Valid(R"({"nodes": [{"name": "lb1", "priority": 101,
                                  "check": {"type": "script", "interval": 1.5}}]})")),
              HasSubstr("nodes[0].check.interval: 1.5 is not a whole number"));
  EXPECT_EQ(LoadScenario(Write(Valid(R"({"check": {"type": "script", "interval": 2}})")))
                .nodes[0]
                .check.interval,
            2);
}

TEST_F(ScenarioFileTest, AddressesThatCannotWorkOnAVeth) {
  auto error_of = [&](const char* subnet, const char* vip) {
    return ErrorOf(Valid(fmt::format(R"({{"subnet": "{}", "vip": "{}"}})", subnet, vip)));
  };
  EXPECT_THAT(error_of("127.0.0.0/24", "127.0.0.200/24"),
              HasSubstr("subnet: 127.0.0.0/24 overlaps 127.0.0.0/8 (loopback)"));
  EXPECT_THAT(error_of("126.0.0.0/7", "126.0.0.200/7"), HasSubstr("overlaps 127.0.0.0/8"));
  EXPECT_THAT(error_of("0.0.1.0/24", "0.0.1.200/24"), HasSubstr("subnet: 0.0.1.0/24 overlaps "
                                                                "0.0.0.0/8"));
  EXPECT_THAT(error_of("224.0.0.0/24", "224.0.0.200/24"),
              HasSubstr("subnet: 224.0.0.0/24 overlaps 224.0.0.0/4 (multicast)"));
  EXPECT_THAT(error_of("239.255.255.0/24", "239.255.255.200/24"), HasSubstr("multicast"));
  EXPECT_THAT(error_of("255.255.255.0/24", "255.255.255.200/24"),
              HasSubstr("overlaps 255.255.255.255 (limited broadcast)"));
  EXPECT_THAT(error_of("10.77.0.0/24", "10.77.0.255/24"),
              HasSubstr("vip: 10.77.0.255 is the broadcast address of subnet 10.77.0.0/24"));
  EXPECT_THAT(error_of("10.77.0.0/16", "10.77.255.255/24"), HasSubstr("vip: 10.77.255.255"));
  EXPECT_THAT(error_of("10.77.0.0/24", "10.77.0.127/25"),
              HasSubstr("vip: 10.77.0.127 is the broadcast address of its own prefix /25"));
  // Overlap with the host's own addresses is fine: the lab is isolated.
  for (const char* ok : {"192.168.1.0/24", "172.16.0.0/12", "223.255.255.0/24", "1.0.0.0/24"}) {
    const auto subnet = Ipv4Prefix::Parse(ok);
    const std::string vip = Ipv4Prefix(subnet.Host(100), 24).ToString();
    EXPECT_EQ(error_of(ok, vip.c_str()), "no error") << ok;
  }
}

TEST_F(ScenarioFileTest, VipMustBeInsideSubnet) {
  EXPECT_THAT(ErrorOf(Valid(R"({"vip": "10.88.0.1/24"})")),
              HasSubstr("vip: 10.88.0.1/24 is not inside subnet 10.77.0.0/24"));
  EXPECT_THAT(ErrorOf(Valid(R"({"vip": "10.77.0.11/24"})")), HasSubstr("collides"));
}

TEST_F(ScenarioFileTest, WrongTypesAreNamed) {
  EXPECT_THAT(ErrorOf(Valid(R"({"advert_int": "1"})")), HasSubstr("advert_int: must be a number"));
  EXPECT_THAT(ErrorOf(Valid(R"({"nodes": [{"name": "lb1", "priority": 100.5}]})")),
              HasSubstr("nodes[0].priority: must be a whole number"));
}

TEST_F(ScenarioFileTest, AdvertIntervalRules) {
  EXPECT_THAT(ErrorOf(Valid(R"({"advert_int": 0.5})")), HasSubstr("VRRPv2"));
  EXPECT_NO_THROW(LoadScenario(Write(Valid(R"({"advert_int": 0.5, "vrrp_version": 3})"))));
  EXPECT_THAT(ErrorOf(Valid(R"({"advert_int": 0.005, "vrrp_version": 3})")), HasSubstr("VRRPv3"));
}

TEST_F(ScenarioFileTest, DuplicateNodeNames) {
  EXPECT_THAT(ErrorOf(Valid(R"({"nodes": [{"name": "lb1", "priority": 1},
                                             {"name": "lb1", "priority": 2}]})")),
              HasSubstr("nodes[1].name: 'lb1' is used twice"));
}

TEST_F(ScenarioFileTest, ExpectOwnerMustBeANode) {
  EXPECT_THAT(ErrorOf(Valid(R"({"expect": {"owner_after": "lb7"}})")),
              HasSubstr("expect.owner_after: 'lb7' is not a node"));
  EXPECT_NO_THROW(LoadScenario(Write(Valid(R"({"expect": {"owner_after": "none"}})"))));
}

TEST_F(ScenarioFileTest, BoundsMustBeOrdered) {
  EXPECT_THAT(ErrorOf(Valid(R"({"expect": {"failover_ms": {"min": 5, "max": 1}}})")),
              HasSubstr("expect.failover_ms.max: is smaller than min"));
}

TEST_F(ScenarioFileTest, MissingPathIsAnInputError) {
  EXPECT_THROW(LoadScenarios({dir_ / "nope.json"}), InputError);
}

}  // namespace
}  // namespace viplab
