#include "netns/netlink_monitor.h"

#include <gtest/gtest.h>
#include <linux/netlink.h>

#include <fstream>
#include <sstream>

#include "netns/address.h"
#include "netns/event_loop.h"
#include "netns/link.h"
#include "netns/network_namespace.h"
#include "netns/route_socket.h"
#include "tests/common/lab_env.h"
#include "tests/common/wait.h"

namespace viplab {
namespace {

using Kind = NetlinkEvent::Kind;

class NetlinkMonitorTest : public testing::LabTest {
 protected:
  void SetUp() override {
    LabTest::SetUp();
    if (IsSkipped()) return;
    ns_.emplace(NetworkNamespace::Create(Name("mon")));
    sock_.emplace(RouteSocket::OpenIn(*ns_));
    loop_.Start();
  }

  void TearDown() override {
    monitor_.reset();
    loop_.Stop();
    EXPECT_EQ(loop_.last_error(), nullptr);
    sock_.reset();
    ns_.reset();
    LabTest::TearDown();
  }

  void StartMonitor() {
    monitor_.emplace(*ns_, loop_, [this](const NetlinkEvent& e) { events_.Push(e); });
    monitor_->Start();
  }

  // Waits for an event matching `pred` after index `from`; fails the test at the deadline.
  template <typename Pred>
  NetlinkEvent Expect(Pred pred, size_t from, const char* what) {
    const int i = events_.WaitFor(pred, from);
    EXPECT_GE(i, 0) << "no " << what << " event";
    if (i < 0) return NetlinkEvent{};
    last_index_ = static_cast<size_t>(i);
    return events_.Snapshot()[i];
  }

