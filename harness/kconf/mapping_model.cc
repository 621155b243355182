// The viplab model of a mapped configuration set: the Scenario's instances (one per VRRP group:
// the nodes' vrrp_instances on one segment with one virtual_router_id), per-node settings as
// keepalived 2.2.7 applies them, checks the model can hold, and sync groups.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "harness/kconf/internal/mapping_parts.h"
#include "netns/error.h"

namespace viplab::kconf::mapping_internal {
namespace {

constexpr int kPriorityOwner = 255;  // VRRP_PRIO_OWNER (keepalived 2.2.7 vrrp.h)

// One tracked check of an instance on one node (a script or a process) with its effective weight.
struct Tracked {
  std::string name;
  const VrrpScript* script = nullptr;
  const TrackProcess* process = nullptr;
  int weight = 0;
  bool reverse = false;
};

struct Context {
  const ConfigNode& node;
  const VrrpInstance& instance;
  const SyncGroup* group;
  Mapping& mapping;
  std::string model_name;
};

std::string Prefix(const Context& c) { return fmt::format("{} on {}", c.model_name, c.node.name); }

// What the instance's checks are: its own track_script entries (the reader has already dropped
// the weighted ones keepalived ignores for a sync group member without
// sync_group_tracking_weight or an address owner, with a warning: instance_checks.cc
// DropIgnoredWeights), and the group's own track_script, which applies to every member (vrrp.c,
// the sync group loop after vrrp_complete_instance: add_vrrp_to_track_script).
std::vector<Tracked> EffectiveChecks(const Context& c) {
  const KeepalivedConfig& config = c.node.config;
  std::vector<Tracked> out;
  auto add_scripts = [&](const std::vector<TrackRef>& refs) {
    for (const TrackRef& r : refs) {
      const VrrpScript* s = config.FindScript(r.name);
      if (s == nullptr) continue;  // keepalived: "track script ... not found, ignoring"
      out.push_back({r.name, s, nullptr, r.weight.value_or(s->weight),
                     r.weight ? r.reverse : s->weight_reverse});
    }
  };
  auto add_processes = [&](const std::vector<TrackRef>& refs) {
    for (const TrackRef& r : refs) {
      const TrackProcess* p = config.FindTrackProcess(r.name);
      if (p == nullptr) continue;
      out.push_back({r.name, nullptr, p, r.weight.value_or(p->weight),
                     r.weight ? r.reverse : p->weight_reverse});
    }
  };
  add_scripts(c.instance.track_scripts);
  add_processes(c.instance.track_processes);
  if (c.group != nullptr) {
    add_scripts(c.group->track_scripts);
    add_processes(c.group->track_processes);
  }
  return out;
}

// One check with its weight, or a not_predicted entry for what the model cannot hold.
CheckSpec CheckOf(const Context& c) {
  const std::vector<Tracked> tracked = EffectiveChecks(c);
  std::vector<std::string> why;
  const bool files =
      !c.instance.track_files.empty() || (c.group != nullptr && !c.group->track_files.empty());
  if (files) why.push_back("it tracks files (track_file), which the model does not hold");
  if (tracked.size() > 1) {
    std::vector<std::string> names;
    for (const Tracked& t : tracked) names.push_back(fmt::format("{} weight {}", t.name, t.weight));
    why.push_back(fmt::format("it tracks {} checks ({}); the model holds one per instance",
                              tracked.size(), fmt::join(names, ", ")));
  }
  if (tracked.size() == 1 && tracked.front().reverse) {
    why.push_back(
        fmt::format("{} has weight reverse, which the model does not hold", tracked.front().name));
  }
  for (const std::string& w : why) {
    c.mapping.not_predicted.push_back(fmt::format("{}: {}", Prefix(c), w));
  }
  CheckSpec check;
  if (tracked.size() != 1 || !why.empty()) return check;
  const Tracked& t = tracked.front();
  check.weight = t.weight;
  if (t.script != nullptr) {
    check.type = CheckType::kScript;
    check.interval = t.script->interval_s;
    check.fall = t.script->fall;
    check.rise = t.script->rise;
  } else {
    check.type = CheckType::kProcess;
  }
  return check;
}

// The node's settings as keepalived 2.2.7 vrrp_complete_instance (vrrp.c) leaves them: priority
// 255 clears nopreempt; initial state MASTER clears nopreempt and preempt_delay; preempt_delay is
// reset with strict mode or nopreempt. Each clearing is a scenario warning.
InstanceNodeSpec NodeSettings(const Context& c) {
  const VrrpInstance& in = c.instance;
  InstanceNodeSpec n;
  n.node = c.node.name;
  n.priority = in.priority;
  n.state = in.state.value_or("BACKUP") == "MASTER" ? "MASTER" : "BACKUP";
  n.nopreempt = in.nopreempt;
  n.preempt_delay = in.preempt_delay_s;
  if (n.preempt_delay && *n.preempt_delay == 0) n.preempt_delay.reset();
  n.advert_int = in.advert_int_s;
  auto warn = [&c](const SourceLocation& where, const std::string& what) {
    c.mapping.scenario.warnings.push_back(
        fmt::format("{}: {}: {} (keepalived 2.2.7 vrrp.c vrrp_complete_instance)", ToString(where),
                    c.instance.name, what));
  };
  if (n.priority == kPriorityOwner && n.nopreempt) {
    warn(in.nopreempt_where, "priority 255 clears nopreempt");
    n.nopreempt = false;
  }
  if (n.state == "MASTER") {
    if (n.nopreempt) warn(in.nopreempt_where, "state MASTER clears nopreempt");
    if (n.preempt_delay) warn(in.preempt_delay_where, "state MASTER clears preempt_delay");
    n.nopreempt = false;
    n.preempt_delay.reset();
  }
  if (n.preempt_delay && (in.strict || n.nopreempt)) {
    warn(in.preempt_delay_where,
         in.strict ? "strict mode resets preempt_delay" : "nopreempt resets preempt_delay");
    n.preempt_delay.reset();
  }
  n.check = CheckOf(c);
  return n;
}

// VIPs (and excluded VIPs, which keepalived adds and removes the same way) and tracked
// interfaces, from the first node that runs the instance.
void FillShared(const Context& c, InstanceSpec& spec) {
  const VrrpInstance& in = c.instance;
  for (const auto* list : {&in.vips, &in.vips_excluded}) {
    for (const VirtualAddress& v : *list) {
      if (v.ipv6) continue;
      const Ipv4Address a = Ipv4Address::Parse(v.address);
      const std::string dev = v.dev.value_or(in.interface);
      spec.vips.push_back(
          {Ipv4Prefix(a, v.prefix_len.value_or(32)), dev == in.interface ? "" : dev});
    }
  }
  std::vector<TrackRef> tracks = in.track_interfaces;
  if (c.group != nullptr) {
    tracks.insert(tracks.end(), c.group->track_interfaces.begin(), c.group->track_interfaces.end());
  }
  for (const TrackRef& t : tracks) {
    int weight = t.weight.value_or(0);
    if (t.reverse && weight != 0) {
      c.mapping.not_predicted.push_back(
          fmt::format("{}: track_interface {} has weight reverse, which the model does not hold",
                      Prefix(c), t.name));
    }
    // vrrp.c vrrp_complete_instance: weighted tracked interfaces get weight 0 in a sync group
    // (without sync_group_tracking_weight) and are not tracked at all by an address owner.
    if (weight != 0 && in.priority == kPriorityOwner) continue;
    if (weight != 0 && c.group != nullptr && !c.group->tracking_weight) weight = 0;
    spec.track_interfaces.push_back({t.name, weight});
  }
}

}  // namespace

void MapInstances(const ConfigSet& set, Mapping& mapping) {
  Scenario& s = mapping.scenario;
  std::map<std::pair<std::string, int>, size_t> index;  // (segment, VRID) -> instance
  std::map<std::pair<std::string, std::string>, std::string> model_name;  // (node, name) -> model
  for (const ConfigNode& node : set.nodes) {
    for (const VrrpInstance& in : node.config.instances) {
      if (in.ipv6) continue;
      if (in.virtual_router_id == 0) {
        throw InputError(fmt::format("{}: vrrp_instance {} has no virtual_router_id",
                                     ToString(in.where), in.name));
      }
      const std::string segment = SegmentOf(mapping, node.name, in.interface);
      const auto key = std::pair{segment, in.virtual_router_id};
      auto it = index.find(key);
      if (it == index.end()) {
        InstanceSpec spec;
        spec.name = in.name;
        for (int k = 2; s.FindInstance(spec.name) != nullptr; ++k) {
          spec.name = fmt::format("{}-{}", in.name, k);
        }
        spec.interface = in.interface;
        spec.virtual_router_id = in.virtual_router_id;
        s.instances.push_back(std::move(spec));
        it = index.emplace(key, s.instances.size() - 1).first;
      }
      InstanceSpec& spec = s.instances[it->second];
      model_name[{node.name, in.name}] = spec.name;
      const Context c{node, in, node.config.GroupOf(in.name), mapping, spec.name};
      if (spec.nodes.empty()) FillShared(c, spec);
      spec.unicast |= !in.unicast_peers.empty();
      spec.nodes.push_back(NodeSettings(c));
    }
  }
  const bool group = std::any_of(s.instances.begin(), s.instances.end(),
                                 [](const InstanceSpec& i) { return i.nodes.size() >= 2; });
  if (!group) {
    throw InputError(
        "the set forms no VRRP group: no vrrp_instance is run by two nodes (the same "
        "virtual_router_id on interfaces of one segment)");
  }
  for (const ConfigNode& node : set.nodes) {
    for (const SyncGroup& g : node.config.sync_groups) {
      if (FindNamed(s.sync_groups, g.name) != nullptr) continue;
      SyncGroupSpec spec{g.name, {}};
      for (const std::string& member : g.members) {
        auto m = model_name.find({node.name, member});
        if (m != model_name.end()) spec.instances.push_back(m->second);
      }
      if (!spec.instances.empty()) s.sync_groups.push_back(std::move(spec));
    }
  }
}

}  // namespace viplab::kconf::mapping_internal
