// What the oracle (harness/oracle/oracle.h) predicts for a scenario: the initial owner and, per
// fault, the owners afterwards, the timing windows and what a clear does, with the reasoning.
// Plain data: the oracle fills it, a run carries it (ScenarioResult::prediction), the reports
// print it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/model/scenario.h"
#include "harness/result/reason.h"

namespace viplab {

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
  // Empty when the oracle models the scenario. Otherwise why it does not ("not predicted": a
  // sync group spanning a fault it cannot place, ...); such a scenario judged by the oracle is
  // inconclusive, never a PASS on a guess, and `explain` says so and exits 0.
  std::vector<Reason> not_predicted;
  // Multi-instance scenarios: one entry per VIP (AllVips order), that VIP's own initial owner and
  // per-fault predictions. Empty for single_instance() scenarios (initial/faults are the VIP's).
  struct PerVip {
    std::string vip;       // "10.77.0.200"
    std::string instance;  // "VI_1"
    InitialOwner initial;
    std::vector<Prediction> faults;
  };
  std::vector<PerVip> vips;
};

}  // namespace viplab
