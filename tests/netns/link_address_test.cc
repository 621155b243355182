#include <gtest/gtest.h>
#include <linux/if.h>
#include <netlink/route/link.h>

#include <algorithm>
#include <cerrno>

#include "netns/address.h"
#include "netns/error.h"
#include "netns/link.h"
#include "netns/network_namespace.h"
#include "netns/route_socket.h"
#include "tests/common/lab_env.h"

namespace viplab {
namespace {

// Reads a link straight from the kernel (independently of the code under test).
struct KernelLink {
  int ifindex = 0;
  int master = 0;
  unsigned flags = 0;
};

std::optional<KernelLink> GetKernelLink(RouteSocket& sock, const std::string& name) {
  std::lock_guard lock(sock.mutex());
  rtnl_link* link = nullptr;
  if (rtnl_link_get_kernel(sock.get(), 0, name.c_str(), &link) < 0) return std::nullopt;
  KernelLink result{rtnl_link_get_ifindex(link), rtnl_link_get_master(link),
                    rtnl_link_get_flags(link)};
  rtnl_link_put(link);
  return result;
}

class LinkAddressTest : public testing::LabTest {
 protected:
  void SetUp() override {
    LabTest::SetUp();
    if (IsSkipped()) return;
    sw_.emplace(NetworkNamespace::Create(Name("sw")));
    node_.emplace(NetworkNamespace::Create(Name("node")));
    sw_sock_.emplace(RouteSocket::OpenIn(*sw_));
    node_sock_.emplace(RouteSocket::OpenIn(*node_));
  }

  void TearDown() override {
    sw_sock_.reset();
    node_sock_.reset();
    sw_.reset();
    node_.reset();
    LabTest::TearDown();
  }

