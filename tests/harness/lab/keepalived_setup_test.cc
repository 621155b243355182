// The keepalived.conf viplab renders for each issue-2599 case, pinned to reviewed text in
// golden/configs/issue-2599/ (golden_test covers every case). A change in rendering shows up
// as a readable diff here before it changes a lab run.
#include "harness/lab/keepalived_setup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "daemon/keepalived_config.h"
#include "harness/model/scenario.h"
#include "tests/harness/lab/deployment_scenario.h"

namespace viplab {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::filesystem::path kSource = VIPLAB_SOURCE_DIR;

class GoldenConfigTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenConfigTest, RenderedConfigMatchesReviewedText) {
  const Scenario s = LoadScenario(kSource / "cases/issue-2599" / (GetParam() + ".json"));
  for (size_t i = 0; i < s.nodes.size(); ++i) {
    const auto golden = kSource / "tests/harness/golden/configs/issue-2599" /
                        (GetParam() + "." + s.nodes[i].name + ".keepalived.conf");
    ASSERT_TRUE(std::filesystem::exists(golden)) << golden;
    EXPECT_EQ(RenderKeepalivedConfig(BuildKeepalivedConfig(s, i, {"vl-1-", ServiceKind::kStandin})),
              ReadFile(golden))
        << "node " << s.nodes[i].name << ", golden file " << golden;
  }
}

