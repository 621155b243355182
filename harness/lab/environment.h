// Environment checks made before any lab is built: privileges, keepalived (VIPLAB_KEEPALIVED
// overrides the path), cgroup v2, and the project's own tools (build directory or libexec). Each
// failure is an EnvironmentError saying how to fix it.
#pragma once

#include <filesystem>

#include "daemon/service.h"

namespace viplab {

struct Environment {
  std::filesystem::path keepalived;
  std::filesystem::path tools_dir;  // holds haproxy (stand-in) and viplab-check
  std::filesystem::path cgroup_root;
  std::filesystem::path haproxy;  // real haproxy, when `service` is kHaproxy
};

// `tools_dir`: where the stand-in and the check live (default: the first of the running binary's
// directory, ../libexec/viplab beside it and the compiled-in libexec directory holding both; see
// harness/lab/install_layout.h).
// `service` kHaproxy also requires Debian's haproxy.
Environment CheckEnvironment(const std::filesystem::path& tools_dir = {},
                             ServiceKind service = ServiceKind::kStandin);

// The keepalived labs run: $VIPLAB_KEEPALIVED when set, else FindKeepalived(). Throws
// EnvironmentError naming the fix.
std::filesystem::path FindLabKeepalived();

// True when the process has CAP_NET_ADMIN and CAP_SYS_ADMIN in its effective set.
bool HasLabCapabilities();

}  // namespace viplab
