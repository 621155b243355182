// Readiness: when a lab is ready for the fault, when a single fault's outcome is decidable, when
// a sequence's `wait` step holds, and Converge(), which starts keepalived and waits for the first.
// The predicates are pure functions of the scenario, the Timeline's derived LabState and the
// moment `now`, so they are tested on scripted states without root; Converge needs only a
// Timeline and a way to start keepalived, so it runs against a fake lab as well as a real one.
// Part of the run layer (harness/run/).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/model/scenario.h"
#include "harness/observe/timeline.h"
#include "netns/clock.h"

namespace viplab {

// What the scenario says should happen to the VIP, if anything: `vip_moved`, else `owner_after`
// compared with `owner_before`, else unknown.
enum class Outcome { kUnknown, kMoves, kStays };
Outcome ExpectedOutcome(const Expectation& e, const std::string& owner_before);

// Whether `node` is in VRRP state MASTER (staggered start: the first node has come up).
bool IsMaster(const LabState& s, const std::string& node);

// Ready for the fault: exactly one VIP owner, MASTER for one advert interval (its own), every
// other node BACKUP for BackupSettleMs (so it has heard the master and made its preemption
// decision), and the client served by the owner.
bool ReadyForFault(const Scenario& scenario, const LabState& s, TimePoint now);
// When ReadyForFault may turn true without a new event: the latest moment a node's current VRRP
// state has lasted its settle time (BackupSettleMs for a backup of the single owner, else the
// longer of its advert and the longest advert). Nullopt when no node has a VRRP state yet.
std::optional<TimePoint> ReadyRecheckAt(const Scenario& scenario, const LabState& s);

// With several VIPs (not single_instance()), ReadyForFault asks, for every instance: each of its
// VIPs has exactly one owner, the same node, MASTER of the instance for that node's advert
// interval of it (LabState::instance_state_since); every other node of the instance BACKUP for
// BackupSettleMs of the instance's view (deployment_timing.h, tracked interfaces up); and the
// client served by the owner of the first VIP. ReadyRecheckAt likewise per instance.

// A single fault whose VIP should move is decided once a single new owner (not `owner_before`)
// has held the VIP for its advert interval and serves the client.
bool MovedAway(const Scenario& scenario, const LabState& s, TimePoint now,
               const std::string& owner_before);
// When MovedAway may turn true without a new event: the single owner's start plus its advert.
std::optional<TimePoint> MovedRecheckAt(const Scenario& scenario, const LabState& s);

// Several VIPs: each VIP's single owner when the fault was injected, "" when it had none or
// several (from LabState::owners_by_vip).
std::map<std::string, std::string> OwnersBefore(const LabState& before);
// Several VIPs: the VIPs the expectation says the fault moves: expect.vips entries with vip_moved
// true or an owner_after other than the VIP's owner before; every VIP when the group says the
// VIPs move (vip_moved true), or each VIP whose owner before is not the group's owner_after.
// Empty: nothing is expected to move (or nothing is said), and the runner holds the whole window.
std::set<std::string> VipsExpectedToMove(const Expectation& e,
                                         const std::map<std::string, std::string>& owners_before);
// Several VIPs: a single fault is decided once every VIP has a single owner that has held it for
// that node's advert interval of the VIP's instance (LabState::vip_owner_since), every VIP of
// `must_move` has an owner other than its owner before, at least one VIP has, and, if the first
// VIP moved, the client is served by its new owner.
bool VipsMovedAway(const Scenario& scenario, const LabState& s, TimePoint now,
                   const std::map<std::string, std::string>& owners_before,
                   const std::set<std::string>& must_move);
// When VipsMovedAway may turn true without a new event: the latest single owner's start plus its
// advert.
std::optional<TimePoint> VipsMovedRecheckAt(const Scenario& scenario, const LabState& s);

// A sequence's `wait` step: the owner is `wait.owner` ("none": no owner at all; with several VIPs
// every VIP's owner, LabState::owners_by_vip), each VIP of `wait.vip_owners` has exactly that
// owner ("none": no owner; a VIP the state does not know has none), and every named node is in
// the named VRRP state (of the first instance).
bool WaitHolds(const WaitCondition& wait, const LabState& s);

// Starts keepalived on the named nodes, every node when the list is empty (Lab::StartKeepalived).
using StartKeepalivedFn = std::function<void(const std::vector<std::string>& names)>;

struct Convergence {
  std::optional<LabState> before;  // the state when the lab was ready; nullopt on error
  std::string error;               // why it did not converge ("" when it did)
  TimePoint t0;  // t = 0 of the run's events until a fault is injected: when every node started
};

// Starts keepalived (with `startup: staggered`, the first node alone until it is MASTER, then the
// rest) and waits, event-driven, until ReadyForFault, at most LargestMasterDownMs + 3 x the
// longest advert + 10 s after `lab_start`. Several instances: the first node alone until it is
// MASTER of every instance it runs, and at most DeploymentConvergeTimeoutMs. Throws Interrupted
// when the timeline is interrupted.
Convergence Converge(const Scenario& scenario, Timeline& timeline,
                     const StartKeepalivedFn& start_keepalived, TimePoint lab_start,
                     const std::function<void(const std::string&)>& progress);

// "VIP owners [lb1], VRRP states [lb1=MASTER, lb2=BACKUP], client served by lb1".
std::string DescribeState(const LabState& s);

}  // namespace viplab
