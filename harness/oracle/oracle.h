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

#include "harness/model/lab_tolerances.h"
#include "harness/model/scenario.h"
#include "harness/result/prediction.h"
#include "harness/result/reason.h"

namespace viplab {

// The margins of kLabTolerances (lab_tolerances.h), kept under their old names.
inline constexpr double kOracleMarginMinMs = kLabTolerances.margin_min_ms;
inline constexpr double kOracleMarginMaxMs = kLabTolerances.margin_max_ms;

// The initial owner under the scenario's startup mode. Staggered: the first listed node is
// MASTER; a later node takes over only if it preempts and its effective priority is higher (the
// highest such node wins; ties go to the higher address, i.e. the later node).
InitialOwner PredictInitialOwner(const Scenario& scenario);

// One fault injected while `owner_before` owns the VIP and every node is otherwise healthy.
Prediction PredictFault(const Scenario& scenario, const FaultSpec& fault,
                        const std::string& owner_before);

// The whole scenario. Not single_instance() (several instances, VIPs, segments or sync groups):
// each instance predicted on its own single-instance view after deciding what the fault does to
// it (instance_view.h), sync groups applied, one ScenarioPrediction::PerVip per VIP; a sequence,
// or anything the rules do not cover, gives not_predicted. For sequences the owner at each inject
// follows the previous prediction (its fail-back when a clear came in between); a second fault
// stacked on an uncleared one is predicted as if alone, with low confidence.
ScenarioPrediction PredictScenario(const Scenario& scenario);

// An `expect` block for the fault's phase, so a scenario without one can be judged against the
// oracle. High and medium confidence: owner_before, owner_after, vip_moved, and failover_ms /
// release_ms when the VIP is predicted to be added / removed; split_brain only at high
// confidence, and `false` only when no handover race can show a brief double ownership. Low
// confidence: owner_before only.
Expectation ExpectationFromPrediction(const Prediction& prediction);

// The `expect` block a scenario without one is judged by: its first fault's phase. Single
// instance: ExpectationFromPrediction(faults[0]), unchanged. Several VIPs: `vips` holds one
// VipExpectation per VIP (ExpectationFromPrediction of its own prediction), and the group fields
// follow Expectation/Measurement: owner_before / owner_after when every VIP agrees, vip_moved when
// every VIP moves, failover_ms / release_ms the latest VIP's window, split_brain true if any VIP's
// is and false only if every VIP's is; at low confidence of any VIP, owner_before only (the VIPs
// keep their own). Not predicted (not_predicted non-empty) or no fault: an empty Expectation -
// the caller must not judge by it (inconclusive).
Expectation ScenarioExpectation(const ScenarioPrediction& prediction);

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
