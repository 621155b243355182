// `viplab lint`: the traps of a keepalived configuration set, found statically, without root.
//
// Every rule has a code (KA0xx), a severity, and cites the keepalived 2.2.7 source or issue it
// rests on. Rules (severity): positive weight with nopreempt, the VIP never moves (#2599; error);
// negative weight smaller than the priority gap (error); `state MASTER` clearing nopreempt or
// preempt_delay (warning); detection (fall x interval + timeout) above the SLO failover target
// (warning); nodes disagreeing on VRID, advert interval, version, authentication or VIPs (error);
// duplicate VRIDs on a segment (error); unicast peers not matching the other nodes (error); equal
// priorities (warning); bash-only syntax (`</dev/tcp`) in checks run by /bin/sh (warning); notify
// scripts that stop the tracked service (#2485; warning); scripts missing from --files and the
// host, or not executable (warning). Hygiene, unknown keywords, not-exercised sections: info.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/kconf/config_set.h"
#include "harness/lint/finding.h"

namespace viplab::lint {

struct LintOptions {
  // --files DIR: vendor scripts laid out as on the node (DIR/etc/keepalived/check.sh for
  // /etc/keepalived/check.sh). Unset: scripts are looked up on the host only.
  std::optional<std::filesystem::path> files_dir;
  Slo slo;
  // The keepalived version the rules follow ("2.2.7"); rules tied to a version say so.
  std::string keepalived_version = "2.2.7";
  // Look scripts up on this host too (off in unit tests, so results do not depend on the host).
  bool look_on_host = true;
};

// Every finding, sorted by severity (errors first), then node, then file:line.
std::vector<Finding> Lint(const kconf::ConfigSet& set, const LintOptions& options);

}  // namespace viplab::lint
