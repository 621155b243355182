// Smoke test of real keepalived 2.2.7 in a two-node lab: namespaces vlt-<pid>-lb1/lb2 joined by
// one veth pair, a sandbox, cgroup, stand-in and keepalived (track_process) per node. One node
// becomes MASTER; killing its stand-in puts it in FAULT and the other takes the VIP. Every wait
// is a notify-fifo event (condition variable with a deadline). Everything is torn down by RAII
// members, in reverse order of creation, also when an assertion fails half-way.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <vector>

#include "daemon/cgroup.h"
#include "daemon/keepalived.h"
#include "daemon/keepalived_config.h"
#include "daemon/notify_fifo.h"
#include "daemon/service.h"
#include "netns/address.h"
#include "netns/event_loop.h"
#include "netns/link.h"
#include "netns/network_namespace.h"
#include "netns/node_sandbox.h"
#include "netns/route_socket.h"
#include "tests/common/lab_env.h"
#include "tests/common/wait.h"

namespace viplab {
namespace {

using namespace viplab::testing;
using namespace std::chrono_literals;

const Ipv4Prefix kVip = Ipv4Prefix::Parse("10.77.0.200/24");

struct Event {
  size_t node;
  VrrpNotification notification;
  TimePoint time;
};

// Removes a directory tree at scope exit (declared before the sandboxes that mount inside it).
struct DirGuard {
  std::filesystem::path dir;
  ~DirGuard() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

// Non-copyable: a copy's destructor would remove the cgroup under the original.
struct CgroupGuard {
  explicit CgroupGuard(const std::filesystem::path& relative) : cgroup(Cgroup::Create(relative)) {}
  CgroupGuard(const CgroupGuard&) = delete;
  CgroupGuard& operator=(const CgroupGuard&) = delete;
  ~CgroupGuard() { cgroup.Remove(); }
  Cgroup cgroup;
};

struct CgroupTreeGuard {
  std::filesystem::path relative;
  ~CgroupTreeGuard() { Cgroup::RemoveTree(relative); }
};

class KeepalivedLabTest : public ::testing::Test {
 protected:
  static constexpr size_t kNodes = 2;
  const char* const kNames[kNodes] = {"lb1", "lb2"};
  const int kPriorities[kNodes] = {150, 100};
  const char* const kAddresses[kNodes] = {"10.77.0.11/24", "10.77.0.12/24"};

  void SetUp() override {
    VIPLAB_SKIP_UNLESS_LAB();
    binary_ = FindKeepalived();
    prefix_ = fmt::format("vlt-{}-", ::getpid());
    const std::string& prefix = prefix_;
    dir_.dir = fmt::format("/run/{}daemon-test", prefix);
    cgroup_tree_.relative = fmt::format("viplab-test-{}", ::getpid());
    loop_.Start();

    namespaces_.reserve(kNodes);
    sockets_.reserve(kNodes);
    sandboxes_.reserve(kNodes);
    for (size_t i = 0; i < kNodes; ++i) {
      namespaces_.push_back(NetworkNamespace::Create(prefix + kNames[i]));
    }
    RouteSocket first = RouteSocket::OpenIn(namespaces_[0]);
    VethSpec veth;
    veth.name = "eth0";
    veth.peer_name = "eth0";
    veth.peer_ns_fd = namespaces_[1].fd();
    veth.up = false;  // brought up below, one end at a time
    CreateVethPair(first, veth);
    for (size_t i = 0; i < kNodes; ++i) {
      sockets_.push_back(RouteSocket::OpenIn(namespaces_[i]));
      SetLinkUp(sockets_[i], "lo", true);
      SetLinkUp(sockets_[i], "eth0", true);
      AddAddress(sockets_[i], "eth0", Ipv4Prefix::Parse(kAddresses[i]));
    }
    // Sandboxes after the namespaces: they clone /run/netns when created.
    for (size_t i = 0; i < kNodes; ++i) {
      sandboxes_.push_back(NodeSandbox::Create(dir_.dir / kNames[i], kNames[i]));
      cgroups_.emplace_back(cgroup_tree_.relative / "keepalived" / kNames[i]);
    }
  }

  std::filesystem::path NodeDir(size_t i) const { return dir_.dir / kNames[i]; }

