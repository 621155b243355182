// `viplab clean`: removes what labs of SIGKILLed (or otherwise vanished) runs left behind —
// their cgroups (killing the processes inside), node sandbox mounts, network namespaces named
// with their prefix, and their directories. Labs whose owner is still running are left alone
// unless `force`. Only objects found by prefix and per-lab record are touched; no process is
// ever looked up by name.
#pragma once

#include <string>
#include <vector>

namespace viplab {

struct CleanupSummary {
  std::vector<std::string> removed;  // "lab vl-3 (owner pid 1234 gone)", "namespace vl-3-lb1"
  std::vector<std::string> skipped;  // live labs
};

CleanupSummary CleanStaleLabs(bool force);

}  // namespace viplab