  std::optional<NetworkNamespace> sw_;
  std::optional<NetworkNamespace> node_;
  std::optional<RouteSocket> sw_sock_;
  std::optional<RouteSocket> node_sock_;
};

TEST_F(LinkAddressTest, BridgeAndVethWithPeerInAnotherNamespace) {
  CreateBridge(*sw_sock_, "br0");
  CreateVethPair(*sw_sock_, testing::Veth("p1", "eth0", node_->fd(), "br0"));

  const auto bridge = GetKernelLink(*sw_sock_, "br0");
  const auto port = GetKernelLink(*sw_sock_, "p1");
  const auto peer = GetKernelLink(*node_sock_, "eth0");
  ASSERT_TRUE(bridge && port && peer);
  EXPECT_TRUE(bridge->flags & IFF_UP);
  EXPECT_EQ(port->master, bridge->ifindex) << "p1 is not enslaved to br0";
  EXPECT_TRUE(port->flags & IFF_UP);
  EXPECT_TRUE(peer->flags & IFF_UP);
  // Both ends up: carrier on both sides, and the peer kept its multicast flag (VRRP needs it).
  EXPECT_TRUE(port->flags & IFF_LOWER_UP);
  EXPECT_TRUE(peer->flags & IFF_LOWER_UP);
  EXPECT_TRUE(peer->flags & IFF_MULTICAST);
  EXPECT_TRUE(peer->flags & IFF_BROADCAST);
  EXPECT_TRUE(port->flags & IFF_MULTICAST);

  // The API agrees, and the peer lives only in the node namespace.
  EXPECT_EQ(FindLink(*sw_sock_, "p1"), port->ifindex);
  EXPECT_EQ(FindLink(*sw_sock_, "eth0"), std::nullopt);
  EXPECT_EQ(FindLink(*node_sock_, "p1"), std::nullopt);
  EXPECT_TRUE(IsLinkUp(*node_sock_, "eth0"));
  EXPECT_TRUE(IsLinkUp(*sw_sock_, "br0"));
}

TEST_F(LinkAddressTest, VethCanStayDown) {
  CreateVethPair(*sw_sock_, testing::Veth("a", "b", -1, std::nullopt, false));
  EXPECT_FALSE(IsLinkUp(*sw_sock_, "a"));
  EXPECT_FALSE(IsLinkUp(*sw_sock_, "b"));
}

TEST_F(LinkAddressTest, DuplicateVethErrorNamesLinkAndNamespace) {
  CreateVethPair(*sw_sock_, testing::Veth("p1", "eth0", node_->fd()));
  try {
    CreateVethPair(*sw_sock_, testing::Veth("p1", "eth1", node_->fd()));
    FAIL() << "duplicate veth created";
  } catch (const SystemError& e) {
    EXPECT_EQ(e.code(), EEXIST);
    EXPECT_EQ(std::string(e.what()),
              "could not create veth 'p1' in namespace '" + Name("sw") + "': File exists");
  }
  // A taken peer name fails too, and leaves nothing half-made behind.
  EXPECT_THROW(CreateVethPair(*sw_sock_, testing::Veth("p2", "eth0", node_->fd())), SystemError);
  EXPECT_EQ(FindLink(*sw_sock_, "p2"), std::nullopt);
}

TEST_F(LinkAddressTest, MissingBridgeIsReported) {
  try {
    CreateVethPair(*sw_sock_, testing::Veth("p1", "eth0", -1, "nobr"));
    FAIL() << "enslaved to a missing bridge";
  } catch (const SystemError& e) {
    EXPECT_EQ(e.code(), ENODEV);
    EXPECT_NE(std::string(e.what()).find("'nobr'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(FindLink(*sw_sock_, "p1"), std::nullopt);
}

TEST_F(LinkAddressTest, SetLinkUpAndDownKeepsOtherFlags) {
  CreateVethPair(*sw_sock_, testing::Veth("a", "b"));
  SetLinkUp(*sw_sock_, "a", false);
  EXPECT_FALSE(IsLinkUp(*sw_sock_, "a"));
  EXPECT_TRUE(IsLinkUp(*sw_sock_, "b"));
  EXPECT_FALSE(GetKernelLink(*sw_sock_, "b")->flags & IFF_LOWER_UP);  // peer lost carrier
  SetLinkUp(*sw_sock_, "a", true);
  EXPECT_TRUE(IsLinkUp(*sw_sock_, "a"));
  const auto a = GetKernelLink(*sw_sock_, "a");
  EXPECT_TRUE(a->flags & IFF_MULTICAST);
  EXPECT_TRUE(a->flags & IFF_BROADCAST);
  EXPECT_THROW(SetLinkUp(*sw_sock_, "nosuch", true), SystemError);
}

TEST_F(LinkAddressTest, LookupOfMissingOrInvalidLinks) {
  EXPECT_EQ(FindLink(*sw_sock_, "nosuch"), std::nullopt);
  try {
    IsLinkUp(*sw_sock_, "nosuch");
    FAIL() << "no exception";
  } catch (const SystemError& e) {
    EXPECT_EQ(e.code(), ENODEV);
    EXPECT_NE(std::string(e.what()).find(Name("sw")), std::string::npos) << e.what();
  }
  EXPECT_THROW(FindLink(*sw_sock_, "this-name-is-too-long"), SystemError);
  EXPECT_THROW(CreateBridge(*sw_sock_, ""), SystemError);
}

TEST_F(LinkAddressTest, DeleteLinkIsIdempotentAndTakesThePeer) {
  CreateVethPair(*sw_sock_, testing::Veth("p1", "eth0", node_->fd()));
  EXPECT_TRUE(DeleteLink(*sw_sock_, "p1"));
  EXPECT_FALSE(DeleteLink(*sw_sock_, "p1"));
  EXPECT_EQ(FindLink(*sw_sock_, "p1"), std::nullopt);
  EXPECT_EQ(FindLink(*node_sock_, "eth0"), std::nullopt);
}

TEST_F(LinkAddressTest, AddListRemoveAddresses) {
  CreateVethPair(*node_sock_, testing::Veth("eth0", "peer0"));
  const Ipv4Prefix a = Ipv4Prefix::Parse("10.99.0.2/24");
  const Ipv4Prefix vip = Ipv4Prefix::Parse("10.99.0.200/32");
  EXPECT_TRUE(ListAddresses(*node_sock_, "eth0").empty());

  AddAddress(*node_sock_, "eth0", a);
  AddAddress(*node_sock_, "eth0", vip);
  std::vector<Ipv4Prefix> listed = ListAddresses(*node_sock_, "eth0");
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, (std::vector<Ipv4Prefix>{a, vip}));
  EXPECT_TRUE(ListAddresses(*node_sock_, "peer0").empty());

  try {
    AddAddress(*node_sock_, "eth0", a);
    FAIL() << "duplicate address added";
  } catch (const SystemError& e) {
    EXPECT_EQ(e.code(), EEXIST);
    EXPECT_EQ(std::string(e.what()), "could not add address 10.99.0.2/24 to 'eth0' in namespace '" +
                                         Name("node") + "': File exists");
  }

  EXPECT_TRUE(RemoveAddress(*node_sock_, "eth0", vip));
  EXPECT_FALSE(RemoveAddress(*node_sock_, "eth0", vip));
  EXPECT_EQ(ListAddresses(*node_sock_, "eth0"), (std::vector<Ipv4Prefix>{a}));
  EXPECT_TRUE(RemoveAddress(*node_sock_, "eth0", a));
  EXPECT_TRUE(ListAddresses(*node_sock_, "eth0").empty());
  EXPECT_FALSE(RemoveAddress(*node_sock_, "nosuch", a));

  try {
    AddAddress(*node_sock_, "nosuch", a);
    FAIL() << "address added to a missing link";
  } catch (const SystemError& e) {
    EXPECT_EQ(e.code(), ENODEV);
  }
  EXPECT_THROW(ListAddresses(*node_sock_, "nosuch"), SystemError);
}

}  // namespace
}  // namespace viplab
