// Lab: one running lab for one scenario — its directory record, topology, cgroups and daemons.
// Create() builds the network (all or nothing); PrepareNodes() renders and validates each node's
// keepalived.conf; StartServices()/StartKeepalived() start the daemons. PowerOff/PowerOn and
// Pause/Resume act on a node's whole machine (the node faults). The destructor (or Shutdown())
// stops every process (SIGTERM, then cgroup.kill), removes the namespaces, mounts, cgroups and
// the directory: on success, failure, exceptions and signals alike.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "daemon/cgroup.h"
#include "daemon/keepalived.h"
#include "daemon/node_init.h"
#include "daemon/process.h"
#include "harness/lab/environment.h"
#include "harness/lab/keepalived_setup.h"
#include "harness/lab/lab_directory.h"
#include "harness/lab/topology.h"
#include "harness/model/scenario.h"
#include "netns/clock.h"

namespace viplab {

struct LabOptions {
  std::filesystem::path tools_dir;   // holds `haproxy` (stand-in) and `viplab-check`
  std::filesystem::path keepalived;  // FindKeepalived()
  ServiceKind service = ServiceKind::kStandin;
  std::filesystem::path haproxy;  // FindHaproxy(), for ServiceKind::kHaproxy
  // Every node gets its own PID namespace whose PID 1 is viplab-init (daemon/node_init.h; then
  // tools_dir must also hold viplab-init and viplab-nsenter). The node's service runs inside it,
  // and so does keepalived unless its config uses track_process (ConfigUsesTrackProcess): then
  // keepalived stays in the host PID namespace and its scripts must run through
  // NodePaths::nsenter_binary. Either way `killall -0 haproxy` in a check sees only its node.
  bool pid_namespaces = false;
};

// The programs this machine provides (CheckEnvironment), service left at the stand-in.
LabOptions LabOptionsFor(const Environment& env);

class Lab {
 public:
  struct Node {
    std::string name;
    size_t index = 0;
    std::filesystem::path dir;  // host directory of the node (sandbox root)
    Cgroup cgroup;
    std::optional<NodeInit> init;              // PID 1 of the node's PID namespace (pid_namespaces)
    bool keepalived_in_pid_namespace = false;  // pid_namespaces and no track_process
    std::optional<Process> service;
    std::optional<Keepalived> keepalived;
    bool keepalived_stopping = false;  // a fault sent it SIGTERM; StartKeepalived waits it out
    // The node's machine: on, powered off (PowerOff) or paused (Pause).
    enum class Power { kOn, kOff, kPaused };
    Power power = Power::kOn;
    std::filesystem::path keepalived_log() const { return dir / "keepalived.log"; }
    std::filesystem::path service_log() const { return dir / "haproxy.log"; }
    std::filesystem::path keepalived_conf() const { return dir / "etc-keepalived/keepalived.conf"; }
    std::filesystem::path haproxy_conf() const { return dir / "etc-keepalived/haproxy.cfg"; }
    std::filesystem::path notify_fifo() const { return dir / "tmp/viplab-notify.fifo"; }
    std::filesystem::path init_log() const { return dir / "viplab-init.log"; }
    // Where viplab-nsenter finds the init (/etc/keepalived/viplab-init.pid inside the node).
    std::filesystem::path init_pid_file() const { return dir / "etc-keepalived/viplab-init.pid"; }
  };

  static std::unique_ptr<Lab> Create(const Scenario& scenario, const LabOptions& options);
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  // Copies the tools into each node, writes keepalived.conf (the node's NodeSpec::keepalived_conf
  // when it has one, else rendered from the scenario) and runs `keepalived --config-test`.
  // Throws InputError with keepalived's own message when a config is rejected.
  void PrepareNodes();
  // Starts the service on every node, or on one node; a node whose service has exited (a fault
  // killed it) gets a new one.
  void StartServices();
  void StartService(const std::string& node_name);
  // Starts keepalived on the named nodes (all nodes when empty) that are not running it; one that
  // is stopping or has exited is reaped (waiting up to 3 s) and started again.
  void StartKeepalived(const std::vector<std::string>& node_names = {});
  // Called with every daemon started: (node, "haproxy" or "keepalived", pidfd). The runner uses
  // it to watch exits. Set before starting anything.
  std::function<void(const std::string&, const std::string&, int)> on_process_started;

