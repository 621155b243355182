// Scenario: one lab run described by a JSON file in cases/ — the topology, each node's keepalived
// setup, the fault to inject and what is expected. LoadScenario validates everything a run needs
// before any lab is built; every problem is an InputError naming the file and the field.
#pragma once

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "harness/model/deployment.h"
#include "netns/ipv4.h"

namespace viplab {

// A node. Its VRRP fields are its settings of the scenario's first instance (instances[0]),
// filled by the loader in both JSON forms; code that handles several instances reads
// Scenario::instances instead.
struct NodeSpec {
  std::string name;
  std::vector<InterfaceSpec> interfaces;  // at least one; interfaces[0] is "the node's first"
  int priority = 100;
  std::string state = "BACKUP";
  bool nopreempt = false;
  std::optional<double> preempt_delay;  // seconds
  double advert_int = 1;                // seconds (the scenario's unless overridden)
  CheckSpec check;                      // the scenario's unless overridden
  // certify: the node's own keepalived.conf (rewritten for the lab, kconf/mapping.h) that the lab
  // runs instead of rendering one from this scenario. Empty: rendered.
  std::string keepalived_conf;
};

// The fault catalog. In JSON a fault is {"target": ..., "action": ..., "node": ...} plus the
// action's parameters; FaultName() gives its stable short name ("service-kill", "link-down").
enum class FaultKind {
  kServiceKill,        // service/kill: signal TERM or KILL
  kServiceFreeze,      // service/freeze: SIGSTOP (a hung haproxy); clear: SIGCONT
  kServiceDegrade,     // service/degrade: mode "refuse" (connections refused) or "503"
  kKeepalivedStop,     // keepalived/stop: SIGTERM (graceful, priority-0 advert)
  kKeepalivedCrash,    // keepalived/crash: SIGKILL of the VRRP child and the parent
  kKeepalivedFreeze,   // keepalived/freeze: SIGSTOP of the VRRP child
  kKeepalivedRestart,  // keepalived/restart: graceful stop, then start again
  kNodeFreeze,         // node/freeze: a paused VM: all its traffic dropped, processes frozen
  kNodeCrash,          // node/crash: a power-off: all its processes killed, its link down
  kLinkDown,           // link/down: side "node" (eth0 down) or "switch" (pulled cable)
  kPacketLoss,         // network/loss: percent, direction egress|ingress, traffic all|vrrp
  kPartition,          // network/partition: mode peers|isolate|one-way
  kVrrpDelay,          // network/delay: VRRP adverts leaving the node delayed by delay_ms
};

// One fault of the catalog. `node` is a node name or "master" (the VIP owner when injected).
// Clearing undoes it: restart what was killed, thaw what was frozen, restore links and traffic.
struct FaultSpec {
  FaultKind kind = FaultKind::kServiceKill;
  std::string node = "master";       // a node, or "master": the owner of the first VIP
  std::string interface;             // link and network faults: empty = the node's first
  std::string signal = "KILL";       // kServiceKill: TERM or KILL
  std::string degrade = "refuse";    // kServiceDegrade: refuse or 503
  std::string side = "node";         // kLinkDown: node or switch
  double percent = 100;              // kPacketLoss: 0..100
  std::string direction = "egress";  // kPacketLoss: egress or ingress
  std::string traffic = "all";       // kPacketLoss: all or vrrp
  std::string partition = "peers";   // kPartition: peers (cut from the other nodes, not the
                                     // client), isolate (from everyone), one-way (the node
                                     // still hears its peers, they no longer hear it)
  double delay_ms = 0;               // kVrrpDelay
};

// "service-kill", "keepalived-crash", "network-loss", ...
std::string FaultName(FaultKind kind);
// Plain words without the node, e.g. "SIGKILL to haproxy", "30% loss of VRRP egress".
std::string DescribeFault(const FaultSpec& fault);

struct Bound {
  std::optional<double> min;
  std::optional<double> max;
};

// What one VIP should do (Expectation::vips), judged against its own measurement.
struct VipExpectation {
  std::string vip;  // the address without its length, "10.77.0.200"
  std::optional<std::string> owner_before;
  std::optional<std::string> owner_after;  // "none": no node owns it
  std::optional<bool> vip_moved;
  std::optional<Bound> failover_ms;
  std::optional<Bound> release_ms;
  std::optional<Bound> outage_ms;
};

// The top-level fields are about the scenario's VIPs as a group: with one VIP exactly that VIP;
// with several, owner_* and vip_moved need every VIP to agree, failover_ms is the time until the
// last VIP has settled on its new owner (Measurement). `vips` judges VIPs one by one.
struct Expectation {
  std::optional<std::string> owner_before;
  std::optional<std::string> owner_after;  // "none" means no node owns the VIP
  std::optional<bool> vip_moved;
  std::optional<Bound> failover_ms;
  std::optional<Bound> release_ms;
  std::optional<Bound> outage_ms;
  std::optional<bool> split_brain;  // two owners at once at some point
  std::vector<VipExpectation> vips;
  bool empty() const {
    return !owner_before && !owner_after && !vip_moved && !failover_ms && !release_ms &&
           !outage_ms && !split_brain && vips.empty();
  }
};

// A condition to wait for: the VIP owner (a node or "none") and/or VRRP states of nodes.
struct WaitCondition {
  std::optional<std::string> owner;                             // of every VIP
  std::vector<std::pair<std::string, std::string>> vip_owners;  // VIP address -> node or "none"
  std::vector<std::pair<std::string, std::string>> states;      // node -> MASTER/BACKUP/FAULT
  double timeout_ms = 10000;
};

// One step of a scenario sequence. Times are measured from the step's own start; `expect`
// judges what happened since the last inject or clear ("the phase").
struct Step {
  enum class Kind { kInject, kClear, kWait, kHold, kExpect };
  Kind kind = Kind::kInject;
  FaultSpec fault;     // kInject
  WaitCondition wait;  // kWait
  double hold_ms = 0;  // kHold: observe for this long
  Expectation expect;  // kExpect
};

// How keepalived is started on the nodes. kStaggered: the first node listed starts alone and the
// others start once it is MASTER, so the initial owner is deterministic (as in production, where
// one node has been up longer). kSimultaneous: all at once; with nopreempt the first election is
// then a race decided by a few milliseconds of start-up order.
enum class Startup { kStaggered, kSimultaneous };

struct Scenario {
  std::filesystem::path file;
  std::string name;
  std::string description;
  // The first instance's first VIP, its interface and router id, the first segment's subnet:
  // the single-instance view (legacy JSON fields; filled from `instances` in the new form).
  Ipv4Prefix vip;
  Ipv4Prefix subnet;
  std::string interface = "eth0";
  int vrrp_version = 2;
  int virtual_router_id = 51;
  int service_port = 80;
  bool unicast = false;
  Startup startup = Startup::kStaggered;
  std::vector<NodeSpec> nodes;
  // The deployment (deployment.h); always filled: a legacy file gives one segment "lan" and one
  // instance "VI_1" holding `vip`.
  std::vector<SegmentSpec> segments;
  std::vector<InstanceSpec> instances;
  std::vector<SyncGroupSpec> sync_groups;
  // Single-fault form: `fault` + `expect` (the runner observes until the outcome is decidable).
  // Sequence form: `steps` (inject / wait / hold / expect / clear), each timed. Exactly one form.
  FaultSpec fault;
  Expectation expect;
  std::vector<Step> steps;
  // Settings keepalived 2.2.7 accepts but changes (e.g. state MASTER clears nopreempt), each
  // "file: field: message". The load goes on: real configurations do this, and keepalived runs.
  std::vector<std::string> warnings;
  bool is_sequence() const { return !steps.empty(); }
  // Two or more owners for longer than this is split brain (harness/model/ownership.h); unset: the
  // CLI's --split-brain-tolerance, default 150 ms.
  std::optional<double> split_brain_tolerance_ms;

