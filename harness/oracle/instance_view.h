// Internals of the multi-instance oracle (oracle.h, PredictScenario of a scenario that is not
// single_instance()), shared by its parts and by nothing else:
//   instance_view.cc  one instance as a single-instance Scenario (its view), keepalived 2.2.7's
//                     interface tracking weights, and what a fault does to that instance;
//   multi.cc          every instance's prediction, sync groups, per-VIP output, expectations.
// Each instance is predicted by the single-instance oracle on its view, with the Effect decided
// here (the fault may leave the instance alone, FAULT it through a tracked interface, change its
// priority, or act on it exactly as on a single instance).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/model/scenario.h"
#include "harness/oracle/node_model.h"

namespace viplab::oracle_internal {

// The sync group `instance` belongs to, or nullptr.
const SyncGroupSpec* GroupOf(const Scenario& s, const std::string& instance);

// The weight keepalived 2.2.7 applies for `instance` tracking interface `ifname` on `node`, or
// none when it does not track it:
//   * its own VRRP interface: not a track_interface (vrrp.c, vrrp_complete_instance: "Ignoring
//     track_interface ... since own interface"); it FAULTs the instance through TRACK_VRRP;
//   * an interface holding one of its VIPs: weight 0 (vrrp_complete_instance adds it TRACK_ADDR
//     with weight 0, and add_vrrp_to_interface lets that 0 replace a track_interface weight);
//   * a member of a sync group keeps its weight: vrrp_complete_instance reports "ignoring ...
//     tracked interface weight due to SYNC group" (no sync_group_tracking_weight) and sets the
//     track_interface's weight to 0, but only after add_vrrp_to_interface has copied the weight
//     into the interface's tracking object, which is what process_if_status_change reads (same
//     order at keepalived's HEAD); multi.cc then declines a priority change inside a sync group;
//   * priority 255 and a non-zero weight: not tracked (the address owner frees weighted tracks);
//   * otherwise the track_interface weight (0 = FAULT).
std::optional<int> TrackWeight(const InstanceSpec& instance, const InstanceNodeSpec& node,
                               const std::string& ifname);

// keepalived 2.2.7's effective priority of `node` in `instance` (vrrp_track.c,
// initialise_interface_tracking_priorities and process_if_status_change, then
// vrrp_set_effective_priority): base, + a positive track_interface weight while the interface is
// up, - |weight| on its way down (so a negative one counts while down), clamped to 1..254; 255
// (address owner) never changes. `down`: the interface that is down, if any. Checks aside.
int TrackedPriority(const InstanceSpec& instance, const InstanceNodeSpec& node,
                    const std::string& down);

// The single-instance Scenario for `instance`: the nodes that run it (in scenario order) with its
// settings, their interface `instance.interface` only, its segment, its first VIP; the positive
// track_interface weights folded into the priority (capped at 254). nodes[] and vip are what
// Model and the single-instance oracle read.
Scenario InstanceView(const Scenario& s, const InstanceSpec& instance);

// What a fault does to one instance on the fault's node.
struct InstanceFault {
  enum class Kind {
    kAsSingle,      // exactly what the single-instance oracle says for the view (Analyze)
    kCustom,        // `effect`, decided here
    kNotPredicted,  // `why`
  };
  Kind kind = Kind::kAsSingle;
  Effect effect;
  std::vector<Reason> lead;  // reasons to put first (why the single-instance rules apply)
  std::vector<Reason> why;   // kNotPredicted
};

// Decides what fault `f` on node `t` does to `instance` (whose view is `view`); `on_master`: t
// owns the instance's VIPs. Sync groups are not applied here (multi.cc does it).
InstanceFault DecideInstanceFault(const Scenario& s, const InstanceSpec& instance,
                                  const Model& view, const FaultSpec& f, const std::string& t,
                                  bool on_master);

// The Effect of a member of `group` on node `t` that follows another member (`cause`, whose Effect
// is `cause_effect`) to FAULT (vrrp_sync.c, vrrp_sync_fault): it leaves MASTER with a priority-0
// advert over its own interface, which is up.
Effect FollowToFault(const std::string& group, const std::string& cause,
                     const InstanceSpec& follower, const std::string& t,
                     const Effect& cause_effect);

// PredictScenario of a scenario that is not single_instance(): per-VIP predictions (vips) with
// initial/faults the first VIP's, or not_predicted with the reasons.
ScenarioPrediction PredictDeployment(const Scenario& s);

// The VIP's address without its length: "10.77.0.200".
std::string VipText(const VipSpec& vip);

}  // namespace viplab::oracle_internal
