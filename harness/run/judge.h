// Judge(): a run's measurement against the scenario's expectation; every expectation field is one
// check (harness/result/verdict.h says what a Verdict holds). The top-level fields are judged
// against the measurement's top-level (group) fields; each expect.vips entry against the
// Measurement::vips entry of the same address, its checks named "vips[10.77.0.200].owner_after:
// ...". An entry whose VIP has no measurement is an error (Verdict::errors), never a pass.
#pragma once

#include "harness/model/scenario.h"
#include "harness/result/measurement.h"
#include "harness/result/verdict.h"

namespace viplab {

Verdict Judge(const Expectation& expect, const Measurement& measured);

}  // namespace viplab