INSTANTIATE_TEST_SUITE_P(Issue2599, GoldenConfigTest,
                         ::testing::Values("a-weight2-nopreempt", "b-no-weight-fault",
                                           "c-weight4-preempt", "d-track-process"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(KeepalivedSetupTest, RealHaproxyIsTrackedByItsLabAndNode) {
  const Scenario s = LoadScenario(kSource / "cases/issue-2599/d-track-process.json");
  EXPECT_THAT(RenderKeepalivedConfig(BuildKeepalivedConfig(s, 1, {"vl-4-", ServiceKind::kHaproxy})),
              ::testing::HasSubstr("    process haproxy -L vl-4-lb2\n    param_match partial\n"));
}

TEST(KeepalivedSetupTest, NodeOverridesReachTheirOwnConfigOnly) {
  Scenario s = LoadScenario(kSource / "cases/issue-2599/d-track-process.json");
  s.nodes[1].advert_int = 2;
  EXPECT_THAT(RenderKeepalivedConfig(BuildKeepalivedConfig(s, 1, {"vl-1-", ServiceKind::kStandin})),
              ::testing::HasSubstr("advert_int 2\n"));
  EXPECT_THAT(RenderKeepalivedConfig(BuildKeepalivedConfig(s, 0, {"vl-1-", ServiceKind::kStandin})),
              ::testing::HasSubstr("advert_int 1\n"));
}

std::string Render(const Scenario& s, size_t node) {
  return RenderKeepalivedConfig(BuildKeepalivedConfig(s, node, {"vl-1-", ServiceKind::kStandin}));
}

TEST(KeepalivedSetupTest, EveryInstanceOfTheNodeWithItsOwnSettings) {
  Scenario s = testing::TwoSegmentScenario(true);
  s.instances[0].unicast = true;
  s.instances[1].track_interfaces = {{"eth1", 0}};
  const std::string lb2 = Render(s, 1);
  const std::string expected_instances =
      "vrrp_sync_group G1 {\n"
      "    group {\n"
      "        VI_1\n"
      "        VI_2\n"
      "    }\n"
      "}\n"
      "\n"
      "vrrp_instance VI_1 {\n"
      "    state BACKUP\n"
      "    interface eth0\n"
      "    virtual_router_id 51\n"
      "    priority 100\n"
      "    advert_int 1\n"
      "    version 2\n"
      "    unicast_src_ip 10.77.0.12\n"
      "    unicast_peer {\n"
      "        10.77.0.11\n"
      "    }\n"
      "    virtual_ipaddress {\n"
      "        10.77.0.200/24 dev eth0\n"
      "    }\n"
      "    track_script {\n"
      "        chk_service\n"
      "    }\n"
      "}\n"
      "\n"
      "vrrp_instance VI_2 {\n"
      "    state BACKUP\n"
      "    interface eth0\n"
      "    virtual_router_id 52\n"
      "    priority 100\n"
      "    advert_int 1\n"
      "    version 2\n"
      "    virtual_ipaddress {\n"
      "        10.77.0.201/24 dev eth0\n"
      "        10.78.0.201/24 dev eth1\n"
      "    }\n"
      "    track_interface {\n"
      "        eth1\n"
      "    }\n"
      "    track_script {\n"
      "        chk_service\n"
      "    }\n"
      "}\n";
  EXPECT_THAT(lb2, ::testing::EndsWith(expected_instances)) << lb2;
  // One shared check block.
  EXPECT_EQ(lb2.find("vrrp_script chk_service {"), lb2.rfind("vrrp_script chk_service {"));
}

TEST(KeepalivedSetupTest, UnicastUsesTheSegmentOfTheInstanceInterface) {
  Scenario s = testing::TwoSegmentScenario(false);
  s.instances[1].interface = "eth1";
  s.instances[1].unicast = true;
  const std::string lb1 = Render(s, 0);
  EXPECT_THAT(lb1, ::testing::HasSubstr("    interface eth1\n"));
  EXPECT_THAT(lb1, ::testing::HasSubstr("    unicast_src_ip 10.78.0.11\n"
                                        "    unicast_peer {\n"
                                        "        10.78.0.12\n"
                                        "    }\n"));
  // A VIP without an interface of its own follows its instance to eth1.
  EXPECT_THAT(lb1, ::testing::HasSubstr("        10.77.0.201/24 dev eth1\n"));
}

TEST(KeepalivedSetupTest, OnlyTheNodesInstancesAndGroups) {
  Scenario s = testing::TwoSegmentScenario(true);
  s.instances[1].nodes.erase(s.instances[1].nodes.begin());  // lb1 does not run VI_2
  const std::string lb1 = Render(s, 0);
  EXPECT_THAT(lb1, ::testing::Not(::testing::HasSubstr("VI_2")));
  EXPECT_THAT(lb1, ::testing::Not(::testing::HasSubstr("vrrp_sync_group")));
  EXPECT_THAT(Render(s, 1), ::testing::HasSubstr("vrrp_sync_group G1 {"));  // lb2 runs both
}

TEST(KeepalivedSetupTest, DifferentChecksGetDistinctStableNames) {
  Scenario s = testing::TwoSegmentScenario(false);
  s.instances[1].nodes[0].check.fall = 3;
  s.instances[1].nodes[0].check.weight = -10;
  const std::string lb1 = Render(s, 0);
  EXPECT_THAT(lb1, ::testing::HasSubstr("vrrp_script chk_service {\n"));
  EXPECT_THAT(lb1, ::testing::HasSubstr("vrrp_script chk_service_VI_2 {\n"));
  EXPECT_THAT(lb1, ::testing::HasSubstr("        chk_service_VI_2 weight -10\n"));
  EXPECT_EQ(lb1, Render(s, 0));
  // lb2's checks are the same for both instances: one block.
  EXPECT_THAT(Render(s, 1), ::testing::Not(::testing::HasSubstr("chk_service_VI_2")));
}

TEST(KeepalivedSetupTest, ProcessCheckIsSharedByEveryInstance) {
  Scenario s = testing::TwoSegmentScenario(false);
  for (InstanceSpec& i : s.instances) {
    for (InstanceNodeSpec& n : i.nodes) n.check.type = CheckType::kProcess;
  }
  const std::string lb1 = Render(s, 0);
  EXPECT_EQ(lb1.find("vrrp_track_process track_service {"),
            lb1.rfind("vrrp_track_process track_service {"));
  EXPECT_NE(lb1.find("vrrp_track_process track_service {"), std::string::npos) << lb1;
}

TEST(KeepalivedSetupTest, TheJsonFormRendersItsKeywords) {
  Scenario s =
      ScenarioFromJson(nlohmann::json::parse(testing::kActiveActiveJson), "active-active.json");
  // The loader refuses a weight in a sync group (keepalived does); the renderer writes any.
  s.instances[0].track_interfaces[0].weight = -20;
  const std::string lb1 = Render(s, 0);
  EXPECT_THAT(lb1, ::testing::HasSubstr("vrrp_sync_group G1 {\n    group {\n        VI_1\n"
                                        "        VI_2\n    }\n}\n"));
  EXPECT_THAT(lb1, ::testing::HasSubstr("    track_interface {\n        eth1 weight -20\n    }\n"));
  EXPECT_THAT(lb1, ::testing::HasSubstr("        10.78.0.201/24 dev eth1\n"));
  EXPECT_THAT(lb1, ::testing::HasSubstr("    priority 101\n"));
}

// Where the lab runs keepalived with pid_namespaces: a config using track_process keeps it in the
// host PID namespace. Comments (`#`, `!` outside quotes) do not count.
TEST(ConfigUsesTrackProcess, FindsTheKeywordOutsideComments) {
  EXPECT_TRUE(ConfigUsesTrackProcess("vrrp_track_process p {\n  process haproxy\n}\n"));
  EXPECT_TRUE(ConfigUsesTrackProcess("vrrp_instance VI_1 {\n  track_process {\n    p\n  }\n}"));
  EXPECT_TRUE(ConfigUsesTrackProcess("@lb1 track_process{p}"));
  EXPECT_FALSE(ConfigUsesTrackProcess("vrrp_script chk {\n  script \"killall -0 haproxy\"\n}"));
  EXPECT_FALSE(ConfigUsesTrackProcess("# vrrp_track_process p {\n! track_process\n"));
  EXPECT_FALSE(ConfigUsesTrackProcess("  track_script { chk } # track_process"));
  EXPECT_FALSE(ConfigUsesTrackProcess("script \"echo track_process\""));
  EXPECT_FALSE(ConfigUsesTrackProcess(""));
}

}  // namespace
}  // namespace viplab
