// Network faults inside the lab's namespaces: packet loss, partitions, delayed adverts.
#include <fmt/format.h>

#include "harness/faults/catalog.h"
#include "harness/lab.h"
#include "netns/error.h"

namespace viplab::faults {

std::unique_ptr<Fault> MakeNetworkFault(const FaultSpec& spec, const std::string&) {
  throw InputError(fmt::format("fault {} is not available yet", FaultName(spec.kind)));
}

}  // namespace viplab::faults