  const NodeSpec* FindNode(std::string_view node_name) const;
  // Address of node i (0-based) and of the client: hosts 11, 12, ... and the last usable host.
  Ipv4Prefix NodeAddress(size_t index) const;
  Ipv4Prefix ClientAddress() const;
  // The same on a named segment (throws std::out_of_range for an unknown one).
  const SegmentSpec& Segment(std::string_view segment) const;
  Ipv4Prefix NodeAddress(size_t index, std::string_view segment) const;
  Ipv4Prefix ClientAddress(std::string_view segment) const;
  // The segment node `node`'s interface `ifname` is cabled to; nullptr if it has none.
  const SegmentSpec* SegmentOf(std::string_view node, std::string_view ifname) const;
  const InstanceSpec* FindInstance(std::string_view instance) const;
  // One segment, one instance with one VIP on the instance's interface, no tracked interfaces,
  // no sync groups: what every part of viplab handled before deployments (issue 9).
  bool single_instance() const;
};

// The single-instance view as an instance: `vip`, `interface`, `virtual_router_id`, `unicast` and
// each node's VRRP settings, named like instances[0] ("VI_1" when there is none). For a legacy
// file it equals instances[0]; code that lets callers adjust the legacy fields after loading
// (mutations, the matrix) renders from it.
InstanceSpec SingleInstanceView(const Scenario& scenario);
// The other direction: Scenario::vip, subnet, interface, virtual_router_id, unicast and each
// node's VRRP settings from instances[0] (which must have a VIP and a node on a segment). The
// JSON loader's instances form and certify's mapping (kconf/mapping.h) fill the view with it.
void FillSingleInstanceView(Scenario& scenario);

// Every VIP of the scenario, instance by instance in order: {instance, vip}.
struct VipRef {
  const InstanceSpec* instance;
  const VipSpec* vip;
};
std::vector<VipRef> AllVips(const Scenario& scenario);

// Parses and validates one scenario file. Throws InputError ("cases/x.json:3:14: ..." for JSON
// syntax, "cases/x.json: nodes[1].priority: 300 is outside 1..255" for content).
Scenario LoadScenario(const std::filesystem::path& file);
// Validates a scenario already parsed from JSON; `origin` names it in messages (a file, or
// "cases/matrix.json: nopreempt/script-w2/service-kill" for generated scenarios).
Scenario ScenarioFromJson(const nlohmann::json& root, const std::filesystem::path& origin);
// Expands files and directories (recursively, *.json, sorted) into scenarios; throws InputError.
std::vector<Scenario> LoadScenarios(const std::vector<std::filesystem::path>& paths);

// Prints every scenario's warnings, one "viplab: warning: ..." line each.
void PrintWarnings(const std::vector<Scenario>& scenarios, std::ostream& out);

const char* ToString(CheckType type);
const char* ToString(Startup startup);

}  // namespace viplab
