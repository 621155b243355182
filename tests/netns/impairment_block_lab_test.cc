// Lab tests of BlockTraffic (netns/impairment.h) on a veth pair, and of blocks and loss on a
// bridged lab (a switch namespace with three hosts). Fixtures: impairment_lab_fixture.h.
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
#include "netns/network_namespace.h"
#include "netns/route_socket.h"
#include "tests/netns/impairment_lab_fixture.h"

namespace viplab {
namespace {

using namespace std::chrono_literals;
using testing::Host;
using testing::ImpairmentLabTest;
using testing::ImpairmentPairTest;
using testing::kMagic;
using testing::kUdpPort;
using testing::LinkWatcher;
using testing::Receive;
using testing::SendTo;
using testing::Shell;
// ---- BlockTraffic ----

TEST_F(ImpairmentPairTest, OneWayBlockDropsAToBButNotBToA) {
  BlockTraffic block;
  block.name = "a_to_b";
  block.direction = Direction::kIngress;
  block.from = std::vector<Ipv4Address>{a_->address};
  block.Apply(b_->ns);
  for (uint32_t i = 0; i < 20; ++i) a_->SendVrrp(i);
  for (uint32_t i = 0; i < 20; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountVrrp(20), 0u);
  EXPECT_EQ(b_->CountUdp(20), 0u);
  // a still hears b: b -> a passes, unicast and multicast.
  for (uint32_t i = 0; i < 20; ++i) b_->SendVrrp(i);
  for (uint32_t i = 0; i < 20; ++i) b_->SendUdp(*a_, i);
  EXPECT_EQ(a_->CountVrrp(20), 20u);
  EXPECT_EQ(a_->CountUdp(20), 20u);

  block.Remove(b_->ns);
  block.Remove(b_->ns);
  EXPECT_TRUE(ListImpairmentTables(b_->ns).empty());
  for (uint32_t i = 0; i < 20; ++i) a_->SendVrrp(i);
  EXPECT_EQ(b_->CountVrrp(20), 20u);
}

TEST_F(ImpairmentPairTest, BlockWithProtocolDropsOnlyThatProtocol) {
  BlockTraffic block;
  block.name = "vrrp_from_a";
  block.from = std::vector<Ipv4Address>{a_->address};
  block.protocol = kIpProtoVrrp;
  block.Apply(b_->ns);
  for (uint32_t i = 0; i < 20; ++i) a_->SendVrrp(i);
  for (uint32_t i = 0; i < 20; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountVrrp(20), 0u);
  EXPECT_EQ(b_->CountUdp(20), 20u);
  block.Remove(b_->ns);
}

TEST_F(ImpairmentPairTest, BlockWithAnEmptyAddressListBlocksNothing) {
  BlockTraffic block;
  block.name = "no_peers";
  block.from = std::vector<Ipv4Address>{};
  block.Apply(b_->ns);
  for (uint32_t i = 0; i < 20; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountUdp(20), 20u);
  block.Remove(b_->ns);
}

TEST_F(ImpairmentPairTest, EgressBlockByDestination) {
  BlockTraffic block;
  block.name = "to_b";
  block.direction = Direction::kEgress;
  block.to = std::vector<Ipv4Address>{b_->address};
  block.Apply(a_->ns);
  for (uint32_t i = 0; i < 20; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountUdp(20), 0u);
  // Multicast has another destination: egress rules by destination cannot cut it (see the
  // header), which is why partitions filter by source on ingress.
  for (uint32_t i = 0; i < 20; ++i) a_->SendVrrp(i);
  EXPECT_EQ(b_->CountVrrp(20), 20u);
  block.Remove(a_->ns);
}

// Isolation with `arp`: b drops every ARP packet it would send, so a, whose neighbour entry for
// b is gone, cannot resolve b, and nothing reaches b although b's ingress is not filtered.
// Without `arp` the same block lets ARP through and the datagrams arrive.
TEST_F(ImpairmentPairTest, ArpBlockStopsNeighbourResolution) {
  BlockTraffic block;
  block.name = "iso_out";
  block.direction = Direction::kEgress;
  block.protocol = 6;  // TCP only: UDP is not blocked, so only ARP can stop it
  block.Apply(b_->ns);
  Shell(fmt::format("ip -n {} neigh flush dev eth0", a_->ns.name()));
  for (uint32_t i = 0; i < 5; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountUdp(5), 5u) << "without arp, b must still answer ARP";

  block.protocol.reset();
  block.from.reset();
  block.to = std::vector<Ipv4Address>{Ipv4Address::Parse("10.99.0.99")};  // not a
  block.arp = true;
  block.Apply(b_->ns);
  Shell(fmt::format("ip -n {} neigh flush dev eth0", a_->ns.name()));
  for (uint32_t i = 0; i < 5; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountUdp(5), 5u) << "ARP to other addresses only must not stop resolution";

  block.to.reset();  // any destination
  block.Apply(b_->ns);
  EXPECT_EQ(ListImpairmentTables(b_->ns),
            (std::vector<std::string>{"inet viplab_block_iso_out", "arp viplab_block_iso_out"}));
  Shell(fmt::format("ip -n {} neigh flush dev eth0", a_->ns.name()));
  for (uint32_t i = 0; i < 5; ++i) a_->SendUdp(*b_, i);
  EXPECT_EQ(b_->CountUdp(5), 0u);

  block.Remove(b_->ns);
  EXPECT_TRUE(ListImpairmentTables(b_->ns).empty());
  Shell(fmt::format("ip -n {} neigh flush dev eth0", a_->ns.name()));  // resolve afresh
  for (uint32_t i = 0; i < 5; ++i) a_->SendUdp(*b_, 100 + i);
  EXPECT_EQ(Receive(b_->udp_in.get(), 5, false, kMagic, 3s).size(), 5u);
}

// Lab shape: switch namespace with bridge br0; n1 (.1), n2 (.2) and a client (.3), each joined
// by a veth pair (switch port "p-<name>", "eth0" inside).
class ImpairmentSwitchTest : public ImpairmentLabTest {
 protected:
  void SetUp() override {
    ImpairmentLabTest::SetUp();
    if (IsSkipped()) return;
    switch_.emplace(NetworkNamespace::Create(Name("sw")));
    LinkWatcher sw_watcher(*switch_);
    RouteSocket sw_sock = RouteSocket::OpenIn(*switch_);
    CreateBridge(sw_sock, "br0");
    n1_ = &AddHost("n1", "10.99.0.1");
    n2_ = &AddHost("n2", "10.99.0.2");
    client_ = &AddHost("client", "10.99.0.3");
    std::set<std::string> ports;
    for (auto& host : hosts_) {
      const std::string port = "p-" + host->ns.name().substr(prefix_.size());
      CreateVethPair(sw_sock, testing::Veth(port, "eth0", host->ns.fd(), "br0"));
      AddAddressAndLoopback(*host);
      ports.insert(port);
    }
    ASSERT_TRUE(sw_watcher.WaitRunning(ports));
    for (auto& host : hosts_) {
      ASSERT_TRUE(host->watcher->WaitRunning({"eth0"}));
      host->OpenSockets();
    }
    Prime();
  }

