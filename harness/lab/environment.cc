#include "harness/lab/environment.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "daemon/cgroup.h"
#include "daemon/keepalived.h"
#include "harness/lab/install_layout.h"
#include "netns/error.h"

namespace viplab {

bool HasLabCapabilities() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    const unsigned long long caps = std::stoull(line.substr(7), nullptr, 16);
    constexpr unsigned long long kNetAdmin = 1ULL << 12;
    constexpr unsigned long long kSysAdmin = 1ULL << 21;
    return (caps & kNetAdmin) && (caps & kSysAdmin);
  }
  return false;
}

std::filesystem::path FindLabKeepalived() {
  // VIPLAB_KEEPALIVED picks another keepalived build (and lets tests simulate a missing one).
  if (const char* chosen = std::getenv("VIPLAB_KEEPALIVED"); chosen && *chosen) {
    if (::access(chosen, X_OK) != 0) {
      throw EnvironmentError(fmt::format(
          "keepalived not found at '{}' (VIPLAB_KEEPALIVED): install the Debian package "
          "'keepalived' (apt-get install keepalived) or fix the path",
          chosen));
    }
    return chosen;
  }
  return FindKeepalived();
}

Environment CheckEnvironment(const std::filesystem::path& tools_dir, ServiceKind service) {
  if (!HasLabCapabilities()) {
    throw EnvironmentError(
        "viplab needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) to build network namespaces: "
        "run it with sudo");
  }
  Environment env;
  env.keepalived = FindLabKeepalived();
  if (service == ServiceKind::kHaproxy) {
    auto haproxy = FindHaproxy();
    if (!haproxy) {
      throw EnvironmentError(
          "--service haproxy: haproxy not found: install the Debian package 'haproxy' "
          "(apt-get install haproxy)");
    }
    env.haproxy = *haproxy;
  }
  env.cgroup_root = Cgroup::Root();
  env.tools_dir = tools_dir.empty() ? FindToolsDir(CurrentInstallLayout()) : tools_dir;
  if (env.tools_dir.empty()) {
    std::vector<std::string> searched;
    for (const auto& dir : ToolsDirCandidates(CurrentInstallLayout())) {
      searched.push_back(dir.string());
    }
    throw EnvironmentError(fmt::format(
        "the stand-in 'haproxy' and 'viplab-check' were not found in {}: build the project "
        "(cmake --build build) or install it (cmake --install build)",
        fmt::join(searched, ", ")));
  }
  for (const char* tool : {"haproxy", "viplab-check"}) {
    if (::access((env.tools_dir / tool).c_str(), X_OK) != 0) {
      throw EnvironmentError(
          fmt::format("'{}' is missing from {}: build the project (cmake --build build)", tool,
                      env.tools_dir.string()));
    }
  }
  return env;
}

}  // namespace viplab
