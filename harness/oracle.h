// The outcome oracle: predicts from a Scenario alone — without building a lab — who owns the VIP
// before a fault, who owns it afterwards, whether there is split brain, when the VIP moves and
// what a clear does, with its reasoning as data (Reason, reason.h, which ToEnglish puts into
// words). The rules are the RFC 3768/5798 timers as keepalived 2.2.7 applies them
// (docs/vrrp-timing.md):
//   Skew_Time = (256 - p) / 256 s (v2) or (256 - p) * advert / 256 (v3);
//   Master_Down_Interval (MDI) = 3 * advert + Skew_Time, with the backup's effective priority;
//   a priority-0 advert (graceful stop, FAULT) -> the best backup takes over after its Skew_Time;
//   silence (crash, freeze, cut link) -> the best backup takes over (MDI - advert, MDI] later;
//   a preempting backup discards lower-priority adverts and takes over when its down timer
//   (restarted by the last higher advert it accepted) runs out; nopreempt never displaces a live
//   master; preempt_delay holds the takeover off for that long after the first lower advert;
//   a master that hears a higher-priority (or equal priority, higher address) advert yields;
//   keepalived starting afresh (start, restart, leaving FAULT) waits a full MDI as BACKUP, unless
//   a process start of `state MASTER` with priority 255; starting, it removes a VIP a crash left
//   behind; `state MASTER` clears nopreempt and preempt_delay; a graceful stop ends 1 s after
//   SIGTERM; a powered-off (node crash) or paused (node freeze) node owns nothing.
// Every window is widened by kOracleMarginMinMs below and kOracleMarginMaxMs above (process
// scheduling, netlink delivery, timer slack on a loaded 2-core machine); the lab's own actions
// take the times of LabTolerances (lab_tolerances.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/lab_tolerances.h"
#include "harness/reason.h"
#include "harness/scenario.h"

namespace viplab {

// The margins of kLabTolerances (lab_tolerances.h), kept under their old names.
inline constexpr double kOracleMarginMinMs = kLabTolerances.margin_min_ms;
inline constexpr double kOracleMarginMaxMs = kLabTolerances.margin_max_ms;

// How sure the oracle is. kHigh: deterministic timer paths (graceful release, FAULT, priority
// change, nopreempt, crash). kMedium: depends on kernel or keepalived behaviour the timers do not
// pin down (carrier loss, restart duration, stale VIPs). kLow: a race or a probability (partial
// loss, a delay close to the down timer, stacked faults).
enum class Confidence { kLow, kMedium, kHigh };
const char* ToString(Confidence confidence);

// Who owns the VIP when the lab is ready for the fault (the runner's "converged" state).
struct InitialOwner {
  std::string owner;
  Confidence confidence = Confidence::kHigh;
  std::vector<Reason> reasons;  // the steps of the reasoning (ToEnglish renders them)
};

// What clearing the fault does (restart what was killed, thaw, restore links and traffic).
// Times are from the clear.
struct Failback {
  std::string owner;               // VIP owner(s) once settled: "lb1", "none" or "lb1+lb2"
  bool changes = false;            // the owner set changes after the clear
  bool returns = false;            // the VIP goes back to the fault's owner_before alone
  std::optional<Bound> window_ms;  // clear -> `owner` alone holds the VIP (when it changes)
  Confidence confidence = Confidence::kHigh;
  std::vector<Reason> reasons;  // the steps of the reasoning (ToEnglish renders them)
};

// The predicted outcome of one injected fault. Times are from the fault (t = 0), in ms, with
// the margins above applied. Field meanings match Measurement so the prediction can be judged
// like an `expect` block (see ExpectationFromPrediction).
struct Prediction {
  std::string fault;                      // "SIGKILL to haproxy on lb1"
  std::string target;                     // the node the fault hits ("master" resolved)
  std::string owner_before;               // VIP owner when the fault is injected
  std::vector<std::string> owners_after;  // VIP owners once the fault has played out, sorted
  std::string owner_after;                // the same as the verdict prints it: "lb2", "none",
                                          // "lb1+lb2"
  std::optional<std::string> new_owner;   // the node that adds the VIP during the fault, if any
  bool vip_moves = false;                 // exactly one owner afterwards, not owner_before
  bool split_brain = false;               // two owners at once for longer than a handover
  std::optional<Bound> failover_ms;       // fault -> VIP added on new_owner
  std::optional<Bound> release_ms;        // fault -> VIP removed from owner_before
  std::optional<Bound> return_ms;         // fault -> VIP back on owner_before alone, without a
                                          // clear (keepalived restart, a delayed advert)
  std::optional<Failback> failback;       // what a clear of this fault does
  bool cleared = false;                   // the scenario clears this fault (sequence form)
  Confidence confidence = Confidence::kHigh;
  std::vector<Reason> reasons;  // the steps of the reasoning, in order (ToEnglish renders them)
};

// The oracle's view of a whole scenario: the initial owner and one prediction per injected
// fault, in order (the single `fault`, or each `inject` of `steps`).
struct ScenarioPrediction {
  InitialOwner initial;
  std::vector<Prediction> faults;
};

// The initial owner under the scenario's startup mode. Staggered: the first listed node is
// MASTER; a later node takes over only if it preempts and its effective priority is higher (the
// highest such node wins; ties go to the higher address, i.e. the later node).
InitialOwner PredictInitialOwner(const Scenario& scenario);

// One fault injected while `owner_before` owns the VIP and every node is otherwise healthy.
Prediction PredictFault(const Scenario& scenario, const FaultSpec& fault,
                        const std::string& owner_before);

// The whole scenario. For sequences the owner at each inject follows the previous prediction
// (its fail-back when a clear came in between); a second fault stacked on an uncleared one is
// predicted as if alone, with low confidence.
ScenarioPrediction PredictScenario(const Scenario& scenario);

// An `expect` block for the fault's phase, so a scenario without one can be judged against the
// oracle. High and medium confidence: owner_before, owner_after, vip_moved, and failover_ms /
// release_ms when the VIP is predicted to be added / removed; split_brain only at high
// confidence, and `false` only when no handover race can show a brief double ownership. Low
// confidence: owner_before only.
Expectation ExpectationFromPrediction(const Prediction& prediction);

// The same for the phase after a clear (sequence form): owner_before is the fault's owner_after.
Expectation FailbackExpectation(const Prediction& prediction);

// Probability that a run of at least `run` consecutive losses occurs among `trials` independent
// adverts each lost with probability `loss` (0..1). A backup's down timer (3 adverts + skew)
// expires when 3 adverts in a row are lost.
double ProbabilityOfLossRun(double loss, int run, int trials);

// The latest time (ms after its fault) any fault of `prediction` is predicted to change the VIP:
// the largest failover_ms.max or return_ms.max; 0 when none. The runner observes at least this
// long (ObservationWindowMs).
double LatestPredictedMs(const ScenarioPrediction& prediction);

}  // namespace viplab
