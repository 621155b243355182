// Readiness: when a lab is ready for the fault, when a single fault's outcome is decidable, when
// a sequence's `wait` step holds, and Converge(), which starts keepalived and waits for the first.
// The predicates are pure functions of the scenario, the Timeline's derived LabState and the
// moment `now`, so they are tested on scripted states without root; Converge needs only a
// Timeline and a way to start keepalived, so it runs against a fake lab as well as a real one.
// Part of the run layer (harness/run/).
#pragma once

#include <functional>
#include <optional>
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

// A single fault whose VIP should move is decided once a single new owner (not `owner_before`)
// has held the VIP for its advert interval and serves the client.
bool MovedAway(const Scenario& scenario, const LabState& s, TimePoint now,
               const std::string& owner_before);
// When MovedAway may turn true without a new event: the single owner's start plus its advert.
std::optional<TimePoint> MovedRecheckAt(const Scenario& scenario, const LabState& s);

// A sequence's `wait` step: the owner is `wait.owner` ("none": no owner at all) and every named
// node is in the named VRRP state.
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
// longest advert + 10 s after `lab_start`. Throws Interrupted when the timeline is interrupted.
Convergence Converge(const Scenario& scenario, Timeline& timeline,
                     const StartKeepalivedFn& start_keepalived, TimePoint lab_start,
                     const std::function<void(const std::string&)>& progress);

// "VIP owners [lb1], VRRP states [lb1=MASTER, lb2=BACKUP], client served by lb1".
std::string DescribeState(const LabState& s);

}  // namespace viplab