  KeepalivedConfig Config(size_t i) const {
    ServiceSpec service;
    service.lab = prefix_;
    service.node = kNames[i];
    const std::vector<std::string> match = ServiceIdentity(service);  // --lab P --node lbN
    KeepalivedConfig config;
    config.router_id = kNames[i];
    config.notify_fifo = "/tmp/notify.fifo";
    VrrpInstanceConfig vi;
    vi.priority = kPriorities[i];
    vi.virtual_ipaddresses = {kVip.ToString()};
    TrackProcessConfig track;
    track.param_args = match;
    vi.track_process = track;
    config.instances.push_back(vi);
    return config;
  }

  KeepalivedSpec Spec(size_t i) const {
    KeepalivedSpec spec;
    spec.node = kNames[i];
    spec.binary = binary_;
    spec.netns_name = namespaces_[i].name();
    spec.sandbox = &sandboxes_[i];
    spec.log_file = NodeDir(i) / "keepalived.log";
    spec.cgroup_dir = cgroups_[i].cgroup.dir();
    return spec;
  }

  void StartNode(size_t i) {
    {
      std::ofstream out(sandboxes_[i].etc_keepalived_dir() / "keepalived.conf");
      out << RenderKeepalivedConfig(Config(i));
    }
    const auto problem = TestKeepalivedConfig(Spec(i));
    ASSERT_FALSE(problem) << *problem;
    fifos_.push_back(
        std::make_unique<NotifyFifo>(sandboxes_[i].tmp_dir() / "notify.fifo", loop_,
                                     [this, i](const VrrpNotification& n, TimePoint t) {
                                       std::lock_guard lock(mutex_);
                                       events_.push_back({i, n, t});
                                       cv_.notify_all();
                                     }));
    ServiceSpec service;
    service.lab = prefix_;
    service.node = kNames[i];
    // Copied into the node: the build directory may be hidden by the sandbox's private /tmp.
    std::filesystem::copy_file(StandinBinary(), sandboxes_[i].etc_keepalived_dir() / "haproxy",
                               std::filesystem::copy_options::overwrite_existing);
    service.standin_binary = "/etc/keepalived/haproxy";
    service.netns_fd = namespaces_[i].fd();
    service.sandbox = &sandboxes_[i];
    service.log_file = NodeDir(i) / "service.log";
    service.cgroup_dir = cgroups_[i].cgroup.dir();
    services_.push_back(StartService(service));
    keepalived_.push_back(Keepalived::Start(Spec(i)));
  }

