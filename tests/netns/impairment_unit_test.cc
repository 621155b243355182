// Unit tests (no root, no kernel) of the nft scripts the impairments generate and of their
// input validation. The lab tests (impairment_*lab_test.cc) show the scripts do what they say.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "netns/impairment.h"
#include "netns/nft_queue_rule.h"

namespace viplab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(PacketLossScript, FiftyPercentEgressReplacesItsTableAtomically) {
  PacketLoss loss;
  loss.percent = 50;
  EXPECT_EQ(loss.TableName(), "viplab_loss_egress");
  EXPECT_EQ(loss.NftScript(),
            "table inet viplab_loss_egress\n"
            "delete table inet viplab_loss_egress\n"
            "table inet viplab_loss_egress {\n"
            "  chain egress {\n"
            "    type filter hook output priority 0; policy accept;\n"
            "    oifname \"lo\" accept\n"
            "    numgen random mod 10000 < 5000 drop\n"
            "  }\n"
            "}\n");
}

TEST(PacketLossScript, HundredPercentNeedsNoRandomNumberAndZeroHasNoDrop) {
  PacketLoss loss;
  loss.percent = 100;
  EXPECT_THAT(loss.NftScript(), HasSubstr("    drop\n"));
  EXPECT_THAT(loss.NftScript(), Not(HasSubstr("numgen")));
  loss.percent = 0;
  EXPECT_THAT(loss.NftScript(), Not(HasSubstr("drop\n")));
  loss.percent = 12.34;
  EXPECT_THAT(loss.NftScript(), HasSubstr("numgen random mod 10000 < 1234 drop"));
  loss.percent = 0.01;
  EXPECT_THAT(loss.NftScript(), HasSubstr("< 1 drop"));
}

TEST(PacketLossScript, IngressVrrpOnOneInterface) {
  PacketLoss loss;
  loss.percent = 30;
  loss.direction = Direction::kIngress;
  loss.traffic = PacketLoss::Traffic::kVrrp;
  loss.interface = "eth0";
  const std::string script = loss.NftScript();
  EXPECT_THAT(script, StartsWith("table inet viplab_loss_ingress\n"));
  EXPECT_THAT(script, HasSubstr("type filter hook input priority 0"));
  EXPECT_THAT(script, HasSubstr("iifname \"lo\" accept\n"));
  EXPECT_THAT(script, HasSubstr("iifname \"eth0\" meta l4proto 112 numgen random mod 10000 < 3000 "
                                "drop\n"));
}

TEST(PacketLossScript, BridgedUsesTheBridgeForwardHookWithoutLoopbackRule) {
  PacketLoss loss;
  loss.percent = 100;
  loss.direction = Direction::kBridged;
  loss.interface = "p-lb2";
  const std::string script = loss.NftScript();
  EXPECT_THAT(script, StartsWith("table bridge viplab_loss_bridged\n"));
  EXPECT_THAT(script, HasSubstr("type filter hook forward priority 0"));
  EXPECT_THAT(script, Not(HasSubstr("\"lo\"")));
  EXPECT_THAT(script, HasSubstr("oifname \"p-lb2\" drop\n"));
}

TEST(PacketLossScript, RejectsBadInput) {
  PacketLoss loss;
  loss.percent = 100.5;
  EXPECT_THROW(loss.NftScript(), std::invalid_argument);
  loss.percent = -1;
  EXPECT_THROW(loss.NftScript(), std::invalid_argument);
  loss.percent = 10;
  loss.interface = "eth0\"; flush ruleset; \"";  // nothing may be injected into the script
  EXPECT_THROW(loss.NftScript(), std::invalid_argument);
  loss.interface = "eth0";
  loss.direction = Direction::kIngress;
  loss.backend = PacketLoss::Backend::kNetem;  // netem shapes egress only
  EXPECT_THROW(loss.NftScript(), std::invalid_argument);
  loss.direction = Direction::kEgress;
  loss.interface.clear();  // netem needs a link
  EXPECT_THROW(loss.NftScript(), std::invalid_argument);
}

TEST(PacketLossScript, NftablesBackendNeverUsesNetem) {
  PacketLoss loss;
  loss.interface = "eth0";
  loss.backend = PacketLoss::Backend::kNftables;
  EXPECT_FALSE(loss.UsesNetem());
  loss.backend = PacketLoss::Backend::kNetem;
  EXPECT_TRUE(loss.UsesNetem());
}

TEST(BlockTrafficScript, IngressFromPeers) {
  BlockTraffic block;
  block.name = "peers";
  block.from =
      std::vector<Ipv4Address>{Ipv4Address::Parse("10.77.0.12"), Ipv4Address::Parse("10.77.0.13")};
  EXPECT_EQ(block.TableName(), "viplab_block_peers");
  EXPECT_EQ(block.NftScript(),
            "table inet viplab_block_peers\n"
            "delete table inet viplab_block_peers\n"
            "table inet viplab_block_peers {\n"
            "  chain ingress {\n"
            "    type filter hook input priority 0; policy accept;\n"
            "    iifname \"lo\" accept\n"
            "    ip saddr { 10.77.0.12, 10.77.0.13 } drop\n"
            "  }\n"
            "}\n"
            // no `arp`: an arp table of an earlier version is removed
            "table arp viplab_block_peers\n"
            "delete table arp viplab_block_peers\n");
}

TEST(BlockTrafficScript, EgressToAnyWithArpIsFullIsolation) {
  BlockTraffic block;
  block.name = "iso";
  block.direction = Direction::kEgress;
  block.arp = true;
  const std::string script = block.NftScript();
  EXPECT_THAT(script, HasSubstr("hook output priority 0; policy accept;\n"
                                "    oifname \"lo\" accept\n"
                                "    drop\n"));
  EXPECT_THAT(script, HasSubstr("table arp viplab_block_iso {\n"
                                "  chain egress {\n"
                                "    type filter hook output priority 0; policy accept;\n"
                                "    drop\n"));
}

