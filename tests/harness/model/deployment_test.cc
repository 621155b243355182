// The instances form of scenario files (harness/model/deployment_json.cc) and the deployment a
// legacy file fills (deployment.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/model/scenario.h"
#include "netns/error.h"
#include "tests/common/files.h"

namespace viplab {
namespace {

using ::testing::HasSubstr;

class DeploymentFileTest : public ::testing::Test {
 protected:
  // Two segments, two nodes on both, two instances (VI_2 also has a VIP on eth1), a sync group;
  // `patch` is merged over it (null values delete keys).
  std::string Valid(const std::string& patch = "{}") {
    auto base = nlohmann::json::parse(R"({
      "name": "t/aa", "vrrp_version": 2, "advert_int": 1,
      "segments": [{"name": "lan", "subnet": "10.77.0.0/24"},
                   {"name": "storage", "subnet": "10.78.0.0/24"}],
      "nodes": [
        {"name": "lb1", "interfaces": [{"name": "eth0", "segment": "lan"},
                                       {"name": "eth1", "segment": "storage"}]},
        {"name": "lb2", "interfaces": [{"name": "eth0", "segment": "lan"},
                                       {"name": "eth1", "segment": "storage"}]}],
      "check": {"type": "script", "weight": 0},
      "instances": [
        {"name": "VI_1", "interface": "eth0", "virtual_router_id": 51,
         "vips": ["10.77.0.200/24"],
         "track_interface": [{"interface": "eth1", "weight": -20}],
         "nodes": {"lb1": {"priority": 101}, "lb2": {"priority": 100}}},
        {"name": "VI_2", "virtual_router_id": 52, "unicast": true,
         "vips": ["10.77.0.201/24", {"address": "10.78.0.201/24", "interface": "eth1"}],
         "check": {"type": "process"},
         "nodes": {"lb1": {"priority": 100}, "lb2": {"priority": 101, "nopreempt": true}}}],
      "sync_groups": [{"name": "G1", "instances": ["VI_1", "VI_2"]}],
      "fault": {"target": "link", "action": "down", "node": "lb1", "interface": "eth1"},
      "expect": {"vips": [{"vip": "10.78.0.201", "owner_after": "lb2"}]}})");
    base.merge_patch(nlohmann::json::parse(patch));
    return base.dump(2);
  }
  Scenario Load(const std::string& text) {
    auto path = dir_.path() / "case.json";
    std::ofstream(path) << text;
    return LoadScenario(path);
  }
  std::string ErrorOf(const std::string& text) {
    try {
      Load(text);
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  }
  testing::ScratchDir dir_{"viplab-deployment-test"};
};

TEST_F(DeploymentFileTest, InstancesFormFillsTheDeployment) {
  const Scenario s = Load(Valid());
  ASSERT_EQ(s.segments.size(), 2u);
  EXPECT_EQ(s.segments[1].name, "storage");
  ASSERT_EQ(s.nodes.size(), 2u);
  ASSERT_EQ(s.nodes[1].interfaces.size(), 2u);
  EXPECT_EQ(s.nodes[1].interfaces[1].segment, "storage");
  ASSERT_EQ(s.instances.size(), 2u);
  const InstanceSpec& vi2 = s.instances[1];
  EXPECT_EQ(vi2.interface, "eth0");  // the first node's first interface
  EXPECT_TRUE(vi2.unicast);
  ASSERT_EQ(vi2.vips.size(), 2u);
  EXPECT_EQ(vi2.vips[1].interface, "eth1");
  EXPECT_EQ(vi2.vips[1].address.ToString(), "10.78.0.201/24");
  EXPECT_EQ(vi2.nodes[1].priority, 101);
  EXPECT_TRUE(vi2.nodes[1].nopreempt);
  EXPECT_EQ(vi2.nodes[1].check.type, CheckType::kProcess);
  EXPECT_EQ(s.instances[0].nodes[0].check.type, CheckType::kScript);
  ASSERT_EQ(s.instances[0].track_interfaces.size(), 1u);
  EXPECT_EQ(s.instances[0].track_interfaces[0].weight, -20);
  ASSERT_EQ(s.sync_groups.size(), 1u);
  EXPECT_EQ(s.sync_groups[0].instances.size(), 2u);
  EXPECT_EQ(s.fault.interface, "eth1");
  ASSERT_EQ(s.expect.vips.size(), 1u);
  EXPECT_EQ(s.expect.vips[0].vip, "10.78.0.201");
  EXPECT_FALSE(s.single_instance());
  EXPECT_EQ(AllVips(s).size(), 3u);
  EXPECT_EQ(s.NodeAddress(1, "storage").ToString(), "10.78.0.12/24");
  EXPECT_EQ(s.ClientAddress("storage").ToString(), "10.78.0.254/24");
  // The single-instance view: the first instance's first VIP and each node's settings of it.
  EXPECT_EQ(s.vip.ToString(), "10.77.0.200/24");
  EXPECT_EQ(s.subnet.ToString(), "10.77.0.0/24");
  EXPECT_EQ(s.virtual_router_id, 51);
  EXPECT_EQ(s.nodes[0].priority, 101);
  // A weighted track_interface in a sync group still applies in keepalived 2.2.7: no warning.
  EXPECT_TRUE(s.warnings.empty());
  // keepalived drops a weighted track_script of a sync group member; the load warns, goes on.
  const Scenario w = Load(Valid(R"({"check": {"type": "script", "weight": 10}})"));
  ASSERT_EQ(w.warnings.size(), 1u);
  EXPECT_THAT(w.warnings[0], HasSubstr("VI_1 is in sync group G1: keepalived 2.2.7 drops a"));
}

TEST_F(DeploymentFileTest, OneInstanceOneSegmentIsSingleInstance) {
  const Scenario s = Load(Valid(R"({"segments": null, "subnet": "10.77.0.0/24", "sync_groups": null,
      "nodes": [{"name": "lb1"}, {"name": "lb2"}],
      "instances": [{"vips": ["10.77.0.200/24"],
                     "nodes": {"lb1": {"priority": 101}, "lb2": {"priority": 100}}}],
      "fault": {"target": "service", "action": "kill", "interface": null},
      "expect": {"vips": null, "owner_after": "lb2"}})"));
  EXPECT_TRUE(s.single_instance());
  EXPECT_EQ(s.instances[0].name, "VI_1");
  EXPECT_EQ(s.instances[0].virtual_router_id, 51);
  EXPECT_EQ(s.nodes[0].interfaces[0].name, "eth0");
  EXPECT_EQ(s.segments[0].name, "lan");
}

TEST_F(DeploymentFileTest, LegacyFileFillsOneSegmentAndOneInstance) {
  const Scenario s = Load(R"({"name": "t/l", "vip": "10.77.0.200/24", "subnet": "10.77.0.0/24",
      "interface": "ens3", "virtual_router_id": 9, "unicast": true,
      "nodes": [{"name": "lb1", "priority": 101, "nopreempt": true}, {"name": "lb2", "priority": 100}],
      "fault": {"action": "kill"}})");
  EXPECT_TRUE(s.single_instance());
  ASSERT_EQ(s.instances.size(), 1u);
  const InstanceSpec& i = s.instances[0];
  EXPECT_EQ(i.name, "VI_1");
  EXPECT_EQ(i.interface, "ens3");
  EXPECT_EQ(i.virtual_router_id, 9);
  EXPECT_TRUE(i.unicast);
  EXPECT_EQ(i.vips[0].address.ToString(), "10.77.0.200/24");
  EXPECT_TRUE(i.nodes[0].nopreempt);
  EXPECT_EQ(i.nodes[1].priority, 100);
  EXPECT_EQ(s.nodes[1].interfaces[0].name, "ens3");
  EXPECT_EQ(s.nodes[1].interfaces[0].segment, "lan");
}

TEST_F(DeploymentFileTest, ShippedCasesViewTheirFirstVip) {
  for (const Scenario& s : LoadScenarios({std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases"})) {
    ASSERT_FALSE(s.instances.empty()) << s.name;
    EXPECT_EQ(s.instances[0].vips[0].address, s.vip) << s.name;
  }
}

struct BadCase {
  const char* patch;
  const char* message;
};

TEST_F(DeploymentFileTest, BadInputNamesTheField) {
  const BadCase cases[] = {
      {R"({"vip": "10.77.0.200/24"})", "case.json: vip: is set per instance in the instances form"},
      {R"({"subnet": "10.77.0.0/24"})", "subnet: cannot be combined with segments"},
      {R"({"segments": [{"name": "lan", "subnet": "10.77.0.0/24"},
                        {"name": "b", "subnet": "10.77.0.0/16"}]})",
       "segments[1].subnet: 10.77.0.0/16 overlaps segment lan"},
      {R"({"nodes": [{"name": "lb1", "priority": 3}, {"name": "lb2"}]})",
       "nodes[0].priority: is set per instance in the instances form: instances[].nodes.lb1"},
      {R"({"nodes": [{"name": "lb1", "interfaces": [{"name": "eth0", "segment": "dmz"}]},
                     {"name": "lb2"}]})",
       "nodes[0].interfaces[0].segment: 'dmz' is not a segment"},
      {R"({"instances": [{"vips": ["10.77.0.200/24"], "nodes": {"lb3": {"priority": 1}}}],
           "sync_groups": null, "expect": null})",
       "instances[0].nodes.lb3: unknown field"},
      {R"({"instances": [{"vips": ["10.78.0.200/24"], "nodes": {"lb1": {"priority": 1}}}],
           "sync_groups": null, "expect": null})",
       "instances[0].vips[0]: 10.78.0.200/24 is not inside subnet 10.77.0.0/24 of segment lan"},
      {R"({"instances": [{"vips": ["10.77.0.12/24"], "nodes": {"lb1": {"priority": 1}}}],
           "sync_groups": null, "expect": null})",
       "instances[0].vips[0]: 10.77.0.12 collides with a lab host address"},
      {R"({"instances": [{"vips": [{"address": "10.78.0.9/24", "interface": "eth7"}],
           "nodes": {"lb1": {"priority": 1}}}], "sync_groups": null, "expect": null})",
       "instances[0].vips[0]: node lb1 has no interface 'eth7'"},
      {R"({"instances": [{"vips": ["10.77.0.200/24"], "nodes": {"lb1": {"priority": 1}}},
                         {"vips": ["10.77.0.201/24"], "virtual_router_id": 51,
                          "nodes": {"lb1": {"priority": 1}}}],
           "sync_groups": null, "expect": null})",
       "instances[1]: virtual_router_id 51 is also used by VI_1 on segment lan"},
      {R"({"sync_groups": [{"name": "G", "instances": ["VI_9"]}]})",
       "sync_groups[0].instances: '\"VI_9\"' is not an instance"},
      {R"({"fault": {"interface": "eth5"}})", "fault.interface: node lb1 has no interface 'eth5'"},
      {R"({"fault": {"target": "service", "action": "kill"}})",
       "fault.interface: applies to link and network faults only"},
      {R"({"expect": {"vips": [{"vip": "10.77.0.250"}]}})",
       "expect.vips[0].vip: '10.77.0.250' is not a VIP of this scenario"},
  };
  for (const BadCase& c : cases) {
    EXPECT_THAT(ErrorOf(Valid(c.patch)), HasSubstr(c.message)) << c.patch;
  }
}

