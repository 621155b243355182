// Judge(): a run's measurement against the scenario's expectation; every expectation field is one
// check (harness/result/verdict.h says what a Verdict holds).
#pragma once

#include "harness/model/scenario.h"
#include "harness/result/measurement.h"
#include "harness/result/verdict.h"

namespace viplab {

Verdict Judge(const Expectation& expect, const Measurement& measured);

}  // namespace viplab
