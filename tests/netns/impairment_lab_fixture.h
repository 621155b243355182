// Shared fixtures of the impairment lab tests (impairment_lab_test.cc,
// impairment_block_lab_test.cc, impairment_delay_lab_test.cc): real namespaces joined by veth pairs
// (ImpairmentPairTest) or a bridge (ImpairmentSwitchTest, in impairment_block_lab_test.cc), hosts
// with UDP and VRRP-like sockets (raw IP protocol 112, multicast to 224.0.0.18, received on a raw
// socket that joined the group, as keepalived does). Nothing sleeps: receivers wait with poll(2),
// and "nothing arrives" means nothing within an idle window after the last send (veth delivery
// takes microseconds; the window is generous).
#pragma once

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
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
#include "tests/common/lab_env.h"

namespace viplab::testing {

inline constexpr uint16_t kUdpPort = 4000;
inline constexpr uint32_t kMagic = 0x76706c62;                 // marks our test datagrams
inline constexpr uint32_t kPrimeMagic = 0x7072696d;            // neighbour-priming datagrams
inline constexpr auto kIdle = std::chrono::milliseconds(400);  // "nothing more arrives" window
inline const Ipv4Address kVrrpGroup = Ipv4Address::Parse("224.0.0.18");

inline std::string HostRuleset() { return Shell("nft list ruleset"); }

struct Payload {
  uint32_t magic;
  uint32_t seq;
};

inline sockaddr_in SockAddr(Ipv4Address address, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr = address.ToInAddr();
  sa.sin_port = htons(port);
  return sa;
}

// A packet dropped by an output-hook rule makes sendto fail with EPERM, as it does for
// keepalived; that counts as sent.
inline void SendTo(int fd, Ipv4Address to, uint16_t port, uint32_t seq, uint32_t magic = kMagic) {
  const Payload p{magic, seq};
  const sockaddr_in sa = SockAddr(to, port);
  const ssize_t n =
      ::sendto(fd, &p, sizeof(p), 0, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa));
  if (n < 0 && errno == EPERM) return;
  ASSERT_EQ(n, static_cast<ssize_t>(sizeof(p))) << std::strerror(errno);
}

struct Arrival {
  uint32_t seq;
  TimePoint at;
};

// Reads datagrams carrying `magic` until `expected` arrived or nothing came for `idle`.
// Raw sockets deliver the IP header first; it is skipped.
inline std::vector<Arrival> Receive(int fd, size_t expected, bool raw, uint32_t magic = kMagic,
                                    std::chrono::milliseconds idle = kIdle) {
  std::vector<Arrival> got;
  while (got.size() < expected) {
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(idle.count()));
    if (ready <= 0) break;
    for (;;) {
      std::array<uint8_t, 2048> buffer{};
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n < 0) break;
      const TimePoint now = Now();
      size_t offset = raw ? (buffer[0] & 0x0f) * 4u : 0u;
      if (static_cast<size_t>(n) < offset + sizeof(Payload)) continue;
      Payload p{};
      std::memcpy(&p, buffer.data() + offset, sizeof(p));
      if (p.magic == magic) got.push_back({p.seq, now});
    }
  }
  return got;
}

// Watches RTM_NEWLINK in one namespace. Opened before links are created, it sees the
// notification the kernel sends once a link is operational (IFF_RUNNING): link-watch sends it
// after activating the link's transmit queue and enabling it as a bridge port, so packets sent
// after that are not dropped by a link still coming up.
class LinkWatcher {
 public:
  explicit LinkWatcher(const NetworkNamespace& ns) {
    ns.Run([&] { sock_.reset(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)); });
    if (!sock_ || mnl_socket_bind(sock_.get(), RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
      throw SystemError::FromErrno(errno, "link watcher");
    }
  }

  // True once every name in `names` was reported running (or false at the deadline).
  bool WaitRunning(std::set<std::string> names,
                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const TimePoint deadline = Now() + timeout;
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    while (!names.empty()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Now());
      if (left.count() <= 0) return false;
      pollfd pfd{mnl_socket_get_fd(sock_.get()), POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
      const ssize_t n = mnl_socket_recvfrom(sock_.get(), buffer.data(), buffer.size());
      if (n <= 0) return false;
      mnl_cb_run(
          buffer.data(), n, 0, 0,
          [](const nlmsghdr* nlh, void* data) {
            if (nlh->nlmsg_type != RTM_NEWLINK) return MNL_CB_OK;
            const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
            if (!(ifi->ifi_flags & IFF_RUNNING)) return MNL_CB_OK;
            const nlattr* name = nullptr;
            mnl_attr_parse(
                nlh, sizeof(*ifi),
                [](const nlattr* attr, void* out) {
                  if (mnl_attr_get_type(attr) == IFLA_IFNAME) {
                    *static_cast<const nlattr**>(out) = attr;
                  }
                  return MNL_CB_OK;
                },
                &name);
            if (name != nullptr)
              static_cast<std::set<std::string>*>(data)->erase(mnl_attr_get_str(name));
            return MNL_CB_OK;
          },
          &names);
    }
    return true;
  }

 private:
  struct Close {
    void operator()(mnl_socket* s) const { mnl_socket_close(s); }
  };
  std::unique_ptr<mnl_socket, Close> sock_;
};

