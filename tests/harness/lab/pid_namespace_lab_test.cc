// Labs with LabOptions::pid_namespaces (issue 10 certify, "checks see only their node"): two nodes
// running our own keepalived.conf (NodeSpec::keepalived_conf) whose vrrp_script is
// `killall -0 haproxy` (weight 0: FAULT when it fails). Killing lb1's stand-in (by pid) makes
// lb1's check fail although lb2's haproxy lives on, so lb1 goes FAULT and lb2 MASTER: in the
// host's PID namespace killall would have found lb2's (or another lab's) haproxy. Observed
// through keepalived's notify fifo, never by sleeping. Without track_process keepalived runs
// inside the node's PID namespace and is not its PID 1 (viplab-init is, and stays PID 1 after
// keepalived exits); with track_process keepalived stays in the host's and its script goes
// through viplab-nsenter, which enable_script_security accepts. Nothing is left afterwards.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <csignal>
#include <map>
#include <memory>
#include <mutex>

#include "daemon/notify_fifo.h"
#include "harness/lab/lab.h"
#include "netns/event_loop.h"
#include "netns/pid_namespace.h"
#include "tests/common/lab_run.h"

namespace viplab {
namespace {

using namespace std::chrono_literals;
using ::testing::IsEmpty;

// keepalived.conf of one node; `script` is the vrrp_script command line.
std::string NodeConf(const std::string& node, int priority, const std::string& script,
                     bool track_process) {
  const std::string track_block = track_process ? R"(
vrrp_track_process track_init {
  process viplab-init
  weight 2
}
)"
                                                : "";
  return fmt::format(
      R"(global_defs {{
  router_id {node}
  notify_fifo /tmp/viplab-notify.fifo
  enable_script_security
  script_user root
}}
vrrp_script chk_haproxy {{
  script "{script}"
  interval 1
  fall 1
  rise 1
}}
{track_block}
vrrp_instance VI_1 {{
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority {priority}
  advert_int 1
  virtual_ipaddress {{
    10.77.0.200/24
  }}
  track_script {{
    chk_haproxy
  }}
{track_ref}}}
)",
      fmt::arg("node", node), fmt::arg("script", script), fmt::arg("track_block", track_block),
      fmt::arg("priority", priority),
      fmt::arg("track_ref", track_process ? "  track_process {\n    track_init\n  }\n" : ""));
}

Scenario TwoNodes(const std::string& script, bool track_process) {
  Scenario s;
  s.name = "pid-namespaces";
  s.subnet = Ipv4Prefix::Parse("10.77.0.0/24");
  s.vip = Ipv4Prefix::Parse("10.77.0.200/24");
  for (const auto& [name, priority] : {std::pair{"lb1", 101}, std::pair{"lb2", 100}}) {
    NodeSpec node;
    node.name = name;
    node.priority = priority;
    node.keepalived_conf = NodeConf(name, priority, script, track_process);
    s.nodes.push_back(node);
  }
  return s;
}

// The latest VRRP state of each node, from the notify fifos; Wait() blocks until a predicate
// holds.
class States {
 public:
  void Watch(const std::string& node, const std::filesystem::path& fifo) {
    fifos_.push_back(std::make_unique<NotifyFifo>(
        fifo, loop_, [this, node](const VrrpNotification& n, TimePoint) {
          if (n.type != "INSTANCE") return;
          {
            std::lock_guard lock(mutex_);
            states_[node] = n.state;
          }
          changed_.notify_all();
        }));
  }
  void Start() { loop_.Start(); }
  void Stop() {
    loop_.Stop();
    fifos_.clear();
  }
  bool WaitFor(const std::map<std::string, std::string>& want, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
      for (const auto& [node, state] : want) {
        auto it = states_.find(node);
        if (it == states_.end() || it->second != state) return false;
      }
      return true;
    });
  }
  std::string Dump() {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [node, state] : states_) out += fmt::format("{}={} ", node, state);
    return out;
  }

 private:
  EventLoop loop_;
  std::vector<std::unique_ptr<NotifyFifo>> fifos_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::string> states_;
};

class PidNamespaceLab : public testing::LabRunTest {
 protected:
  void Start(const std::string& script, bool track_process) {
    scenario_ = TwoNodes(script, track_process);
    host_before_ = testing::HostNetworkSnapshot();
    LabOptions options = LabOptionsFor(env_);
    options.pid_namespaces = true;
    lab_ = Lab::Create(scenario_, options);
    prefix_ = lab_->prefix();
    lab_->PrepareNodes();
    for (Lab::Node* node : lab_->nodes()) states_.Watch(node->name, node->notify_fifo());
    states_.Start();
    lab_->StartServices();
    lab_->StartKeepalived();
  }

  void TearDown() override {
    if (!lab_) return;
    states_.Stop();
    lab_->Shutdown();
    EXPECT_THAT(lab_->teardown_errors(), IsEmpty());
    lab_.reset();
    EXPECT_THAT(testing::LabLeftovers(prefix_), IsEmpty());
    EXPECT_THAT(testing::NamespacesWithPrefix(prefix_), IsEmpty());
    EXPECT_THAT(testing::ChildProcesses(), IsEmpty());
    EXPECT_EQ(testing::HostNetworkSnapshot(), host_before_);
  }

  std::string Log(const std::string& node) {
    return testing::ReadFile(lab_->node(node).keepalived_log());
  }

