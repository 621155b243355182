// A two-segment, two-instance deployment built in code (until the JSON loader reads the new form):
// segments lan 10.77.0.0/24 and storage 10.78.0.0/24; lb1 and lb2 each with eth0 (lan) and eth1
// (storage); VI_1 (router 51, 10.77.0.200 on eth0) MASTER on lb1, VI_2 (router 52, 10.77.0.201
// on eth0 and 10.78.0.201 on eth1 via dev) MASTER on lb2. Both watch the service with a script,
// weight 0. `sync`: both instances in sync group G1, and lb1 MASTER of both (a sync group moves
// its instances together, so split masters would fight).
#pragma once

#include "harness/model/scenario.h"

namespace viplab::testing {

inline Scenario TwoSegmentScenario(bool sync) {
  Scenario s;
  s.name = "deployment/two-segments";
  s.vrrp_version = 2;
  s.segments = {{"lan", Ipv4Prefix::Parse("10.77.0.0/24")},
                {"storage", Ipv4Prefix::Parse("10.78.0.0/24")}};
  s.subnet = s.segments.front().subnet;
  s.interface = "eth0";
  for (const char* name : {"lb1", "lb2"}) {
    NodeSpec node;
    node.name = name;
    node.interfaces = {{"eth0", "lan"}, {"eth1", "storage"}};
    node.check.type = CheckType::kScript;
    s.nodes.push_back(node);
  }
  auto instance = [&s](const char* name, int router_id, const char* master) {
    InstanceSpec i;
    i.name = name;
    i.interface = "eth0";
    i.virtual_router_id = router_id;
    for (const NodeSpec& n : s.nodes) {
      InstanceNodeSpec in;
      in.node = n.name;
      in.priority = n.name == master ? 150 : 100;
      in.check.type = CheckType::kScript;
      i.nodes.push_back(in);
    }
    return i;
  };
  s.instances.push_back(instance("VI_1", 51, "lb1"));
  s.instances.back().vips = {{Ipv4Prefix::Parse("10.77.0.200/24"), ""}};
  s.instances.push_back(instance("VI_2", 52, sync ? "lb1" : "lb2"));
  s.instances.back().vips = {{Ipv4Prefix::Parse("10.77.0.201/24"), ""},
                             {Ipv4Prefix::Parse("10.78.0.201/24"), "eth1"}};
  // The single-instance view: the first instance's first VIP and lb1's settings of it.
  s.vip = s.instances.front().vips.front().address;
  s.virtual_router_id = 51;
  s.nodes[0].priority = 150;
  if (sync) s.sync_groups = {{"G1", {"VI_1", "VI_2"}}};
  return s;
}

// The new JSON form's example (docs of issue 9): active-active VI_1 / VI_2 in sync group G1,
// VI_1 tracking eth1 (weight 0: keepalived rejects weights in a sync group), VI_2 with a VIP on
// eth1.
inline constexpr const char* kActiveActiveJson = R"({
  "name": "x/active-active", "vrrp_version": 2, "advert_int": 1,
  "segments": [{"name": "lan", "subnet": "10.77.0.0/24"},
               {"name": "storage", "subnet": "10.78.0.0/24"}],
  "nodes": [{"name": "lb1", "interfaces": [{"name": "eth0", "segment": "lan"},
                                           {"name": "eth1", "segment": "storage"}]},
            {"name": "lb2", "interfaces": [{"name": "eth0", "segment": "lan"},
                                           {"name": "eth1", "segment": "storage"}]}],
  "instances": [
    {"name": "VI_1", "interface": "eth0", "virtual_router_id": 51, "vips": ["10.77.0.200/24"],
     "check": {"type": "script", "weight": 0},
     "track_interface": [{"interface": "eth1"}],
     "nodes": {"lb1": {"priority": 101}, "lb2": {"priority": 100}}},
    {"name": "VI_2", "interface": "eth0", "virtual_router_id": 52,
     "vips": ["10.77.0.201/24", {"address": "10.78.0.201/24", "interface": "eth1"}],
     "nodes": {"lb1": {"priority": 100}, "lb2": {"priority": 101}}}],
  "sync_groups": [{"name": "G1", "instances": ["VI_1", "VI_2"]}],
  "fault": {"target": "link", "action": "down", "node": "master", "interface": "eth1"},
  "expect": {"vips": [{"vip": "10.77.0.200", "owner_after": "lb2"}]}
})";

}  // namespace viplab::testing
