// Fault: one failure viplab can inject into a running lab, and clear again. Each kind of fault is
// one small class (harness/faults/); MakeFault() maps a scenario's fault spec to it. Inject()
// acts at once and returns (the runner stamps t = 0 just before calling it); observation happens
// elsewhere. Clear() undoes it — restarts what was killed, thaws what was frozen, restores links
// and traffic — so fail-back can be measured. Both throw SystemError when the lab refuses.
#pragma once

#include <memory>
#include <string>

#include "harness/model/scenario.h"

namespace viplab {

class Lab;

class Fault {
 public:
  virtual ~Fault() = default;
  // Plain words for reports: "SIGKILL to haproxy on lb1".
  virtual std::string Describe() const = 0;
  virtual void Inject(Lab& lab) = 0;
  virtual void Clear(Lab& lab) = 0;
};

// `node` is the resolved target (the scenario's node, or the VIP owner for "master").
std::unique_ptr<Fault> MakeFault(const FaultSpec& spec, const std::string& node);

}  // namespace viplab
