// Internals of the scenario loader (scenario.cc): the deployment part of a scenario file.
#pragma once

#include "harness/model/scenario.h"

namespace viplab {

// Fills segments, node interfaces and the single instance "VI_1" from the legacy fields (vip,
// subnet, interface, virtual_router_id, unicast, each node's priority, state, preemption, advert
// and check), which must already be set.
void DeploymentFromLegacy(Scenario& s);

}  // namespace viplab
