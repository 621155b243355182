#include "harness/lab/cleanup.h"

#include <fmt/format.h>

#include <filesystem>
#include <regex>
#include <set>

#include "daemon/cgroup.h"
#include "harness/lab/lab_directory.h"
#include "netns/network_namespace.h"
#include "netns/node_sandbox.h"

namespace viplab {

CleanupSummary CleanStaleLabs(bool force) {
  CleanupSummary summary;
  std::set<std::string> live_prefixes;
  for (const LabRecord& record : ListLabRecords()) {
    if (record.OwnerAlive() && !force) {
      summary.skipped.push_back(
          fmt::format("lab vl-{} (in use by pid {})", record.id, record.owner_pid));
      live_prefixes.insert(record.prefix);
      continue;
    }
    Cgroup::RemoveTree(record.cgroup);
    std::error_code ec;
    for (const auto& node : std::filesystem::directory_iterator(record.dir / "nodes", ec)) {
      NodeSandbox::RemoveAt(node.path());
    }
    std::filesystem::remove_all(record.dir, ec);
    summary.removed.push_back(
        fmt::format("lab vl-{} (owner pid {} gone)", record.id, record.owner_pid));
  }
  // Namespaces by prefix, also those whose record is already gone.
  static const std::regex kLabNamespace(R"((vl-\d+-).+)");
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kNetnsRunDir, ec)) {
    const std::string name = entry.path().filename().string();
    std::smatch match;
    if (!std::regex_match(name, match, kLabNamespace)) continue;
    if (live_prefixes.count(match[1].str()) > 0) continue;
    if (NetworkNamespace::RemoveByName(name)) summary.removed.push_back("namespace " + name);
  }
  // Cgroups by prefix, also those whose record is already gone.
  try {
    for (const auto& entry : std::filesystem::directory_iterator(Cgroup::Root() / "viplab", ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("vl-", 0) != 0 || live_prefixes.count(name + "-") > 0) continue;
      Cgroup::RemoveTree(std::filesystem::path("viplab") / name);
      summary.removed.push_back("cgroup viplab/" + name);
    }
  } catch (const std::exception&) {
    // No cgroup v2 on this machine: no lab could have made a cgroup either.
  }
  return summary;
}

}  // namespace viplab
