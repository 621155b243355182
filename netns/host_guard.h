// The hard rule of the impairment code: never change the host's own network namespace (the one
// the viplab process runs in). Every entry point that installs rules, qdiscs or queues calls
// RefuseHostNamespace first, so a /run/netns name that happens to be a bind mount of the host's
// namespace (e.g. made by `ip netns attach NAME 1`) is refused instead of filtered.
#pragma once

#include <string_view>

namespace viplab {

// Throws SystemError (EPERM) naming `ns_name` when the namespace open at `ns_fd` is the network
// namespace of this process or of PID 1; returns otherwise.
void RefuseHostNamespace(int ns_fd, std::string_view ns_name);

}  // namespace viplab
