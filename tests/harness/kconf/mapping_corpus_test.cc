// The mapping on real configurations: every set of the shared corpus (../shared/keepalived-corpus
// next to the project, or $VIPLAB_CORPUS) maps and prints its --dry-run listing, with spot checks
// per set. Skipped, saying so, when the corpus is not there.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "harness/kconf/mapping.h"
#include "harness/oracle/oracle.h"
#include "netns/error.h"
#include "tests/common/files.h"

namespace viplab::kconf {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::viplab::testing::CorpusPath;

struct Mapped {
  ConfigSet set;
  Mapping mapping;
  std::string text;
};

Mapped Map(std::string_view folder, const MappingOptions& options = {}) {
  Mapped m;
  m.set = LoadConfigSet({(CorpusPath() / folder).string()});
  m.mapping = MapConfigSet(m.set, options);
  m.text = DescribeMapping(m.mapping, m.set);
  return m;
}

const MappedInterface& Interface(const Mapping& m, std::string_view node, std::string_view name) {
  for (const MappedInterface& i : m.interfaces) {
    if (i.node == node && i.name == name) return i;
  }
  throw std::runtime_error("no interface " + std::string(node) + " " + std::string(name));
}

TEST(MappingCorpusTest, EverySetMapsAndPrintsItsMapping) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  int sets = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(CorpusPath())) {
    if (!entry.is_directory()) continue;
    SCOPED_TRACE(entry.path().string());
    ++sets;
    try {
      const Mapped m = Map(entry.path().filename().string());
      EXPECT_EQ(m.mapping.scenario.nodes.size(), m.set.nodes.size());
      EXPECT_EQ(m.mapping.lab_configs.size(), m.set.nodes.size());
      EXPECT_FALSE(m.mapping.scenario.instances.empty());
      EXPECT_THAT(m.text, HasSubstr("segments:\n"));
      // For a manual `keepalived --config-test` of the lab's texts (README: certify).
      if (const char* out = std::getenv("VIPLAB_WRITE_LAB_CONFIGS"); out != nullptr) {
        const fs::path dir = fs::path(out) / entry.path().filename();
        fs::create_directories(dir);
        for (const auto& [node, text] : m.mapping.lab_configs) {
          std::ofstream(dir / (node + ".conf")) << text;
        }
      }
      if (std::getenv("VIPLAB_PRINT_MAPPING") != nullptr) std::cout << m.text << '\n';
    } catch (const InputError& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GE(sets, 8);
}

// The mapped scenario is one the oracle reads: every catalog fault on the master predicted (or
// said to be not predicted) without an exception.
TEST(MappingCorpusTest, TheOracleReadsEveryMappedScenario) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  for (const fs::directory_entry& entry : fs::directory_iterator(CorpusPath())) {
    if (!entry.is_directory()) continue;
    SCOPED_TRACE(entry.path().string());
    Mapped m = Map(entry.path().filename().string());
    for (FaultKind kind :
         {FaultKind::kServiceKill, FaultKind::kKeepalivedStop, FaultKind::kKeepalivedCrash,
          FaultKind::kNodeCrash, FaultKind::kLinkDown}) {
      m.mapping.scenario.fault.kind = kind;
      try {
        const ScenarioPrediction p = PredictScenario(m.mapping.scenario);
        EXPECT_TRUE(!p.faults.empty() || !p.vips.empty() || !p.not_predicted.empty());
      } catch (const std::exception& e) {
        ADD_FAILURE() << FaultName(kind) << ": " << e.what();
      }
    }
  }
}

TEST(MappingCorpusTest, OctaviaKeepsItsUnicastAddresses) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  const Mapped m = Map("octavia-amphora-active-standby");
  EXPECT_EQ(Interface(m.mapping, "amp1", "eth0").address.ToString(), "10.77.0.11/24");
  EXPECT_TRUE(Interface(m.mapping, "amp1", "eth0").from_config);
  EXPECT_EQ(Interface(m.mapping, "amp2", "eth0").address.ToString(), "10.77.0.12/24");
  EXPECT_TRUE(Interface(m.mapping, "amp2", "eth0").from_config);
  const InstanceSpec& in = m.mapping.scenario.instances.at(0);
  EXPECT_TRUE(in.unicast);
  EXPECT_EQ(in.vips.at(0).address.ToString(), "10.77.0.100/32");
  EXPECT_TRUE(in.nodes.at(0).nopreempt);
  ASSERT_EQ(m.mapping.rewrites.size(), 2u);
  EXPECT_EQ(m.mapping.rewrites[0].where.line, 2);
  EXPECT_THAT(m.mapping.lab_configs.at("amp1"),
              HasSubstr("script \"/usr/lib/viplab/viplab-labcheck amp1 check_script\""));
}

