#include "harness/scenario.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

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

TEST_F(ScenarioFileTest, NopreemptNeedsBackup) {
  EXPECT_THAT(
      ErrorOf(Valid(R"({"nodes": [{"name": "lb1", "priority": 1, "state": "MASTER",
                        "nopreempt": true}]})")),
      HasSubstr("nodes[0].nopreempt: requires state BACKUP"));
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
  EXPECT_THAT(ErrorOf(Valid(R"({"advert_int": 0.005, "vrrp_version": 3})")),
              HasSubstr("VRRPv3"));
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
