// SystemError::FromLibnl, apart from error.cc so that the base library (viplab_netns_base: errors,
// clock, fds, IPv4) links no libnl; only the kernel plumbing (viplab_netns) does.
#include <fmt/format.h>
#include <netlink/errno.h>

#include <cstdlib>

#include "netns/error.h"

namespace viplab {

SystemError SystemError::FromLibnl(int code, std::string_view context) {
  const int positive = std::abs(code);
  return SystemError(fmt::format("{}: {}", context, nl_geterror(positive)), positive,
                     Source::kLibnl);
}

}  // namespace viplab