  std::optional<NetworkNamespace> ns_;
  std::optional<RouteSocket> sock_;
  EventLoop loop_;
  testing::WaitableList<NetlinkEvent> events_;
  std::optional<NetlinkMonitor> monitor_;
  size_t last_index_ = 0;
};

TEST_F(NetlinkMonitorTest, InitialDumpIsDeliveredSynchronouslyWithNames) {
  CreateVethPair(*sock_, testing::Veth("a", "b"));
  const Ipv4Prefix addr = Ipv4Prefix::Parse("10.99.1.1/24");
  AddAddress(*sock_, "a", addr);
  const TimePoint before = Now();
  StartMonitor();
  const TimePoint after = Now();

  // No waiting: Start() has already delivered the dump.
  const std::vector<NetlinkEvent> events = events_.Snapshot();
  auto find = [&](auto pred) { return std::find_if(events.begin(), events.end(), pred); };
  auto lo = find([](const NetlinkEvent& e) { return e.ifname == "lo"; });
  auto a =
      find([](const NetlinkEvent& e) { return e.kind == Kind::kLinkChanged && e.ifname == "a"; });
  auto added = find([](const NetlinkEvent& e) { return e.kind == Kind::kAddressAdded; });
  ASSERT_NE(lo, events.end());
  ASSERT_NE(a, events.end());
  ASSERT_NE(added, events.end());
  EXPECT_TRUE(a->initial);
  EXPECT_TRUE(a->link_up);
  EXPECT_TRUE(a->carrier);
  EXPECT_EQ(a->ns_name, Name("mon"));
  EXPECT_EQ(a->ifindex, FindLink(*sock_, "a"));
  EXPECT_TRUE(added->initial);
  EXPECT_EQ(added->ifname, "a");
  EXPECT_EQ(added->ifindex, a->ifindex);
  EXPECT_EQ(added->address, addr);
  for (const NetlinkEvent& e : events) {
    EXPECT_TRUE(e.initial);
    EXPECT_GE(e.time, before);
    EXPECT_LE(e.time, after);
  }
}

TEST_F(NetlinkMonitorTest, ReportsAddressAndLinkChangesInOrder) {
  CreateVethPair(*sock_, testing::Veth("a", "b"));
  StartMonitor();
  const size_t start = events_.size();
  const Ipv4Prefix vip = Ipv4Prefix::Parse("10.99.1.200/32");

  const TimePoint t0 = Now();
  AddAddress(*sock_, "a", vip);
  const NetlinkEvent added = Expect(
      [&](const NetlinkEvent& e) { return e.kind == Kind::kAddressAdded && e.address == vip; },
      start, "address-added");
  EXPECT_FALSE(added.initial);
  EXPECT_EQ(added.ifname, "a");
  EXPECT_EQ(added.ns_name, Name("mon"));
  EXPECT_GE(added.time, t0);
  EXPECT_LE(added.time, Now());

  SetLinkUp(*sock_, "a", false);
  const NetlinkEvent down = Expect(
      [](const NetlinkEvent& e) {
        return e.kind == Kind::kLinkChanged && e.ifname == "a" && !e.link_up;
      },
      last_index_ + 1, "link-down");
  EXPECT_FALSE(down.carrier);
  // The peer loses carrier but stays up.
  const NetlinkEvent peer_down = Expect(
      [](const NetlinkEvent& e) {
        return e.kind == Kind::kLinkChanged && e.ifname == "b" && e.link_up && !e.carrier;
      },
      start, "peer no-carrier");
  EXPECT_FALSE(peer_down.initial);

  SetLinkUp(*sock_, "a", true);
  const NetlinkEvent up = Expect(
      [](const NetlinkEvent& e) {
        return e.kind == Kind::kLinkChanged && e.ifname == "a" && e.link_up;
      },
      last_index_ + 1, "link-up");

  RemoveAddress(*sock_, "a", vip);
  const NetlinkEvent removed = Expect(
      [&](const NetlinkEvent& e) { return e.kind == Kind::kAddressRemoved && e.address == vip; },
      last_index_ + 1, "address-removed");
  EXPECT_EQ(removed.ifname, "a");

  EXPECT_LT(added.time, down.time);
  EXPECT_LT(down.time, up.time);
  EXPECT_LT(up.time, removed.time);
  // Timestamps never go backwards in delivery order.
  const std::vector<NetlinkEvent> all = events_.Snapshot();
  for (size_t i = start + 1; i < all.size(); ++i) EXPECT_LE(all[i - 1].time, all[i].time);
}

TEST_F(NetlinkMonitorTest, ReportsLinkRemoval) {
  CreateVethPair(*sock_, testing::Veth("a", "b"));
  AddAddress(*sock_, "a", Ipv4Prefix::Parse("10.99.2.1/24"));
  StartMonitor();
  const size_t start = events_.size();
  DeleteLink(*sock_, "a");
  Expect([](const NetlinkEvent& e) { return e.kind == Kind::kLinkRemoved && e.ifname == "a"; },
         start, "link-removed a");
  Expect([](const NetlinkEvent& e) { return e.kind == Kind::kLinkRemoved && e.ifname == "b"; },
         start, "link-removed b");
  Expect(
      [](const NetlinkEvent& e) {
        return e.kind == Kind::kAddressRemoved && e.address == Ipv4Prefix::Parse("10.99.2.1/24");
      },
      start, "address-removed with the link");
}

TEST_F(NetlinkMonitorTest, IgnoresOtherNamespaces) {
  NetworkNamespace other = NetworkNamespace::Create(Name("other"));
  RouteSocket other_sock = RouteSocket::OpenIn(other);
  StartMonitor();
  const size_t start = events_.size();
  CreateVethPair(other_sock, testing::Veth("x", "y"));
  // A change here afterwards is seen, and nothing about "x" came before it.
  CreateVethPair(*sock_, testing::Veth("a", "b"));
  Expect([](const NetlinkEvent& e) { return e.ifname == "b"; }, start, "link b");
  for (const NetlinkEvent& e : events_.Snapshot()) EXPECT_NE(e.ifname, "x");
}

// Drops counted by the kernel on the monitor's socket (the one subscribed to RTMGRP_LINK |
// RTMGRP_IPV4_IFADDR), read from the namespace's netlink socket table.
long MonitorSocketDrops(const NetworkNamespace& ns) {
  long drops = -1;
  ns.Run([&] {
    std::ifstream in("/proc/thread-self/net/netlink");  // /proc/net is the main thread's
    std::string line;
    std::getline(in, line);  // header
    // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string sk, groups;
      int eth = 0;
      long pid = 0, rmem = 0, wmem = 0, dump = 0, locks = 0, d = 0;
      fields >> sk >> eth >> pid >> groups >> rmem >> wmem >> dump >> locks >> d;
      if (eth == NETLINK_ROUTE && groups == "00000011") drops = d;
    }
  });
  return drops;
}

// When the socket overflows (ENOBUFS) the monitor re-dumps and reports the difference, so the
// state seen through events ends up right although notifications were lost.
TEST_F(NetlinkMonitorTest, RecoversFromOverflowByRedumping) {
  CreateVethPair(*sock_, testing::Veth("a", "b"));
  const Ipv4Prefix old_addr = Ipv4Prefix::Parse("10.99.3.1/24");
  const Ipv4Prefix new_addr = Ipv4Prefix::Parse("10.99.3.2/24");
  AddAddress(*sock_, "a", old_addr);
  StartMonitor();
  ASSERT_EQ(MonitorSocketDrops(*ns_), 0);

  // Stall the loop thread so nothing is read, then churn until the kernel drops notifications.
  std::mutex mutex;
  std::condition_variable cv;
  bool release = false;
  loop_.Post([&] {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return release; });
  });
  int flips = 0;
  for (; flips < 20000 && MonitorSocketDrops(*ns_) == 0; flips += 50) {
    for (int i = 0; i < 50; ++i) {
      SetLinkUp(*sock_, "a", false);
      SetLinkUp(*sock_, "a", true);
    }
  }
  ASSERT_GT(MonitorSocketDrops(*ns_), 0) << "no overflow after " << flips << " flips";
  RemoveAddress(*sock_, "a", old_addr);
  AddAddress(*sock_, "a", new_addr);
  SetLinkUp(*sock_, "a", false);
  const size_t before = events_.size();
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  cv.notify_all();

  Expect(
      [&](const NetlinkEvent& e) {
        return e.kind == Kind::kAddressRemoved && e.address == old_addr;
      },
      before, "address-removed after overflow");
  Expect(
      [&](const NetlinkEvent& e) { return e.kind == Kind::kAddressAdded && e.address == new_addr; },
      before, "address-added after overflow");
  // Quiesce: a posted no-op runs after everything already queued for the loop.
  std::mutex done_mutex;
  std::condition_variable done_cv;
  bool done = false;
  loop_.Post([&] {
    std::lock_guard lock(done_mutex);
    done = true;
    done_cv.notify_all();
  });
  {
    std::unique_lock lock(done_mutex);
    ASSERT_TRUE(done_cv.wait_for(lock, std::chrono::seconds(5), [&] { return done; }));
  }
  // The last word on "a" is: down, no carrier; and no event was initial.
  const std::vector<NetlinkEvent> all = events_.Snapshot();
  std::optional<NetlinkEvent> last_a;
  for (size_t i = before; i < all.size(); ++i) {
    EXPECT_FALSE(all[i].initial);
    if (all[i].kind == Kind::kLinkChanged && all[i].ifname == "a") last_a = all[i];
  }
  ASSERT_TRUE(last_a);
  EXPECT_FALSE(last_a->link_up);
  EXPECT_FALSE(last_a->carrier);
}

}  // namespace
}  // namespace viplab
