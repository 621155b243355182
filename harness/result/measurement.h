// Measurement: what one run showed, computed from the timeline and the client probe samples
// after the fact by Measure() (harness/run/measure.h). All durations in ms from
// the fault (t = 0), on CLOCK_MONOTONIC.
//
// Ownership and split brain follow harness/model/ownership.h: a node powered off or paused owns
// nothing (its VIP is stale), and only an episode of two or more owners longer than the tolerance
// is split brain. Episodes are cut at the observed window [fault, end].
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/model/ownership.h"

namespace viplab {

// One VIP's own measurement (Measurement::vips), the same definitions as the fields below
// restricted to that address. All times from the fault.
struct VipMeasurement {
  std::string vip;       // the address without its length, "10.77.0.200"
  std::string instance;  // the instance that holds it, "VI_1"
  std::string owner_before;
  std::vector<std::string> owners_after;
  std::optional<std::string> owner_after;
  bool vip_moved = false;
  std::optional<double> failover_ms;  // fault -> another node first becomes its owner
  std::optional<double> settled_ms;   // fault -> its final owner (if one) holds it for good
  std::optional<double> release_ms;
  bool split_brain = false;
  double split_brain_ms = 0;
  double no_owner_ms = 0;
  std::optional<double> outage_ms;  // longest run of failed client probes of this VIP
  bool outage_ongoing = false;
  size_t probes = 0;
  size_t probes_failed = 0;
};

// With one VIP the top-level fields are that VIP's (exactly as before issue 9) and `vips` holds
// it once more. With several, the top-level fields are the group's: owner_* of the first VIP,
// vip_moved when every VIP that had an owner before has a single other owner at the end,
// failover_ms the time until the *last* moved VIP settled on its new owner, release_ms the last
// release, split_brain any VIP's, outage_ms the longest of any VIP.
struct Measurement {
  std::string owner_before;
  std::vector<std::string> owners_after;   // at the end of observation, sorted
  std::optional<std::string> owner_after;  // the single owner at the end, if exactly one
  bool vip_moved = false;                  // exactly one owner at the end, not owner_before
  std::optional<double> failover_ms;       // fault -> another node first becomes an owner (even if
                                           // it later gives the VIP back)
  std::optional<double> release_ms;        // fault -> owner_before stops being an owner
  double dual_owner_ms = 0;                // time with two or more owners after the fault
  bool split_brain = false;                // an episode of 2+ owners longer than the tolerance
  double split_brain_ms = 0;               // sum of those episodes
  double handover_overlap_ms = 0;          // sum of the shorter episodes
  double split_brain_tolerance_ms = kDefaultSplitBrainToleranceMs;  // what was applied
  double stale_vip_ms = 0;          // time a powered-off or paused node held the VIP
  double no_owner_ms = 0;           // time with no owner after the fault
  std::optional<double> outage_ms;  // longest run of failed client probes (null: no probe)
  double outage_total_ms = 0;       // all runs of failed client probes, summed
  bool outage_ongoing = false;      // the longest run lasted to the end of observation
  size_t probes = 0;                // client probes started after the fault
  size_t probes_failed = 0;
  double observed_ms = 0;            // fault -> end of observation
  std::vector<VipMeasurement> vips;  // one per VIP, in the scenario's order (AllVips)
};

}  // namespace viplab
