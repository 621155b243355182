// Measurement: what one run showed, computed from the timeline and the client probe samples
// after the fact (pure, so unit tests can feed it synthetic timelines). All durations in ms from
// the fault (t = 0), on CLOCK_MONOTONIC.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/client_probe.h"
#include "harness/timeline.h"

namespace viplab {

struct Measurement {
  std::string owner_before;
  std::vector<std::string> owners_after;   // at the end of observation, sorted
  std::optional<std::string> owner_after;  // the single owner at the end, if exactly one
  bool vip_moved = false;                  // exactly one owner at the end, not owner_before
  std::optional<double> failover_ms;       // fault -> VIP added on another node
  std::optional<double> release_ms;        // fault -> VIP removed from owner_before
  double dual_owner_ms = 0;                // time with two or more owners after the fault
  double no_owner_ms = 0;                  // time with no owner after the fault
  std::optional<double> outage_ms;         // longest run of failed client probes (null: no probe)
  bool outage_ongoing = false;             // that run lasted to the end of observation
  size_t probes = 0;                       // client probes started after the fault
  size_t probes_failed = 0;
  double observed_ms = 0;  // fault -> end of observation
};

Measurement Measure(const std::vector<TimelineEvent>& events,
                    const std::vector<ProbeSample>& samples, TimePoint fault_time,
                    TimePoint end_time, const std::string& owner_before);

}  // namespace viplab
