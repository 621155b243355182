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

}  // namespace viplab::testing