  // lb1 MASTER, lb2 BACKUP; then lb1's stand-in is killed and lb1's check alone fails.
  void ExpectOnlyLb1CheckFails() {
    ASSERT_TRUE(states_.WaitFor({{"lb1", "MASTER"}, {"lb2", "BACKUP"}}, 20s))
        << states_.Dump() << "\n"
        << Log("lb1") << Log("lb2");
    lab_->node("lb1").service->Signal(SIGKILL);
    EXPECT_TRUE(states_.WaitFor({{"lb1", "FAULT"}, {"lb2", "MASTER"}}, 10s))
        << states_.Dump() << "\n"
        << Log("lb1") << Log("lb2");
  }

  Scenario scenario_;
  std::unique_ptr<Lab> lab_;
  std::string prefix_;
  std::string host_before_;
  States states_;
};

bool SamePidNamespace(pid_t a, pid_t b) {
  return NamespaceIdOf(fmt::format("/proc/{}/ns/pid", a)) ==
         NamespaceIdOf(fmt::format("/proc/{}/ns/pid", b));
}

TEST_F(PidNamespaceLab, KillallInAScriptSeesOnlyItsNode) {
  if (IsSkipped() || HasFatalFailure()) return;
  Start("/usr/bin/killall -0 haproxy", false);
  if (HasFatalFailure()) return;
  for (Lab::Node* node : lab_->nodes()) {
    ASSERT_TRUE(node->init && node->keepalived && node->service) << node->name;
    EXPECT_TRUE(node->keepalived_in_pid_namespace) << node->name;
    const pid_t init = node->init->pid();
    EXPECT_EQ(NestedPids(init).back(), 1) << node->name;
    // keepalived and the stand-in run inside the node's namespace, keepalived not as its PID 1.
    for (pid_t pid : {node->keepalived->parent_pid(), node->service->pid()}) {
      EXPECT_TRUE(SamePidNamespace(pid, init)) << node->name << " pid " << pid;
      EXPECT_GT(NestedPids(pid).back(), 1) << node->name << " pid " << pid;
    }
  }
  ExpectOnlyLb1CheckFails();
  // The pid keepalived wrote inside the node maps back to its VRRP child as seen here.
  Lab::Node& lb2 = lab_->node("lb2");
  const std::optional<pid_t> child = lb2.keepalived->VrrpChildPid();
  ASSERT_TRUE(child);
  EXPECT_TRUE(SamePidNamespace(*child, lb2.init->pid()));
  EXPECT_EQ(NestedPids(*child).size(), 2u);
  // keepalived exits (gracefully, and its VRRP child with it): viplab-init stays PID 1 and the
  // node's service lives on.
  lb2.keepalived->Stop(5s);
  EXPECT_TRUE(lb2.init->Running());
  EXPECT_EQ(NestedPids(lb2.init->pid()).back(), 1);
  EXPECT_TRUE(lb2.service->Running());
}

TEST_F(PidNamespaceLab, WithTrackProcessScriptsEnterTheNodeThroughNsenter) {
  if (IsSkipped() || HasFatalFailure()) return;
  Start("/etc/keepalived/bin/viplab-nsenter /usr/bin/killall -0 haproxy", true);
  if (HasFatalFailure()) return;
  for (Lab::Node* node : lab_->nodes()) {
    ASSERT_TRUE(node->init && node->keepalived) << node->name;
    EXPECT_FALSE(node->keepalived_in_pid_namespace) << node->name;
    // keepalived stays in the harness's (host) PID namespace; the stand-in is in the node's.
    EXPECT_TRUE(SamePidNamespace(node->keepalived->parent_pid(), ::getpid())) << node->name;
    EXPECT_TRUE(SamePidNamespace(node->service->pid(), node->init->pid())) << node->name;
  }
  ExpectOnlyLb1CheckFails();
  // enable_script_security accepted the helper: no security complaint in the log.
  EXPECT_THAT(Log("lb1"), ::testing::Not(::testing::HasSubstr("SECURITY VIOLATION")));
  EXPECT_THAT(Log("lb1"), ::testing::Not(::testing::HasSubstr("insecure")));
}

// A power-off kills the node's init with everything else (cgroup.kill); the power-on boots a new
// init, and the service and keepalived start inside its namespace again.
TEST_F(PidNamespaceLab, PowerCycleBootsANewInit) {
  if (IsSkipped() || HasFatalFailure()) return;
  Start("/usr/bin/killall -0 haproxy", false);
  if (HasFatalFailure()) return;
  ASSERT_TRUE(states_.WaitFor({{"lb1", "MASTER"}, {"lb2", "BACKUP"}}, 20s)) << states_.Dump();
  Lab::Node& lb1 = lab_->node("lb1");
  const pid_t old_init = lb1.init->pid();
  lab_->PowerOff("lb1");
  EXPECT_FALSE(lb1.init && lb1.init->Running());
  ASSERT_TRUE(states_.WaitFor({{"lb2", "MASTER"}}, 10s)) << states_.Dump();
  lab_->PowerOn("lb1");
  ASSERT_TRUE(lb1.init && lb1.init->Running());
  EXPECT_NE(lb1.init->pid(), old_init);
  EXPECT_EQ(NestedPids(lb1.init->pid()).back(), 1);
  EXPECT_TRUE(SamePidNamespace(lb1.service->pid(), lb1.init->pid()));
  EXPECT_TRUE(SamePidNamespace(lb1.keepalived->parent_pid(), lb1.init->pid()));
  // lb1 (priority 101) takes the VIP back: its check passes again in the new namespace.
  EXPECT_TRUE(states_.WaitFor({{"lb1", "MASTER"}, {"lb2", "BACKUP"}}, 20s))
      << states_.Dump() << "\n"
      << Log("lb1");
}

}  // namespace
}  // namespace viplab
