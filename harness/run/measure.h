// Measure(): a run's Measurement (harness/result/measurement.h) from its timeline events and the
// client probe samples, after the fact; pure, so unit tests feed it synthetic timelines.
//
// Each VIP is measured alone: its vip_added/vip_removed events (TimelineEvent::vip; events
// without one are the first VIP's), every power event (a machine's power applies to all its
// VIPs) and its client probes (ProbeSample::vip; samples without one are the first VIP's).
// Measurement::vips holds one VipMeasurement per VIP; the top-level fields are the first VIP's
// when there is one VIP (exactly as before issue 9), the group's when there are several:
//   owner_before, owners_after, owner_after   the first VIP's
//   vip_moved        at least one VIP had an owner before, and every such VIP moved
//   failover_ms      the latest settled_ms of the VIPs that moved (the last VIP to settle on
//                    its new owner); if none moved, the latest failover_ms (transient takeovers)
//   release_ms       the latest release
//   split_brain, outage_ongoing   any VIP's (outage_ongoing: of the VIP with the longest outage)
//   outage_ms, no_owner_ms, stale_vip_ms   the longest of any VIP
//   dual_owner_ms, split_brain_ms, handover_overlap_ms, outage_total_ms, probes, probes_failed
//                    summed over the VIPs (so dual_owner_ms = split_brain_ms + overlap still holds)
#pragma once

#include <string>
#include <vector>

#include "harness/model/ownership.h"
#include "harness/model/scenario.h"
#include "harness/observe/client_probe.h"
#include "harness/observe/timeline.h"
#include "harness/result/measurement.h"

namespace viplab {

// One VIP to measure: its address without length ("10.77.0.200") and its instance ("VI_1"). An
// empty `vip` takes every VIP event and probe sample (a caller that knows no addresses).
struct MeasuredVip {
  std::string vip;
  std::string instance;
};

// The scenario's VIPs in AllVips order (an address held by two instances once, by the first).
std::vector<MeasuredVip> MeasuredVips(const Scenario& scenario);

// `owner_before`: the first VIP's owner at the fault, as the runner saw it. Every other VIP's
// owner_before is its owner just before the fault by the events (several joined with '+' in
// name order; "" when none).
Measurement Measure(const std::vector<TimelineEvent>& events,
                    const std::vector<ProbeSample>& samples, TimePoint fault_time,
                    TimePoint end_time, const std::string& owner_before,
                    double split_brain_tolerance_ms, const std::vector<MeasuredVip>& vips);

// One VIP that is every VIP event and probe sample (vips = {{"", ""}}).
Measurement Measure(const std::vector<TimelineEvent>& events,
                    const std::vector<ProbeSample>& samples, TimePoint fault_time,
                    TimePoint end_time, const std::string& owner_before,
                    double split_brain_tolerance_ms = kDefaultSplitBrainToleranceMs);

}  // namespace viplab
