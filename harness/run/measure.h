// Measure(): a run's Measurement (harness/result/measurement.h) from its timeline events and the
// client probe samples, after the fact; pure, so unit tests feed it synthetic timelines.
#pragma once

#include <string>
#include <vector>

#include "harness/model/ownership.h"
#include "harness/observe/client_probe.h"
#include "harness/observe/timeline.h"
#include "harness/result/measurement.h"

namespace viplab {

Measurement Measure(const std::vector<TimelineEvent>& events,
                    const std::vector<ProbeSample>& samples, TimePoint fault_time,
                    TimePoint end_time, const std::string& owner_before,
                    double split_brain_tolerance_ms = kDefaultSplitBrainToleranceMs);

}  // namespace viplab