// The instances-form example of the README loads as shown.
TEST_F(DeploymentFileTest, ReadmeExampleLoads) {
  std::ifstream in(std::filesystem::path(VIPLAB_SOURCE_DIR) / "README.md");
  const std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t section = readme.find("### Deployments");
  ASSERT_NE(section, std::string::npos);
  const size_t begin = readme.find("```json\n", section) + 8;
  const size_t end = readme.find("```", begin);
  const Scenario s = Load(readme.substr(begin, end - begin));
  EXPECT_EQ(s.instances.size(), 2u);
  EXPECT_EQ(AllVips(s).size(), 3u);
  EXPECT_EQ(s.sync_groups.size(), 1u);
}

TEST_F(DeploymentFileTest, WaitVipOwners) {
  const Scenario s = Load(Valid(R"({"fault": null, "expect": null, "steps": [
      {"inject": {"target": "link", "action": "down", "node": "lb1"}},
      {"wait": {"vip_owners": {"10.77.0.200": "lb2", "10.78.0.201": "none"}}}]})"));
  ASSERT_EQ(s.steps.size(), 2u);
  ASSERT_EQ(s.steps[1].wait.vip_owners.size(), 2u);
  EXPECT_EQ(s.steps[1].wait.vip_owners[1].first, "10.78.0.201");
  EXPECT_EQ(s.steps[1].wait.vip_owners[1].second, "none");
  EXPECT_THAT(ErrorOf(Valid(R"({"fault": null, "expect": null, "steps": [
      {"inject": {"target": "link", "action": "down", "node": "lb1"}},
      {"wait": {"vip_owners": {"10.77.0.9": "lb2"}}}]})")),
              HasSubstr("steps[1].wait.vip_owners.10.77.0.9: unknown field"));
}

}  // namespace
}  // namespace viplab
