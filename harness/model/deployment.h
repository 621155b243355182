// Deployment: what a lab runs, in keepalived's own terms — L2 segments, nodes with interfaces on
// them, VRRP instances (each with its VIPs, its per-node priorities, its checks and tracked
// interfaces), sync groups and unicast peers. A Scenario (scenario.h) holds one; the scenario
// JSON fills it (legacy single-instance files become one segment "lan" and one instance "VI_1"),
// and so will parsed keepalived.conf sets. Plain data; validation is the loaders' job.
//
// Keyword map (what each field renders to in a node's keepalived.conf, daemon/keepalived_config.h):
//   InstanceSpec        vrrp_instance <name> { interface, virtual_router_id, version, unicast_* }
//   InstanceNodeSpec    state, priority, advert_int, nopreempt, preempt_delay (per node)
//   VipSpec             virtual_ipaddress { <address> [dev <interface>] }
//   CheckSpec           vrrp_script + track_script { <name> weight <w> } or
//                       vrrp_track_process + track_process { <name> weight <w> }
//   TrackInterfaceSpec  track_interface { <interface> [weight <w>] }
//   SyncGroupSpec       vrrp_sync_group <name> { group { <instances> } }
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "netns/ipv4.h"

namespace viplab {

enum class CheckType { kNone, kScript, kProcess };

// How a node's keepalived watches its service (track_script or track_process).
struct CheckSpec {
  CheckType type = CheckType::kNone;
  double interval = 1;  // script only, seconds
  int fall = 1;         // script only
  int rise = 1;         // script only
  int weight = 0;       // 0: the instance goes FAULT when the check fails
};

// One L2 segment: one Linux bridge in the lab's switch namespace. Every node interface on it and
// the client (one port per segment) get an address in `subnet`: nodes hosts 11, 12, ... in node
// order, the client the last usable host.
struct SegmentSpec {
  SegmentSpec() = default;
  SegmentSpec(std::string name_, Ipv4Prefix subnet_) : name(std::move(name_)), subnet(subnet_) {}
  std::string name;  // "lan", "storage"
  Ipv4Prefix subnet;
  // The client's address on this segment; unset: the segment's last usable host. Set by certify
  // when a real config uses that host (a VIP .254 in a /24).
  std::optional<Ipv4Prefix> client_address;
};

// A node's interface `name` (inside the node, e.g. eth1) cabled to `segment`.
// `address` unset: the lab assigns .11 + node index in the segment (Scenario::NodeAddress); set
// by certify to a real config's own address (unicast_src_ip).
struct InterfaceSpec {
  InterfaceSpec() = default;
  InterfaceSpec(std::string name_, std::string segment_)
      : name(std::move(name_)), segment(std::move(segment_)) {}
  std::string name;
  std::string segment;
  std::optional<Ipv4Prefix> address;
};

// One virtual address of an instance. `interface` empty: the instance's own interface. keepalived
// 2.2.7 tracks the interface of every VIP (vrrp.c, vrrp_complete_instance: TRACK_ADDR, weight
// 0), so that interface going down puts the instance in FAULT.
struct VipSpec {
  Ipv4Prefix address;
  std::string interface;
};

// track_interface: weight 0 puts the instance in FAULT when the interface goes down; otherwise
// the weight changes the instance's priority as keepalived 2.2.7 applies it (the oracle cites
// the source: a positive weight is added while the interface is up, a negative one while down).
struct TrackInterfaceSpec {
  std::string interface;
  int weight = 0;
};

// One node's settings of one instance (the lines that differ between the nodes' configs).
struct InstanceNodeSpec {
  std::string node;
  int priority = 100;
  std::string state = "BACKUP";
  bool nopreempt = false;
  std::optional<double> preempt_delay;  // seconds
  double advert_int = 1;                // seconds
  CheckSpec check;                      // how this node's instance watches its service
};

// One vrrp_instance, run by every node listed in `nodes` (in scenario node order).
struct InstanceSpec {
  std::string name = "VI_1";
  std::string interface = "eth0";  // where VRRP adverts go
  int virtual_router_id = 51;
  bool unicast = false;  // unicast_src_ip = the node's address on `interface`, peers = the others'
  std::vector<VipSpec> vips;
  std::vector<TrackInterfaceSpec> track_interfaces;
  std::vector<InstanceNodeSpec> nodes;

  const InstanceNodeSpec* FindNode(std::string_view node) const;
};

// vrrp_sync_group: its instances change state together (one member's FAULT takes the group).
struct SyncGroupSpec {
  std::string name;
  std::vector<std::string> instances;
};

}  // namespace viplab