TEST(BlockTrafficScript, ArpRulesUseSenderAndTargetAddresses) {
  BlockTraffic block;
  block.name = "x";
  block.from = std::vector<Ipv4Address>{Ipv4Address::Parse("10.0.0.1")};
  block.to = std::vector<Ipv4Address>{Ipv4Address::Parse("10.0.0.2")};
  block.arp = true;
  const std::string script = block.NftScript();
  EXPECT_THAT(script, HasSubstr("ip saddr { 10.0.0.1 } ip daddr { 10.0.0.2 } drop\n"));
  EXPECT_THAT(script, HasSubstr("arp saddr ip { 10.0.0.1 } arp daddr ip { 10.0.0.2 } drop\n"));
}

TEST(BlockTrafficScript, BridgedWithPortsProtocolAndArp) {
  BlockTraffic block;
  block.name = "sw";
  block.direction = Direction::kBridged;
  block.from = std::vector<Ipv4Address>{Ipv4Address::Parse("10.0.0.1")};
  block.interfaces = {"p-lb2", "p-lb3"};
  block.arp = true;
  const std::string script = block.NftScript();
  EXPECT_THAT(script, StartsWith("table bridge viplab_block_sw\n"));
  EXPECT_THAT(script, HasSubstr("hook forward priority 0"));
  EXPECT_THAT(script,
              HasSubstr("    oifname { \"p-lb2\", \"p-lb3\" } ip saddr { 10.0.0.1 } drop\n"));
  EXPECT_THAT(script, HasSubstr("    ether type arp oifname { \"p-lb2\", \"p-lb3\" } arp saddr ip "
                                "{ 10.0.0.1 } drop\n"));
  EXPECT_THAT(script, Not(HasSubstr("table arp")));
}

TEST(BlockTrafficScript, BridgedWithoutSelectorsDropsIpButNotArp) {
  BlockTraffic block;
  block.name = "all_ip";
  block.direction = Direction::kBridged;
  EXPECT_THAT(block.NftScript(), HasSubstr("    ether type { ip, ip6 } drop\n"));
  block.protocol = kIpProtoVrrp;
  EXPECT_THAT(block.NftScript(), HasSubstr("    meta l4proto 112 drop\n"));
}

TEST(BlockTrafficScript, EmptyAddressListMeansNoDropRule) {
  BlockTraffic block;
  block.name = "nobody";
  block.from = std::vector<Ipv4Address>{};
  block.arp = true;
  EXPECT_THAT(block.NftScript(), Not(HasSubstr("drop\n")));
}

TEST(BlockTrafficScript, RejectsBadInput) {
  BlockTraffic block;
  EXPECT_THROW(block.NftScript(), std::invalid_argument);  // no name
  block.name = "Bad-Name";
  EXPECT_THROW(block.NftScript(), std::invalid_argument);
  block.name = "ok";
  block.interfaces = {"eth0 accept"};
  EXPECT_THROW(block.NftScript(), std::invalid_argument);
  block.interfaces.clear();
  block.arp = true;
  block.protocol = 17;  // ARP has no IP protocol
  EXPECT_THROW(block.NftScript(), std::invalid_argument);
}

TEST(LinkSilenceScript, DropsEverythingBothWaysAtTheDevice) {
  LinkSilence silence;
  silence.interface = "eth0";
  EXPECT_EQ(silence.TableName(), "viplab_silence_eth0");
  EXPECT_EQ(silence.NftScript(),
            "table netdev viplab_silence_eth0\n"
            "delete table netdev viplab_silence_eth0\n"
            "table netdev viplab_silence_eth0 {\n"
            "  chain ingress {\n"
            "    type filter hook ingress device \"eth0\" priority 0; policy drop;\n"
            "  }\n"
            "  chain egress {\n"
            "    type filter hook egress device \"eth0\" priority 0; policy drop;\n"
            "  }\n"
            "}\n");
}

TEST(LinkSilenceScript, TableNamesStayNftIdentifiersAndBadInterfacesAreRefused) {
  LinkSilence silence;
  silence.interface = "vl-3-lb1.10";
  EXPECT_EQ(silence.TableName(), "viplab_silence_vl_3_lb1_10");
  EXPECT_THAT(silence.NftScript(), HasSubstr("device \"vl-3-lb1.10\""));
  silence.interface = "";
  EXPECT_THROW(silence.NftScript(), std::invalid_argument);
  silence.interface = "eth0\" accept";
  EXPECT_THROW(silence.NftScript(), std::invalid_argument);
  silence.interface = "a-very-long-interface-name";
  EXPECT_THROW(silence.NftScript(), std::invalid_argument);
}

TEST(QueueRuleScript, NativeRuleUsesBypass) {
  QueueRule rule;
  rule.family = "inet";
  rule.table = "viplab_vrrp_delay_4112";
  rule.chain = "egress";
  rule.l4proto = kIpProtoVrrp;
  rule.queue_num = 4112;
  EXPECT_EQ(NativeQueueRuleScript(rule),
            "add rule inet viplab_vrrp_delay_4112 egress meta l4proto 112 queue num 4112 bypass\n");
  EXPECT_EQ(VrrpDelay::TableName(4112), "viplab_vrrp_delay_4112");
}

TEST(DirectionNames, AreStable) {
  EXPECT_STREQ(ToString(Direction::kEgress), "egress");
  EXPECT_STREQ(ToString(Direction::kIngress), "ingress");
  EXPECT_STREQ(ToString(Direction::kBridged), "bridged");
}

}  // namespace
}  // namespace viplab
