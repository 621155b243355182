#include "harness/faults/fault.h"

#include "harness/faults/internal/catalog.h"

namespace viplab {

std::unique_ptr<Fault> MakeFault(const FaultSpec& spec, const std::string& node) {
  switch (spec.kind) {
    case FaultKind::kServiceKill:
    case FaultKind::kServiceFreeze:
    case FaultKind::kServiceDegrade:
      return faults::MakeServiceFault(spec, node);
    case FaultKind::kKeepalivedStop:
    case FaultKind::kKeepalivedCrash:
    case FaultKind::kKeepalivedFreeze:
    case FaultKind::kKeepalivedRestart:
      return faults::MakeKeepalivedFault(spec, node);
    case FaultKind::kNodeFreeze:
    case FaultKind::kNodeCrash:
      return faults::MakeNodeFault(spec, node);
    case FaultKind::kLinkDown:
      return faults::MakeLinkFault(spec, node);
    case FaultKind::kPacketLoss:
    case FaultKind::kPartition:
    case FaultKind::kVrrpDelay:
      return faults::MakeNetworkFault(spec, node);
  }
  return nullptr;
}

}  // namespace viplab
