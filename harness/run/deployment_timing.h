// Run lengths of scenarios that are not single_instance() (several instances, VIPs, segments,
// tracked interfaces or sync groups), from the single-instance arithmetic of
// harness/model/vrrp_timing.h applied to each instance on its own and taking the longest.
// Single-instance scenarios never come here: their run lengths stay those of vrrp_timing.h.
// Part of the run layer (harness/run/).
#pragma once

#include <string>

#include "harness/model/scenario.h"

namespace viplab {

// Which tracked interfaces the priorities of an InstanceTimingView assume.
enum class Tracked { kAllUp, kAllDown };

// `scenario` as if it ran only `instance`: the nodes that run it, each with its settings of that
// instance (priority, state, nopreempt, preempt_delay, advert_int, check); the priority includes
// every tracked interface's weight as keepalived applies it with all of them up (positive
// weights added) or all down (negative weights added), clamped to 1..254 (255 stays 255).
Scenario InstanceTimingView(const Scenario& scenario, const InstanceSpec& instance,
                            Tracked tracked);

// Node `node`'s advert interval in `instance`, ms; 0 when it does not run it.
double InstanceAdvertMs(const InstanceSpec& instance, const std::string& node);
// The longest advert interval of any node of `instance`, ms.
double InstanceMaxAdvertMs(const InstanceSpec& instance);

// How long Converge waits: the longest of every instance's LargestMasterDownMs + 3 x its longest
// advert (tracked interfaces down: the slowest down timer), + 10 s.
double DeploymentConvergeTimeoutMs(const Scenario& scenario);

// The observation window after a single fault: the longest ObservationWindowMs of any instance's
// view (tracked interfaces down: the largest Master_Down_Interval), at least every
// expect.vips[].failover_ms.max + 1 s, and at least `predicted_max_ms` + the longest advert.
// `predicted_max_ms` is 0 when the oracle does not predict the scenario (not_predicted): the
// window is then this conservative default, which covers a check's detection, a preempt_delay
// and two down timers of the slowest instance, plus the expectation's own bounds.
double DeploymentWindowMs(const Scenario& scenario, double predicted_max_ms);

}  // namespace viplab