  // A node's machine (issue 7 §2), each verb reported through on_power, stamped when it starts.
  // Every verb acts on all of the node's interfaces (Topology::Member::interfaces).
  // PowerOff ("off"): the power is cut: every process of the node killed (cgroup.kill), then its
  //   links down, so its addresses leave the segment (nobody answers ARP for them). Killing first
  //   (the link goes down once the SIGKILLs are sent) leaves keepalived no moment to react to the
  //   link going down. Addresses stay configured, as they would in the dead machine's memory: a
  //   VIP there is stale, not owned.
  // PowerOn ("on"): a cold boot. Addresses the node did not have at boot (a leftover VIP; the
  //   node's own address stays) are removed while the link is still down, "on" is stamped, the
  //   link comes up, then the service and keepalived start as at lab start. A rebooted machine
  //   holds no VIP, so none of it ever reaches the segment again.
  // Pause ("paused"): a paused VM: every frame through its link dropped at the link, ARP
  //   included (LinkSilence, impairment.h: netdev ingress and egress in the node's namespace),
  //   then every process frozen (cgroup freezer). The node falls silent at once; freezing settles
  //   within milliseconds, during which anything it sends is dropped.
  // Resume ("resumed"): the network comes back first, then the processes are thawed: a resumed
  //   VM's NIC and vCPUs come back together, so what its processes send the moment they wake
  //   (keepalived's overdue advert, believing it is still MASTER) must not be dropped. Between
  //   the two steps (milliseconds) the kernel answers on the frozen processes' behalf, as a
  //   resumed guest kernel does before its user space is scheduled.
  // Throw SystemError when the kernel refuses (e.g. no netdev egress hook for Pause).
  void PowerOff(const std::string& node_name);
  void PowerOn(const std::string& node_name);
  void Pause(const std::string& node_name);
  void Resume(const std::string& node_name);
  // Called by the verbs above: (node, "off" | "on" | "paused" | "resumed", when it started). The
  // runner adds it to the timeline as event_kind::kPower.
  std::function<void(const std::string&, const std::string&, TimePoint)> on_power;

  // Called (from any thread) when a background worker a fault runs dies (e.g. a VRRP delayer's
  // thread): the run can no longer be judged. The runner fails its timeline with the reason.
  std::function<void(const std::string& reason)> on_worker_failure;
  // Thaws paused nodes first, so that stopping them is not a wait on frozen processes.
  void Shutdown() noexcept;
  // What Shutdown() could not do (a signal refused, a namespace that would not go), in order;
  // it carried on regardless. `viplab clean` removes what is left.
  const std::vector<std::string>& teardown_errors() const { return teardown_errors_; }

  const Scenario& scenario() const { return scenario_; }
  const LabOptions& options() const { return options_; }
  const std::string& prefix() const { return directory_.prefix(); }
  const std::filesystem::path& dir() const { return directory_.dir(); }
  Topology& topology() { return *topology_; }
  Node& node(const std::string& name);
  std::vector<Node*> nodes();
  // Copies each node's config and logs to <dest>/<node>/.
  void CopyLogsTo(const std::filesystem::path& dest) const;

 private:
  Lab(const Scenario& scenario, const LabOptions& options, LabDirectory directory);
  const Scenario& scenario_;
  LabOptions options_;
  LabDirectory directory_;
  Cgroup lab_cgroup_;
  std::unique_ptr<Topology> topology_;
  std::vector<std::unique_ptr<Node>> nodes_;
  void RecordTeardownError(std::string problem) noexcept;
  // pid_namespaces: the node's running viplab-init, started (again) when it is not running;
  // nullptr without pid_namespaces.
  const NodeInit* EnsureInit(Node& n);
  bool shut_down_ = false;
  std::vector<std::string> teardown_errors_;
};

}  // namespace viplab
