// One instance's VRRP settings for a node, applied to its NodeSpec: the single-instance view of a
// node that the loader, the oracle, explain and the run's timing read.
#pragma once

#include "harness/model/scenario.h"

namespace viplab {

// `node` with `settings` (priority, state, nopreempt, preempt_delay, advert_int, check).
NodeSpec WithInstanceSettings(NodeSpec node, const InstanceNodeSpec& settings);

}  // namespace viplab