  Host* n1_ = nullptr;
  Host* n2_ = nullptr;
  Host* client_ = nullptr;
};

// (a) on the switch: n1 and n2 cannot hear each other (multicast adverts included), both still
// reach the client and the client reaches both.
TEST_F(ImpairmentSwitchTest, BridgedBlockCutsNodeFromPeerButNotFromClient) {
  BlockTraffic n1_to_n2;
  n1_to_n2.name = "n1_n2";
  n1_to_n2.direction = Direction::kBridged;
  n1_to_n2.from = std::vector<Ipv4Address>{n1_->address};
  n1_to_n2.interfaces = {"p-n2"};
  BlockTraffic n2_to_n1 = n1_to_n2;
  n2_to_n1.name = "n2_n1";
  n2_to_n1.from = std::vector<Ipv4Address>{n2_->address};
  n2_to_n1.interfaces = {"p-n1"};
  n1_to_n2.Apply(*switch_);
  n2_to_n1.Apply(*switch_);
  EXPECT_EQ(ListImpairmentTables(*switch_).size(), 2u);

  for (uint32_t i = 0; i < 20; ++i) n1_->SendVrrp(i);
  EXPECT_EQ(n2_->CountVrrp(20), 0u);
  EXPECT_EQ(client_->CountVrrp(20), 20u);
  for (uint32_t i = 0; i < 20; ++i) n2_->SendVrrp(i);
  EXPECT_EQ(n1_->CountVrrp(20), 0u);
  EXPECT_EQ(client_->CountVrrp(20), 20u);
  for (uint32_t i = 0; i < 20; ++i) n1_->SendUdp(*n2_, i);
  EXPECT_EQ(n2_->CountUdp(20), 0u);
  for (uint32_t i = 0; i < 20; ++i) n1_->SendUdp(*client_, i);
  EXPECT_EQ(client_->CountUdp(20), 20u);
  for (uint32_t i = 0; i < 20; ++i) client_->SendUdp(*n1_, i);
  EXPECT_EQ(n1_->CountUdp(20), 20u);
  for (uint32_t i = 0; i < 20; ++i) client_->SendUdp(*n2_, i);
  EXPECT_EQ(n2_->CountUdp(20), 20u);

  n1_to_n2.Remove(*switch_);
  n2_to_n1.Remove(*switch_);
  n2_to_n1.Remove(*switch_);
  EXPECT_TRUE(ListImpairmentTables(*switch_).empty());
  for (uint32_t i = 0; i < 20; ++i) n1_->SendVrrp(i);
  EXPECT_EQ(n2_->CountVrrp(20), 20u);
}

// (a) on the nodes: ingress-by-source on both sides gives the same cut.
TEST_F(ImpairmentSwitchTest, NodeIngressBlocksBySourceCutPeersButNotClient) {
  BlockTraffic on_n1;
  on_n1.name = "peers";
  on_n1.from = std::vector<Ipv4Address>{n2_->address};
  BlockTraffic on_n2 = on_n1;
  on_n2.from = std::vector<Ipv4Address>{n1_->address};
  on_n1.Apply(n1_->ns);
  on_n2.Apply(n2_->ns);

  for (uint32_t i = 0; i < 20; ++i) n1_->SendVrrp(i);
  EXPECT_EQ(n2_->CountVrrp(20), 0u);
  EXPECT_EQ(client_->CountVrrp(20), 20u);
  for (uint32_t i = 0; i < 20; ++i) n2_->SendVrrp(i);
  EXPECT_EQ(n1_->CountVrrp(20), 0u);
  for (uint32_t i = 0; i < 20; ++i) client_->SendUdp(*n1_, i);
  EXPECT_EQ(n1_->CountUdp(20), 20u);
  for (uint32_t i = 0; i < 20; ++i) n1_->SendUdp(*client_, i);
  EXPECT_EQ(client_->CountUdp(20), 20u);
  on_n1.Remove(n1_->ns);
  on_n2.Remove(n2_->ns);
}

// (b) full isolation of n1: nothing in, nothing out, ARP included; others unaffected.
TEST_F(ImpairmentSwitchTest, FullIsolationOfANode) {
  BlockTraffic in;
  in.name = "iso_in";
  in.direction = Direction::kIngress;
  in.arp = true;
  BlockTraffic out = in;
  out.name = "iso_out";
  out.direction = Direction::kEgress;
  in.Apply(n1_->ns);
  out.Apply(n1_->ns);

  for (uint32_t i = 0; i < 20; ++i) n1_->SendVrrp(i);
  EXPECT_EQ(n2_->CountVrrp(20), 0u);
  EXPECT_EQ(client_->CountVrrp(20), 0u);
  for (uint32_t i = 0; i < 20; ++i) n2_->SendVrrp(i);
  EXPECT_EQ(n1_->CountVrrp(20), 0u);
  EXPECT_EQ(client_->CountVrrp(20), 20u);
  for (uint32_t i = 0; i < 20; ++i) client_->SendUdp(*n1_, i);
  EXPECT_EQ(n1_->CountUdp(20), 0u);
  for (uint32_t i = 0; i < 20; ++i) n2_->SendUdp(*client_, i);
  EXPECT_EQ(client_->CountUdp(20), 20u);
  // n1 still reaches itself over loopback.
  for (uint32_t i = 0; i < 5; ++i) {
    SendTo(n1_->udp_out.get(), Ipv4Address::Parse("127.0.0.1"), kUdpPort, i);
  }
  EXPECT_EQ(n1_->CountUdp(5), 5u);

  EXPECT_EQ(RemoveImpairments(n1_->ns), 4);  // inet + arp tables of both blocks
  for (uint32_t i = 0; i < 20; ++i) client_->SendUdp(*n1_, i);
  EXPECT_EQ(n1_->CountUdp(20), 20u);
  in.Remove(n1_->ns);  // already gone: still fine
}

// Loss on the switch: VRRP frames bridged toward one port only.
TEST_F(ImpairmentSwitchTest, BridgedVrrpLossTowardOnePort) {
  PacketLoss loss;
  loss.percent = 100;
  loss.direction = Direction::kBridged;
  loss.traffic = PacketLoss::Traffic::kVrrp;
  loss.interface = "p-n2";
  loss.Apply(*switch_);
  EXPECT_EQ(ListImpairmentTables(*switch_), std::vector<std::string>{"bridge viplab_loss_bridged"});
  for (uint32_t i = 0; i < 20; ++i) n1_->SendVrrp(i);
  EXPECT_EQ(n2_->CountVrrp(20), 0u);
  EXPECT_EQ(client_->CountVrrp(20), 20u);
  for (uint32_t i = 0; i < 20; ++i) n1_->SendUdp(*n2_, i);
  EXPECT_EQ(n2_->CountUdp(20), 20u);
  loss.Remove(*switch_);
  loss.Remove(*switch_);
  for (uint32_t i = 0; i < 20; ++i) n1_->SendVrrp(i);
  EXPECT_EQ(n2_->CountVrrp(20), 20u);
}

}  // namespace
}  // namespace viplab