// One namespace of a test topology, with the sockets the tests send and receive on.
struct Host {
  NetworkNamespace ns;
  Ipv4Address address;
  std::optional<LinkWatcher> watcher;
  UniqueFd udp_in;  // bound to kUdpPort
  UniqueFd udp_out;
  UniqueFd vrrp_in;   // raw protocol 112, joined to 224.0.0.18 on eth0
  UniqueFd vrrp_out;  // raw protocol 112, multicast out of eth0, no loopback

  void OpenSockets() {
    int ifindex = 0;
    ns.Run([&] { ifindex = static_cast<int>(::if_nametoindex("eth0")); });
    ASSERT_GT(ifindex, 0);
    const int big = 8 * 1024 * 1024;  // a whole burst fits without reading concurrently

    udp_in = ns.OpenSocket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_EQ(::setsockopt(udp_in.get(), SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)), 0);
    const sockaddr_in any = SockAddr(Ipv4Address(0), kUdpPort);
    ASSERT_EQ(::bind(udp_in.get(), reinterpret_cast<const sockaddr*>(&any), sizeof(any)), 0);
    udp_out = ns.OpenSocket(AF_INET, SOCK_DGRAM, 0);

    vrrp_in = ns.OpenSocket(AF_INET, SOCK_RAW, kIpProtoVrrp);
    ASSERT_EQ(::setsockopt(vrrp_in.get(), SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)), 0);
    ip_mreqn join{};
    join.imr_multiaddr = kVrrpGroup.ToInAddr();
    join.imr_ifindex = ifindex;
    ASSERT_EQ(::setsockopt(vrrp_in.get(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &join, sizeof(join)), 0);

    vrrp_out = ns.OpenSocket(AF_INET, SOCK_RAW, kIpProtoVrrp);
    ip_mreqn out{};
    out.imr_ifindex = ifindex;
    ASSERT_EQ(::setsockopt(vrrp_out.get(), IPPROTO_IP, IP_MULTICAST_IF, &out, sizeof(out)), 0);
    const int off = 0;
    ASSERT_EQ(::setsockopt(vrrp_out.get(), IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off)), 0);
  }

  void SendUdp(const Host& to, uint32_t seq) { SendTo(udp_out.get(), to.address, kUdpPort, seq); }
  void SendVrrp(uint32_t seq, Ipv4Address to = kVrrpGroup) { SendTo(vrrp_out.get(), to, 0, seq); }
  size_t CountUdp(size_t expected) { return Receive(udp_in.get(), expected, false).size(); }
  size_t CountVrrp(size_t expected) { return Receive(vrrp_in.get(), expected, true).size(); }
};

// Base: host ruleset unchanged, namespaces and sockets set up by the derived fixtures.
class ImpairmentLabTest : public testing::LabTest {
 protected:
  void SetUp() override {
    LabTest::SetUp();
    if (IsSkipped()) return;
    host_ruleset_ = HostRuleset();
  }

  void TearDown() override {
    if (!prefix_.empty()) {
      hosts_.clear();
      switch_.reset();
      EXPECT_EQ(HostRuleset(), host_ruleset_) << "the host's nftables ruleset changed";
    }
    LabTest::TearDown();
  }

  Host& AddHost(const std::string& name, const std::string& address) {
    auto host = std::make_unique<Host>(Host{
        NetworkNamespace::Create(Name(name)), Ipv4Address::Parse(address), {}, {}, {}, {}, {}});
    host->watcher.emplace(host->ns);
    hosts_.push_back(std::move(host));
    return *hosts_.back();
  }

  void AddAddressAndLoopback(Host& host) {
    RouteSocket sock = RouteSocket::OpenIn(host.ns);
    AddAddress(sock, "eth0", Ipv4Prefix(host.address, 24));
    SetLinkUp(sock, "lo", true);
  }

  // Sends one priming datagram each way between every pair and waits for it, so neighbours are
  // resolved before a burst (an unresolved neighbour queues only ~200 KiB of packets).
  void Prime() {
    for (auto& from : hosts_) {
      for (auto& to : hosts_) {
        if (from == to) continue;
        SendTo(from->udp_out.get(), to->address, kUdpPort, 0, kPrimeMagic);
        ASSERT_EQ(Receive(to->udp_in.get(), 1, false, kPrimeMagic, std::chrono::seconds(5)).size(),
                  1u)
            << "no path " << from->ns.name() << " -> " << to->ns.name();
      }
    }
  }

  std::string host_ruleset_;
  std::optional<NetworkNamespace> switch_;
  std::vector<std::unique_ptr<Host>> hosts_;
};

// Two namespaces joined by one veth pair: a (10.99.0.1) and b (10.99.0.2), both "eth0".
class ImpairmentPairTest : public ImpairmentLabTest {
 protected:
  void SetUp() override {
    ImpairmentLabTest::SetUp();
    if (IsSkipped()) return;
    a_ = &AddHost("a", "10.99.0.1");
    b_ = &AddHost("b", "10.99.0.2");
    RouteSocket sock = RouteSocket::OpenIn(a_->ns);
    CreateVethPair(sock, testing::Veth("eth0", "eth0", b_->ns.fd()));
    AddAddressAndLoopback(*a_);
    AddAddressAndLoopback(*b_);
    ASSERT_TRUE(a_->watcher->WaitRunning({"eth0"}));
    ASSERT_TRUE(b_->watcher->WaitRunning({"eth0"}));
    a_->OpenSockets();
    b_->OpenSockets();
    Prime();
  }

  Host* a_ = nullptr;
  Host* b_ = nullptr;
};

}  // namespace viplab::testing
