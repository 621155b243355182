// Lab tests of netns/nftables.h, netem.h and impairment.h: real namespaces joined by veth pairs
// (and a bridge), real datagrams. Each test counts what actually arrives: UDP to a bound socket,
// and VRRP-like packets (raw IP protocol 112, multicast to 224.0.0.18, received on a raw socket
// that joined the group, as keepalived does). Nothing sleeps: receivers wait with poll(2), and
// "nothing arrives" means nothing within an idle window after the last send (veth delivery takes
// microseconds; the window is generous).
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
#include "tests/netns/lab_fixture.h"

namespace viplab {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr uint16_t kUdpPort = 4000;
constexpr uint32_t kMagic = 0x76706c62;       // marks our test datagrams
constexpr uint32_t kPrimeMagic = 0x7072696d;  // neighbour-priming datagrams
constexpr auto kIdle = 400ms;                 // "nothing more arrives" window
const Ipv4Address kVrrpGroup = Ipv4Address::Parse("224.0.0.18");

// Output and exit status of a shell command (read-only checks and independent oracles).
std::string Shell(const std::string& command, int* status = nullptr) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return output;
  std::array<char, 4096> chunk{};
  while (size_t n = std::fread(chunk.data(), 1, chunk.size(), pipe)) output.append(chunk.data(), n);
  const int rc = ::pclose(pipe);
  if (status != nullptr) *status = rc;
  return output;
}

std::string HostRuleset() { return Shell("nft list ruleset"); }

struct Payload {
  uint32_t magic;
  uint32_t seq;
};

sockaddr_in SockAddr(Ipv4Address address, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr = address.ToInAddr();
  sa.sin_port = htons(port);
  return sa;
}

