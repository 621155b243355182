// The fault classes behind MakeFault(), one small class each, grouped by what they break.
// Internal to harness/: everything else uses fault.h.
#pragma once

#include <memory>
#include <string>

#include "harness/faults/fault.h"

namespace viplab::faults {

std::unique_ptr<Fault> MakeServiceFault(const FaultSpec& spec, const std::string& node);
std::unique_ptr<Fault> MakeKeepalivedFault(const FaultSpec& spec, const std::string& node);
std::unique_ptr<Fault> MakeNodeFault(const FaultSpec& spec, const std::string& node);
std::unique_ptr<Fault> MakeLinkFault(const FaultSpec& spec, const std::string& node);
std::unique_ptr<Fault> MakeNetworkFault(const FaultSpec& spec, const std::string& node);

}  // namespace viplab::faults
