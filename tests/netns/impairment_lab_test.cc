// Lab tests of netns/nftables.h, netem.h and impairment.h: real namespaces joined by veth pairs
// (and a bridge), real datagrams. Each test counts what actually arrives: UDP to a bound socket,
// and VRRP-like packets (raw IP protocol 112, multicast to 224.0.0.18, received on a raw socket
// that joined the group, as keepalived does). Nothing sleeps: receivers wait with poll(2), and
// "nothing arrives" means nothing within an idle window after the last send (veth delivery takes
// microseconds; the window is generous).
// This file: nftables in a namespace, netem detection and packet loss. Blocks and the bridged
// lab are in impairment_block_lab_test.cc, VRRP delay in impairment_delay_lab_test.cc; the
// fixtures in impairment_lab_fixture.h.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "netns/address.h"
#include "netns/clock.h"
#include "netns/error.h"
#include "netns/impairment.h"
#include "netns/link.h"
#include "netns/netem.h"
#include "netns/network_namespace.h"
#include "netns/nftables.h"
#include "netns/route_socket.h"
#include "tests/netns/impairment_lab_fixture.h"

namespace viplab {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::ImpairmentPairTest;
using testing::kUdpPort;
using testing::SendTo;
using testing::Shell;
// ---- Nftables ----

TEST_F(ImpairmentPairTest, NftablesRunsInsideTheGivenNamespaceOnly) {
  Nftables nft = Nftables::OpenIn(a_->ns);
  nft.Run(
      "table inet viplab_probe {\n  chain c {\n    type filter hook input priority 0;\n  }\n}\n",
      "add a probe table");
  // Independent view through the nft command line.
  EXPECT_THAT(Shell(fmt::format("ip netns exec {} nft list tables", a_->ns.name())),
              HasSubstr("table inet viplab_probe"));
  EXPECT_THAT(Shell(fmt::format("ip netns exec {} nft list tables", b_->ns.name())),
              ::testing::Not(HasSubstr("viplab_probe")));
  EXPECT_THAT(nft.Run("list tables"), HasSubstr("table inet viplab_probe"));
  EXPECT_EQ(ListImpairmentTables(a_->ns), std::vector<std::string>{"inet viplab_probe"});
  EXPECT_EQ(RemoveImpairments(a_->ns), 1);
  EXPECT_TRUE(ListImpairmentTables(a_->ns).empty());
}

TEST_F(ImpairmentPairTest, NftablesErrorsNameTheNamespaceAndCarryNftsMessage) {
  Nftables nft = Nftables::OpenIn(a_->ns);
  try {
    nft.Run("this is not nft\n", "add nftables rules");
    FAIL() << "no exception";
  } catch (const SystemError& e) {
    EXPECT_THAT(e.what(), HasSubstr(fmt::format("could not add nftables rules in namespace '{}'",
                                                a_->ns.name())));
    EXPECT_THAT(e.what(), HasSubstr("syntax error"));
  }
  try {  // an error the kernel reports
    nft.Run("delete table inet viplab_absent\n", "delete a table");
    FAIL() << "no exception";
  } catch (const SystemError& e) {
    EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
  }
  // The buffers start empty for the next command: no stale error text in its output.
  nft.Run("table inet viplab_x\n");
  const std::string listing = nft.Run("list tables");
  EXPECT_THAT(listing, HasSubstr("viplab_x"));
  EXPECT_THAT(listing, ::testing::Not(HasSubstr("Error")));
  RemoveImpairments(a_->ns);
}

TEST_F(ImpairmentPairTest, RefusesTheHostNamespaceEvenUnderANetnsName) {
  // A /run/netns entry that is the host's own namespace (what `ip netns attach x 1` makes).
  const std::string name = Name("host");
  const std::string path = std::string(kNetnsRunDir) + "/" + name;
  std::ofstream(path).close();
  ASSERT_EQ(::mount("/proc/self/ns/net", path.c_str(), "none", MS_BIND, nullptr), 0)
      << std::strerror(errno);
  {
    NetworkNamespace host = NetworkNamespace::Open(name);
    EXPECT_THROW(Nftables::OpenIn(host), SystemError);
    PacketLoss loss;
    loss.percent = 100;
    try {
      loss.Apply(host);
      ADD_FAILURE() << "loss applied to the host namespace";
    } catch (const SystemError& e) {
      EXPECT_THAT(e.what(), HasSubstr("host's own network namespace"));
    }
    EXPECT_THROW(VrrpDelay(host, 100ms), SystemError);
    EXPECT_THROW(RemoveNetem(host, "lo"), SystemError);
  }
  NetworkNamespace::RemoveByName(name);
}

// ---- netem ----

TEST_F(ImpairmentPairTest, NetemDetectionAgreesWithTc) {
  // Oracle: can tc add a netem qdisc in a test namespace?
  int status = 0;
  const std::string out =
      Shell(fmt::format("ip netns exec {} tc qdisc add dev lo root netem loss 1%", a_->ns.name()),
            &status);
  const bool tc_says = status == 0;
  RecordProperty("netem_available", tc_says ? "yes" : "no");
  EXPECT_EQ(NetemAvailable(), tc_says) << "tc said: " << out;
  if (tc_says) Shell(fmt::format("ip netns exec {} tc qdisc del dev lo root", a_->ns.name()));
}

TEST_F(ImpairmentPairTest, LossPicksNftablesWithoutNetemAndExplicitNetemFailsClearly) {
  if (NetemAvailable()) GTEST_SKIP() << "this kernel has netem; covered by NetemLossDropsAll";
  PacketLoss loss;
  loss.percent = 100;
  loss.interface = "eth0";
  EXPECT_FALSE(loss.UsesNetem());
  loss.backend = PacketLoss::Backend::kNetem;
  try {
    loss.Apply(a_->ns);
    FAIL() << "netem applied on a kernel without netem";
  } catch (const SystemError& e) {
    EXPECT_THAT(e.what(), HasSubstr(fmt::format("could not add a netem qdisc on 'eth0' in "
                                                "namespace '{}'",
                                                a_->ns.name())));
    EXPECT_THAT(e.what(), HasSubstr("sch_netem"));
  }
  EXPECT_TRUE(ListImpairmentTables(a_->ns).empty());
  EXPECT_FALSE(RemoveNetem(a_->ns, "eth0"));
  loss.Remove(a_->ns);
}

TEST_F(ImpairmentPairTest, NetemLossDropsAll) {
  if (!NetemAvailable()) GTEST_SKIP() << "this kernel has no sch_netem";
  PacketLoss loss;
  loss.percent = 100;
  loss.interface = "eth0";
  loss.backend = PacketLoss::Backend::kNetem;
  loss.Apply(a_->ns);
  for (uint32_t i = 0; i < 50; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountUdp(50), 0u);
  loss.Remove(a_->ns);
  EXPECT_FALSE(RemoveNetem(a_->ns, "eth0"));
  for (uint32_t i = 0; i < 50; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountUdp(50), 50u);
}

// ---- PacketLoss (nftables) ----

TEST_F(ImpairmentPairTest, HundredPercentEgressLossDropsAllUntilRemoved) {
  PacketLoss loss;
  loss.percent = 100;
  loss.direction = Direction::kEgress;
  loss.backend = PacketLoss::Backend::kNftables;
  loss.Apply(a_->ns);
  EXPECT_EQ(ListImpairmentTables(a_->ns), std::vector<std::string>{"inet viplab_loss_egress"});
  for (uint32_t i = 0; i < 50; ++i) a_->SendUdp(*b_, i);
  for (uint32_t i = 0; i < 20; ++i) a_->SendVrrp(i);
  EXPECT_EQ(b_->CountUdp(50), 0u);
  EXPECT_EQ(b_->CountVrrp(20), 0u);
  // The other direction is untouched.
  for (uint32_t i = 0; i < 50; ++i) b_->SendUdp(*a_, i);
  EXPECT_EQ(a_->CountUdp(50), 50u);

  loss.Remove(a_->ns);
  loss.Remove(a_->ns);  // idempotent
  EXPECT_TRUE(ListImpairmentTables(a_->ns).empty());
  for (uint32_t i = 0; i < 50; ++i) a_->SendUdp(*b_, i);
  for (uint32_t i = 0; i < 20; ++i) a_->SendVrrp(i);
  EXPECT_EQ(b_->CountUdp(50), 50u);
  EXPECT_EQ(b_->CountVrrp(20), 20u);
}

TEST_F(ImpairmentPairTest, ZeroPercentLossDropsNothing) {
  PacketLoss loss;
  loss.percent = 0;
  loss.Apply(a_->ns);
  for (uint32_t i = 0; i < 400; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountUdp(400), 400u);
  loss.Remove(a_->ns);
}

TEST_F(ImpairmentPairTest, FiftyPercentEgressLossIsBinomial) {
  PacketLoss loss;
  loss.percent = 50;
  loss.Apply(a_->ns);
  for (uint32_t i = 0; i < 400; ++i) a_->SendUdp(*b_, i);
  const size_t got = b_->CountUdp(400);
  // Binomial(400, 0.5): mean 200, sd 10; 120..280 is +-8 sd.
  EXPECT_GE(got, 120u);
  EXPECT_LE(got, 280u);
  loss.Remove(a_->ns);
}

TEST_F(ImpairmentPairTest, FiftyPercentIngressLossIsBinomial) {
  PacketLoss loss;
  loss.percent = 50;
  loss.direction = Direction::kIngress;
  loss.interface = "eth0";
  loss.Apply(b_->ns);
  EXPECT_EQ(ListImpairmentTables(b_->ns), std::vector<std::string>{"inet viplab_loss_ingress"});
  for (uint32_t i = 0; i < 400; ++i) a_->SendUdp(*b_, i);
  const size_t got = b_->CountUdp(400);
  EXPECT_GE(got, 120u);
  EXPECT_LE(got, 280u);
  loss.Remove(b_->ns);
}

TEST_F(ImpairmentPairTest, VrrpOnlyEgressLossLeavesUdpAlone) {
  PacketLoss loss;
  loss.percent = 100;
  loss.traffic = PacketLoss::Traffic::kVrrp;
  loss.Apply(a_->ns);
  for (uint32_t i = 0; i < 20; ++i) a_->SendVrrp(i);
  for (uint32_t i = 0; i < 50; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountVrrp(20), 0u);
  EXPECT_EQ(b_->CountUdp(50), 50u);
  // Unicast VRRP (keepalived's unicast_peer) is dropped as well.
  for (uint32_t i = 0; i < 20; ++i) a_->SendVrrp(i, b_->address);
  EXPECT_EQ(b_->CountVrrp(20), 0u);
  loss.Remove(a_->ns);
}

// keepalived receives VRRP on a raw socket; an ingress (input hook) drop must hide the packets
// from such a socket, multicast included.
TEST_F(ImpairmentPairTest, IngressVrrpLossHidesPacketsFromRawSockets) {
  PacketLoss loss;
  loss.percent = 100;
  loss.direction = Direction::kIngress;
  loss.traffic = PacketLoss::Traffic::kVrrp;
  loss.Apply(b_->ns);
  for (uint32_t i = 0; i < 20; ++i) a_->SendVrrp(i);
  for (uint32_t i = 0; i < 50; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountVrrp(20), 0u);
  EXPECT_EQ(b_->CountUdp(50), 50u);
  // b's own adverts still leave (ingress only).
  for (uint32_t i = 0; i < 20; ++i) b_->SendVrrp(i);
  EXPECT_EQ(a_->CountVrrp(20), 20u);

  loss.Remove(b_->ns);
  for (uint32_t i = 0; i < 20; ++i) a_->SendVrrp(i);
  EXPECT_EQ(b_->CountVrrp(20), 20u);
}

TEST_F(ImpairmentPairTest, IngressLossSparesLoopback) {
  PacketLoss loss;
  loss.percent = 100;
  loss.direction = Direction::kIngress;
  loss.Apply(b_->ns);
  for (uint32_t i = 0; i < 20; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountUdp(20), 0u);
  // b talking to itself (keepalived checking its local haproxy) still works.
  for (uint32_t i = 0; i < 20; ++i) {
    SendTo(b_->udp_out.get(), Ipv4Address::Parse("127.0.0.1"), kUdpPort, i);
  }
  EXPECT_EQ(b_->CountUdp(20), 20u);
  loss.Remove(b_->ns);
}

TEST_F(ImpairmentPairTest, ApplyingLossAgainReplacesIt) {
  PacketLoss loss;
  loss.percent = 100;
  loss.Apply(a_->ns);
  loss.percent = 0;
  loss.Apply(a_->ns);
  EXPECT_EQ(ListImpairmentTables(a_->ns).size(), 1u);
  for (uint32_t i = 0; i < 100; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountUdp(100), 100u);
  loss.Remove(a_->ns);
}

TEST_F(ImpairmentPairTest, LossOnlyOnTheNamedInterface) {
  PacketLoss loss;
  loss.percent = 100;
  loss.interface = "eth9";  // not the link the packets use
  loss.backend = PacketLoss::Backend::kNftables;
  loss.Apply(a_->ns);
  for (uint32_t i = 0; i < 50; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountUdp(50), 50u);
  loss.interface = "eth0";
  loss.Apply(a_->ns);
  for (uint32_t i = 0; i < 50; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountUdp(50), 0u);
  loss.Remove(a_->ns);
}

}  // namespace
}  // namespace viplab