  // The first `state` event of `node` stamped at or after `since`, waiting up to `timeout`.
  std::optional<TimePoint> WaitForState(size_t node, const std::string& state, TimePoint since,
                                        std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    std::optional<TimePoint> found;
    cv_.wait_for(lock, timeout, [&] {
      for (const auto& e : events_) {
        if (e.node == node && e.notification.state == state && e.time >= since) {
          found = e.time;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  std::string Log() {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& e : events_) {
      out += fmt::format("  {} {} {} {}\n", kNames[e.node], e.notification.name,
                         e.notification.state, e.notification.priority);
    }
    for (size_t i = 0; i < sandboxes_.size(); ++i) {
      out += fmt::format("--- {} keepalived.log:\n{}", kNames[i],
                         ReadFile(NodeDir(i) / "keepalived.log"));
    }
    return out;
  }

  bool HasVip(size_t i) {
    const auto addresses = ListAddresses(sockets_[i], "eth0");
    return std::find(addresses.begin(), addresses.end(), kVip) != addresses.end();
  }

  std::filesystem::path binary_;
  // Declaration order is teardown order reversed: processes go first, namespaces last.
  EventLoop loop_;
  DirGuard dir_;
  CgroupTreeGuard cgroup_tree_;
  std::vector<NetworkNamespace> namespaces_;
  std::vector<RouteSocket> sockets_;
  std::vector<NodeSandbox> sandboxes_;
  std::string prefix_;
  std::deque<CgroupGuard> cgroups_;  // deque: elements never move
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Event> events_;
  std::vector<std::unique_ptr<NotifyFifo>> fifos_;
  std::vector<Process> services_;
  std::vector<Keepalived> keepalived_;
};

TEST_F(KeepalivedLabTest, TrackProcessFailover) {
  const TimePoint start = Now();
  for (size_t i = 0; i < kNodes; ++i) ASSERT_NO_FATAL_FAILURE(StartNode(i));

  // Both start as BACKUP; lb1 (150) wins once its down timer expires (~3.4 s).
  const auto master = WaitForState(0, "MASTER", start, 15s);
  ASSERT_TRUE(master) << "lb1 never became MASTER\n" << Log();
  ASSERT_TRUE(WaitForState(1, "BACKUP", start, 5s)) << Log();
  EXPECT_TRUE(HasVip(0));
  EXPECT_FALSE(HasVip(1));
  const auto vrrp_child = keepalived_[0].VrrpChildPid();
  ASSERT_TRUE(vrrp_child) << "no " << keepalived_[0].vrrp_pidfile();
  EXPECT_NE(*vrrp_child, keepalived_[0].parent_pid());
  EXPECT_TRUE(std::filesystem::exists(fmt::format("/proc/{}", *vrrp_child)));
  fmt::print("lb1 MASTER {:.0f} ms after start\n", MillisBetween(start, *master));

  // Kill lb1's stand-in: the process connector tells keepalived at once, lb1 goes FAULT (and
  // sends priority 0), lb2 takes over after its skew time (~0.6 s at priority 100).
  const TimePoint kill_time = Now();
  services_[0].Signal(SIGKILL);
  const auto fault = WaitForState(0, "FAULT", kill_time, 5s);
  ASSERT_TRUE(fault) << "lb1 did not go FAULT\n" << Log();
  const auto takeover = WaitForState(1, "MASTER", kill_time, 5s);
  ASSERT_TRUE(takeover) << "lb2 did not take over\n" << Log();
  fmt::print("stand-in killed -> lb1 FAULT {:.1f} ms, lb2 MASTER {:.1f} ms\n",
             MillisBetween(kill_time, *fault), MillisBetween(kill_time, *takeover));
  // Detection is event-driven (process connector, a few ms; the oracle allows 10 ms): 150 ms
  // leaves room for a loaded box, while a polled check (>= 500 ms) would fail.
  EXPECT_LE(MillisBetween(kill_time, *fault), 150.0);
  // The priority-0 advert path: lb2 takes over Skew_Time(100) = (256 - 100) / 256 s = 609 ms
  // after lb1's FAULT (VRRPv2, advert 1 s), not sooner (100 ms tolerance for the two fifo
  // notifications' delivery) and not a down timer later (3.6 s).
  EXPECT_GE(MillisBetween(*fault, *takeover), 609.0 - 100.0);
  EXPECT_LE(MillisBetween(*fault, *takeover), 609.0 + 400.0);
  EXPECT_TRUE(HasVip(1));
  EXPECT_FALSE(HasVip(0));

  // SIGKILL of lb2's keepalived parent: its VRRP child stops gracefully (STOP, VIP released).
  const auto lb2_child = keepalived_[1].VrrpChildPid();
  ASSERT_TRUE(lb2_child);
  UniqueFd child_fd(static_cast<int>(::syscall(SYS_pidfd_open, *lb2_child, 0)));
  ASSERT_TRUE(child_fd);
  const TimePoint parent_kill = Now();
  keepalived_[1].process().Signal(SIGKILL);
  EXPECT_TRUE(WaitForState(1, "STOP", parent_kill, 5s)) << Log();
  EXPECT_TRUE(Readable(child_fd.get(), 5000ms));
  EXPECT_FALSE(HasVip(1));
}

TEST_F(KeepalivedLabTest, ConfigTestReportsProblems) {
  // A link that exists only in lb1's namespace, not on the host.
  VethSpec only;
  only.name = "vlt-only0";
  only.peer_name = "vlt-only1";
  only.up = false;
  CreateVethPair(sockets_[0], only);
  KeepalivedConfig config = Config(0);
  config.instances[0].interface = "eth9";  // exists nowhere
  {
    std::ofstream out(sandboxes_[0].etc_keepalived_dir() / "keepalived.conf");
    out << RenderKeepalivedConfig(config);
  }
  const auto problem = TestKeepalivedConfig(Spec(0));
  ASSERT_TRUE(problem);
  EXPECT_THAT(*problem, ::testing::HasSubstr("eth9"));

  // Checked in the node's namespace (--namespace), where vlt-only0 exists.
  config.instances[0].interface = "vlt-only0";
  {
    std::ofstream out(sandboxes_[0].etc_keepalived_dir() / "keepalived.conf");
    out << RenderKeepalivedConfig(config);
  }
  const auto ok = TestKeepalivedConfig(Spec(0));
  EXPECT_FALSE(ok) << *ok;

  std::filesystem::remove(sandboxes_[0].etc_keepalived_dir() / "keepalived.conf");
  EXPECT_TRUE(TestKeepalivedConfig(Spec(0)));  // missing file: exit 0 but a message
}

}  // namespace
}  // namespace viplab