// A packet dropped by an output-hook rule makes sendto fail with EPERM, as it does for
// keepalived; that counts as sent.
void SendTo(int fd, Ipv4Address to, uint16_t port, uint32_t seq, uint32_t magic = kMagic) {
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
std::vector<Arrival> Receive(int fd, size_t expected, bool raw, uint32_t magic = kMagic,
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
  bool WaitRunning(std::set<std::string> names, std::chrono::milliseconds timeout = 5s) {
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
        ASSERT_EQ(Receive(to->udp_in.get(), 1, false, kPrimeMagic, 5s).size(), 1u)
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

// ---- VrrpDelay ----

double MsSince(TimePoint from, TimePoint to) { return MillisBetween(from, to); }

TEST_F(ImpairmentPairTest, VrrpDelayHoldsAdvertsForTheDelayAndKeepsOrder) {
  constexpr auto kDelay = 200ms;
  VrrpDelay delay(a_->ns, kDelay);
  RecordProperty("queue_rule", delay.native_queue_rule() ? "native nft queue" : "xt NFQUEUE");
  EXPECT_EQ(ListImpairmentTables(a_->ns), std::vector<std::string>{"inet viplab_vrrp_delay_4112"});

  constexpr uint32_t kCount = 10;
  std::vector<TimePoint> sent;
  for (uint32_t i = 0; i < kCount; ++i) {
    sent.push_back(Now());
    a_->SendVrrp(i);
  }
  const TimePoint udp_sent = Now();
  a_->SendUdp(*b_, 0);

  const std::vector<Arrival> udp = Receive(b_->udp_in.get(), 1, false, kMagic, 2s);
  const std::vector<Arrival> vrrp = Receive(b_->vrrp_in.get(), kCount, true, kMagic, 2s);
  ASSERT_EQ(udp.size(), 1u);
  ASSERT_EQ(vrrp.size(), kCount);
  EXPECT_LT(MsSince(udp_sent, udp[0].at), 200.0) << "UDP must not be delayed";
  EXPECT_LT(udp[0].at, vrrp[0].at);
  for (uint32_t i = 0; i < kCount; ++i) {
    EXPECT_EQ(vrrp[i].seq, i) << "order changed";
    const double ms = MsSince(sent[vrrp[i].seq], vrrp[i].at);
    EXPECT_GE(ms, 200.0) << "packet " << i;
    EXPECT_LE(ms, 700.0) << "packet " << i;
  }
  EXPECT_EQ(delay.packets_released(), kCount);
  EXPECT_EQ(delay.last_error(), nullptr);
  // b's adverts to a are not delayed (egress of a only).
  const TimePoint b_sent = Now();
  b_->SendVrrp(0);
  const std::vector<Arrival> back = Receive(a_->vrrp_in.get(), 1, true, kMagic, 2s);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_LT(MsSince(b_sent, back[0].at), 200.0);
}

TEST_F(ImpairmentPairTest, VrrpDelayRemovalReleasesHeldPacketsAtOnceAndRestoresThePath) {
  VrrpDelay delay(a_->ns, 5000ms);
  const TimePoint sent = Now();
  for (uint32_t i = 0; i < 3; ++i) a_->SendVrrp(i);
  delay.Remove();
  const std::vector<Arrival> held = Receive(b_->vrrp_in.get(), 3, true, kMagic, 2s);
  ASSERT_EQ(held.size(), 3u) << "held packets were dropped instead of released";
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(held[i].seq, i);
  EXPECT_LT(MsSince(sent, held[2].at), 2000.0) << "released only after the full delay";
  delay.Remove();  // idempotent
  EXPECT_TRUE(ListImpairmentTables(a_->ns).empty());

  const TimePoint again = Now();
  a_->SendVrrp(9);
  const std::vector<Arrival> after = Receive(b_->vrrp_in.get(), 1, true, kMagic, 2s);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_LT(MsSince(again, after[0].at), 200.0);
}

TEST_F(ImpairmentPairTest, VrrpDelayOnATakenQueueFailsWithoutDisturbingTheFirst) {
  VrrpDelay first(a_->ns, 100ms, 77);
  try {
    VrrpDelay second(a_->ns, 300ms, 77);
    FAIL() << "two listeners on one queue";
  } catch (const SystemError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr(fmt::format("netfilter queue 77 in namespace '{}'", a_->ns.name())));
  }
  const TimePoint sent = Now();
  a_->SendVrrp(1);
  const std::vector<Arrival> got = Receive(b_->vrrp_in.get(), 1, true, kMagic, 2s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_GE(MsSince(sent, got[0].at), 100.0);
  EXPECT_EQ(ListImpairmentTables(a_->ns), std::vector<std::string>{"inet viplab_vrrp_delay_77"});
}

// The kernel caveat documented in impairment.h: removing another base chain of the namespace
// makes the kernel drop what the queue holds. The delay notices (packets_lost) and goes on.
TEST_F(ImpairmentPairTest, VrrpDelayLosesHeldAdvertsWhenAnotherChainGoesAway) {
  VrrpDelay delay(a_->ns, 300ms);
  PacketLoss other;
  other.percent = 0;
  other.direction = Direction::kIngress;
  other.Apply(a_->ns);
  for (uint32_t i = 0; i < 3; ++i) a_->SendVrrp(i);
  other.Remove(a_->ns);  // unregisters a hook: the kernel flushes the queue
  EXPECT_EQ(Receive(b_->vrrp_in.get(), 3, true, kMagic, 1s).size(), 0u);
  EXPECT_EQ(delay.packets_lost(), 3u);
  EXPECT_EQ(delay.packets_released(), 0u);

  const TimePoint sent = Now();
  a_->SendVrrp(7);
  const std::vector<Arrival> got = Receive(b_->vrrp_in.get(), 1, true, kMagic, 2s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_GE(MsSince(sent, got[0].at), 300.0);
  EXPECT_EQ(delay.last_error(), nullptr);
}

TEST_F(ImpairmentPairTest, VrrpDelayRemoveRulesCleansUpAfterALostOwner) {
  { VrrpDelay delay(a_->ns, 100ms, 5); }
  VrrpDelay::RemoveRules(a_->ns, 5);  // nothing left: still fine
  EXPECT_TRUE(ListImpairmentTables(a_->ns).empty());
}

}  // namespace
}  // namespace viplab