TEST(MappingCorpusTest, KollaHasTwoSegmentsAndAVipOnTheSecond) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  const Mapped m = Map("kolla-ansible-loadbalancer");
  const Scenario& s = m.mapping.scenario;
  ASSERT_EQ(s.segments.size(), 2u);
  EXPECT_EQ(s.Segment("eth0").subnet.ToString(), "10.77.0.0/24");
  EXPECT_EQ(s.Segment("eth1").subnet.ToString(), "10.78.0.0/24");
  const InstanceSpec& in = s.instances.at(0);
  EXPECT_EQ(in.nodes.size(), 3u);
  EXPECT_EQ(in.vips.at(1).interface, "eth1");
  EXPECT_EQ(in.track_interfaces.at(0).interface, "eth1");
  EXPECT_EQ(s.nodes.at(2).interfaces.size(), 2u);
  EXPECT_TRUE(m.mapping.not_predicted.empty());
}

TEST(MappingCorpusTest, VyosClientAvoidsTheVipAndTheFifoMoves) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  const Mapped m = Map("vyos-vrrp-sync-group");
  const Scenario& s = m.mapping.scenario;
  EXPECT_EQ(s.ClientAddress("eth0").ToString(), "10.77.0.253/24");
  ASSERT_EQ(s.sync_groups.size(), 1u);
  EXPECT_THAT(s.sync_groups[0].instances, ::testing::ElementsAre("LAN", "WAN"));
  EXPECT_THAT(m.mapping.lab_configs.at("router1"),
              HasSubstr("notify_fifo @VIPLAB_NODE_DIR@/notify.fifo\n"));
  EXPECT_THAT(m.mapping.lab_configs.at("router1"), HasSubstr("notify_fifo_script /bin/true\n"));
  EXPECT_THAT(m.text,
              HasSubstr("router1.conf:9: notify_fifo /run/keepalived/keepalived_notify_fifo "
                        "-> notify_fifo @VIPLAB_NODE_DIR@/notify.fifo ("));
}

TEST(MappingCorpusTest, CephadmCurlCheckIsAStandInNamedByServiceOption) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  MappingOptions options;
  options.services = {ParseServiceOption("haproxy=tcp:1967")};
  const Mapped m = Map("cephadm-ingress", options);
  EXPECT_EQ(m.mapping.checks.at(0).how, MappedCheck::How::kStandIn);
  EXPECT_EQ(m.mapping.checks.at(0).service, "haproxy");
  EXPECT_EQ(m.mapping.services.at(0).port, 1967);
  const InstanceSpec& in = m.mapping.scenario.instances.at(0);
  EXPECT_EQ(in.nodes.at(0).state, "MASTER");
  EXPECT_EQ(in.nodes.at(0).check.weight, -20);
  EXPECT_TRUE(m.mapping.rewrites.empty());
}

TEST(MappingCorpusTest, LocalcheckTracksTooManyChecksToPredict) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  const Mapped m = Map("keepalived-sample-vrrp-localcheck");
  EXPECT_EQ(m.mapping.scenario.segments.size(), 4u);
  EXPECT_EQ(m.mapping.scenario.instances.size(), 9u);
  EXPECT_EQ(m.mapping.not_predicted.size(), 4u);
  EXPECT_THAT(m.text, HasSubstr("lb1 chk_http_port: stand-in of port-80"));
}

TEST(MappingCorpusTest, OpenshiftWeightedChecksAreNotPredicted) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  const Mapped m = Map("openshift-mco-onprem-api-ingress");
  EXPECT_EQ(m.mapping.scenario.instances.size(), 2u);
  EXPECT_EQ(m.mapping.not_predicted.size(), 6u);
  EXPECT_EQ(Interface(m.mapping, "master-2", "eth0").address.ToString(), "10.77.0.13/24");
}

TEST(MappingCorpusTest, Issue2370VipWithoutLengthTakesTheSubnetOption) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  EXPECT_EQ(Map("keepalived-issue-2370-multicast-split-brain")
                .mapping.scenario.segments.at(0)
                .subnet.ToString(),
            "10.77.0.0/24");
  MappingOptions options;
  options.subnet = Ipv4Prefix::Parse("10.77.0.0/20");
  const Mapped m = Map("keepalived-issue-2370-multicast-split-brain", options);
  EXPECT_EQ(m.mapping.scenario.segments.at(0).subnet.ToString(), "10.77.0.0/20");
  EXPECT_EQ(m.mapping.scenario.ClientAddress("eth0").ToString(), "10.77.15.254/20");
}

TEST(MappingCorpusTest, AnsibleSyncGroupWatchesHaproxy) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  const Mapped m = Map("ansible-keepalived-evrardjp-sync-group");
  EXPECT_EQ(m.mapping.scenario.sync_groups.size(), 1u);
  EXPECT_EQ(m.mapping.services.at(0).name, "haproxy");
  EXPECT_EQ(m.mapping.scenario.instances.at(1).nodes.at(0).check.type, CheckType::kScript);
}

}  // namespace
}  // namespace viplab::kconf
