// The fault classes behind MakeFault(), one small class each, grouped by what they break.
// Internal to harness/: everything else uses fault.h.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "harness/faults/fault.h"

namespace viplab::faults {

// The base of every fault in the catalog: each acts on one node, the scenario's target resolved
// (the VIP owner for "master"), named in its Describe() and errors.
class NodeBoundFault : public Fault {
 public:
  explicit NodeBoundFault(std::string node) : node_(std::move(node)) {}

 protected:
  const std::string node_;
};

std::unique_ptr<Fault> MakeServiceFault(const FaultSpec& spec, const std::string& node);
std::unique_ptr<Fault> MakeKeepalivedFault(const FaultSpec& spec, const std::string& node);
std::unique_ptr<Fault> MakeNodeFault(const FaultSpec& spec, const std::string& node);
std::unique_ptr<Fault> MakeLinkFault(const FaultSpec& spec, const std::string& node);
std::unique_ptr<Fault> MakeNetworkFault(const FaultSpec& spec, const std::string& node);

}  // namespace viplab::faults
