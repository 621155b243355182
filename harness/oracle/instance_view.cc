// The multi-instance oracle's view of one instance, and what a fault does to it (instance_view.h).
// keepalived 2.2.7 sources are cited by file and function (github.com/acassen/keepalived, tag
// v2.2.7).
#include "harness/oracle/instance_view.h"

#include <algorithm>
#include <cstdlib>

#include "harness/model/instance_settings.h"

namespace viplab::oracle_internal {
namespace {

bool HasVipOn(const InstanceSpec& i, const std::string& ifname) {
  return std::any_of(i.vips.begin(), i.vips.end(), [&](const VipSpec& v) {
    return (v.interface.empty() ? i.interface : v.interface) == ifname;
  });
}

const TrackInterfaceSpec* FindTrack(const InstanceSpec& i, const std::string& ifname) {
  for (const TrackInterfaceSpec& t : i.track_interfaces) {
    if (t.interface == ifname) return &t;
  }
  return nullptr;
}

bool IsServiceFault(FaultKind k) {
  return k == FaultKind::kServiceKill || k == FaultKind::kServiceFreeze ||
         k == FaultKind::kServiceDegrade;
}

bool IsInterfaceFault(FaultKind k) {
  return k == FaultKind::kLinkDown || k == FaultKind::kPacketLoss || k == FaultKind::kPartition ||
         k == FaultKind::kVrrpDelay;
}

// The instance goes FAULT on `t` (weight-0 tracked interface, or one of its VIPs' interfaces)
// while its own interface stays up: like a weight-0 check, its priority-0 advert reaches the
// peers (vrrp.c, vrrp_state_leave_master: wantstate FAULT sends VRRP_PRIO_STOP).
Effect InterfaceFault(Reason why) {
  Effect e;
  e.vrrp = Vrrp::kRelease;
  e.at = {0, kTol.netlink_ms};
  e.clear = ClearKind::kFresh;
  e.recover = {0, kTol.netlink_ms + kTol.signal_ms};
  e.recover_why = {ReasonCode::kRecoverLinkUp, {}};
  e.confidence = Confidence::kMedium;
  e.reasons.push_back(std::move(why));
  return e;
}

// A tracked interface with a non-zero weight goes down: the priority changes, nothing else.
Effect PriorityFault(int after, Reason why) {
  Effect e;
  e.vrrp = Vrrp::kPriority;
  e.at = {0, kTol.netlink_ms};
  e.priority = after;
  e.clear = ClearKind::kRecheck;
  e.recover = {0, kTol.netlink_ms + kTol.signal_ms};
  e.recover_why = {ReasonCode::kRecoverLinkUp, {}};
  e.confidence = Confidence::kMedium;
  e.reasons.push_back(std::move(why));
  return e;
}

Effect Untouched(Reason why) {
  Effect e;
  e.reasons.push_back(std::move(why));
  return e;
}

// link/down on `ifname`, which is not the instance's own interface.
InstanceFault LinkDownElsewhere(const Scenario& s, const InstanceSpec& i,
                                const InstanceNodeSpec& in, const Model& view, const std::string& t,
                                const std::string& ifname) {
  InstanceFault out;
  out.kind = InstanceFault::Kind::kCustom;
  if (HasVipOn(i, ifname)) {
    out.effect = InterfaceFault({ReasonCode::kVipInterfaceDown, {t, ifname, i.name, i.interface}});
    return out;
  }
  const TrackInterfaceSpec* track = FindTrack(i, ifname);
  if (track == nullptr) {
    out.effect = Untouched({ReasonCode::kInstanceOtherInterface, {i.name, t, ifname, i.interface}});
    return out;
  }
  const std::optional<int> weight = TrackWeight(i, in, ifname);
  if (!weight) {
    out.effect = Untouched({ReasonCode::kTrackAddressOwner, {t, ifname, i.name}});
    return out;
  }
  const SyncGroupSpec* group = GroupOf(s, i.name);
  if (group != nullptr && track->weight != 0) {
    out.lead.push_back({ReasonCode::kSyncTrackWeightKept, {group->name, i.name, ifname}});
  }
  if (*weight == 0) {
    out.effect =
        InterfaceFault({ReasonCode::kTrackInterfaceDown, {t, ifname, i.name, i.interface}});
    return out;
  }
  const int before = view.healthy(t);
  int after = TrackedPriority(i, in, ifname);
  // The check's own weight is not in TrackedPriority: add it as EffectivePriority would while
  // the check passes (the view folds the positive track weights into the base priority).
  NodeSpec folded = view.node(t);
  folded.priority = after;
  after = EffectivePriority(folded, true);
  out.effect = PriorityFault(
      after, {ReasonCode::kTrackInterfaceWeight, {t, ifname, i.name, *weight, before, after}});
  if (after == before) out.effect.vrrp = Vrrp::kNone;
  return out;
}

}  // namespace

const SyncGroupSpec* GroupOf(const Scenario& s, const std::string& instance) {
  for (const SyncGroupSpec& g : s.sync_groups) {
    if (std::find(g.instances.begin(), g.instances.end(), instance) != g.instances.end()) return &g;
  }
  return nullptr;
}

std::optional<int> TrackWeight(const InstanceSpec& i, const InstanceNodeSpec& in,
                               const std::string& ifname) {
  if (ifname == i.interface) return std::nullopt;
  const TrackInterfaceSpec* track = FindTrack(i, ifname);
  if (HasVipOn(i, ifname)) return 0;
  if (track == nullptr) return std::nullopt;
  if (in.priority == 255 && track->weight != 0) return std::nullopt;
  return track->weight;
}

int TrackedPriority(const InstanceSpec& i, const InstanceNodeSpec& in, const std::string& down) {
  if (in.priority == 255) return 255;
  int total = in.priority;
  for (const TrackInterfaceSpec& t : i.track_interfaces) {
    const std::optional<int> w = TrackWeight(i, in, t.interface);
    if (!w || *w == 0) continue;
    // Up at start: a positive weight is added (initialise_interface_tracking_priorities); going
    // down takes abs(weight) off (process_if_status_change): a negative weight counts while down.
    if (t.interface == down) {
      total += std::min(*w, 0);
    } else {
      total += std::max(*w, 0);
    }
  }
  return std::clamp(total, 1, 254);
}

Scenario InstanceView(const Scenario& s, const InstanceSpec& i) {
  Scenario v = s;
  v.steps.clear();
  v.expect = {};
  v.sync_groups.clear();
  v.nodes.clear();
  v.vip = i.vips.front().address;
  v.interface = i.interface;
  v.virtual_router_id = i.virtual_router_id;
  v.unicast = i.unicast;
  for (const NodeSpec& n : s.nodes) {
    const InstanceNodeSpec* in = i.FindNode(n.name);
    if (in == nullptr) continue;
    NodeSpec node = WithInstanceSettings(n, *in);
    node.interfaces.clear();
    for (const InterfaceSpec& itf : n.interfaces) {
      if (itf.name == i.interface) node.interfaces.push_back(itf);
    }
    if (v.segments.size() > 1 && !node.interfaces.empty()) {
      v.segments = {v.Segment(node.interfaces.front().segment)};
    }
    node.priority = in->priority == 255 ? 255 : std::min(254, TrackedPriority(i, *in, ""));
    v.nodes.push_back(std::move(node));
  }
  if (!v.segments.empty()) v.subnet = v.segments.front().subnet;
  InstanceSpec single = i;
  single.vips = {i.vips.front()};
  single.track_interfaces.clear();
  v.instances = {single};
  return v;
}

InstanceFault DecideInstanceFault(const Scenario& s, const InstanceSpec& i, const Model& view,
                                  const FaultSpec& f, const std::string& t, bool on_master) {
  (void)on_master;
  InstanceFault out;
  const InstanceNodeSpec* in = i.FindNode(t);
  if (in == nullptr) {
    out.kind = InstanceFault::Kind::kCustom;
    out.effect = Untouched({ReasonCode::kInstanceNotOnNode, {i.name, t}});
    return out;
  }
  const SyncGroupSpec* group = GroupOf(s, i.name);
  if (IsServiceFault(f.kind) && group != nullptr && in->check.weight != 0 &&
      in->check.type != CheckType::kNone) {
    if (in->check.type == CheckType::kScript) {
      // vrrp.c, vrrp_complete_instance: weighted track_scripts of a sync group member are freed.
      out.kind = InstanceFault::Kind::kCustom;
      out.effect = Untouched({ReasonCode::kSyncScriptWeightIgnored, {group->name, i.name, t}});
      return out;
    }
    // A weighted track_process is kept (2.2.7 drops only scripts, files, bfd and interface
    // weights there): a priority change inside a sync group.
    out.kind = InstanceFault::Kind::kNotPredicted;
    out.why.push_back({ReasonCode::kNotPredictedSyncPriority, {group->name, i.name, t}});
    return out;
  }
  if (!IsInterfaceFault(f.kind)) return out;  // service, keepalived, node: as a single instance
  const NodeSpec* node = s.FindNode(t);
  const std::string ifname = !f.interface.empty()                           ? f.interface
                             : node != nullptr && !node->interfaces.empty() ? node->interfaces[0].name
                                                                            : i.interface;
  if (node != nullptr && s.SegmentOf(t, ifname) == nullptr) {
    out.kind = InstanceFault::Kind::kNotPredicted;
    out.why.push_back({ReasonCode::kNotPredictedUnknownInterface, {t, ifname}});
    return out;
  }
  if (ifname == i.interface) return out;  // its VRRP interface: as a single instance
  if (f.kind == FaultKind::kLinkDown) return LinkDownElsewhere(s, i, *in, view, t, ifname);
  out.kind = InstanceFault::Kind::kCustom;
  out.effect =
      HasVipOn(i, ifname)
          ? Untouched({ReasonCode::kInstanceVipOnlyOnInterface, {i.name, t, ifname}})
          : Untouched({ReasonCode::kInstanceOtherInterface, {i.name, t, ifname, i.interface}});
  return out;
}

Effect FollowToFault(const std::string& group, const std::string& cause,
                     const InstanceSpec& follower, const std::string& t,
                     const Effect& cause_effect) {
  Effect e;
  e.vrrp = Vrrp::kRelease;
  e.at = cause_effect.at;
  e.clear = ClearKind::kFresh;
  e.recover = cause_effect.recover;
  e.recover_why = cause_effect.recover_why;
  e.confidence = std::min(cause_effect.confidence, Confidence::kMedium);
  e.reasons.push_back(
      {ReasonCode::kSyncFault, {group, cause, t, follower.name, follower.interface}});
  return e;
}

std::string VipText(const VipSpec& vip) { return vip.address.address().ToString(); }

}  // namespace viplab::oracle_internal
