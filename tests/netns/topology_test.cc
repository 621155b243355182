// The shape of a viplab lab, built with the netns API only: a switch namespace with a bridge,
// N node namespaces and one client namespace, each joined to the bridge by a veth pair and given
// an address from 10.99.0.0/24. Checks the wiring and that tear-down leaves nothing behind.
// Timing lives in bench/lab_updown.cc, not here.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <linux/if.h>
#include <netlink/route/link.h>

#include <vector>

#include "netns/address.h"
#include "netns/link.h"
#include "netns/network_namespace.h"
#include "netns/route_socket.h"
#include "tests/common/lab_env.h"

namespace viplab {
namespace {

struct Member {
  NetworkNamespace ns;
  RouteSocket sock;
};

struct Topology {
  std::optional<Member> sw;
  std::vector<Member> members;  // nodes, then the client
};

const Ipv4Prefix kSubnet = Ipv4Prefix::Parse("10.99.0.0/24");

Topology BuildTopology(const std::string& prefix, int nodes) {
  Topology t;
  NetworkNamespace sw = NetworkNamespace::Create(prefix + "sw");
  RouteSocket sw_sock = RouteSocket::OpenIn(sw);
  t.sw.emplace(Member{std::move(sw), std::move(sw_sock)});
  CreateBridge(t.sw->sock, "br0");
  for (int i = 0; i <= nodes; ++i) {
    const bool client = i == nodes;
    NetworkNamespace ns =
        NetworkNamespace::Create(client ? prefix + "client" : fmt::format("{}n{}", prefix, i + 1));
    CreateVethPair(t.sw->sock, testing::Veth(fmt::format("p{}", i + 1), "eth0", ns.fd(), "br0"));
    RouteSocket sock = RouteSocket::OpenIn(ns);
    AddAddress(sock, "eth0", Ipv4Prefix(kSubnet.Host(i + 1), kSubnet.length()));
    t.members.push_back(Member{std::move(ns), std::move(sock)});
  }
  return t;
}

using TopologyTest = testing::LabTest;

TEST_F(TopologyTest, ThreeNodeLabIsWiredAsSpecified) {
  Topology t = BuildTopology(prefix_, 3);
  ASSERT_EQ(t.members.size(), 4u);
  const std::optional<int> bridge = FindLink(t.sw->sock, "br0");
  ASSERT_TRUE(bridge);
  for (size_t i = 0; i < t.members.size(); ++i) {
    const std::string port = fmt::format("p{}", i + 1);
    std::lock_guard lock(t.sw->sock.mutex());
    rtnl_link* link = nullptr;
    ASSERT_EQ(rtnl_link_get_kernel(t.sw->sock.get(), 0, port.c_str(), &link), 0);
    EXPECT_EQ(rtnl_link_get_master(link), *bridge);
    EXPECT_TRUE(rtnl_link_get_flags(link) & IFF_LOWER_UP);
    rtnl_link_put(link);
  }
  for (size_t i = 0; i < t.members.size(); ++i) {
    RouteSocket& sock = t.members[i].sock;
    EXPECT_TRUE(IsLinkUp(sock, "eth0"));
    EXPECT_EQ(ListAddresses(sock, "eth0"),
              (std::vector<Ipv4Prefix>{Ipv4Prefix(kSubnet.Host(i + 1), 24)}));
  }
  EXPECT_EQ(testing::NamespacesWithPrefix(prefix_).size(), 5u);
}

TEST_F(TopologyTest, ThirtyTwoNodeLabComesUpAndGoesAwayCompletely) {
  {
    Topology t = BuildTopology(prefix_, 32);
    EXPECT_EQ(testing::NamespacesWithPrefix(prefix_).size(), 34u);
    EXPECT_EQ(ListAddresses(t.members[31].sock, "eth0"),
              (std::vector<Ipv4Prefix>{Ipv4Prefix(kSubnet.Host(32), 24)}));
  }
  EXPECT_TRUE(testing::NamespacesWithPrefix(prefix_).empty());
}

}  // namespace
}  // namespace viplab
