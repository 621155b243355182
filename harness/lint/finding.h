// What lint says about a configuration set: findings with a stable code, a severity, the numbers
// from the files, what keepalived source or issue the rule rests on, and the fix.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/kconf/conf_tree.h"

namespace viplab::lint {

// info: hygiene, style, things not exercised, keepalived --config-test complaints (never change
// the exit code); warning/error: the traps (exit 1).
enum class Severity { kInfo, kWarning, kError };
const char* ToString(Severity severity);

// One finding. `code` is stable ("KA001"), `rule` a short slug ("positive-weight-nopreempt").
// `message` carries the numbers from the files ("lb1 priority 101 + chk_haproxy weight 2 ...").
// `basis` cites keepalived's source or issue ("vrrp.c vrrp_state_backup; keepalived #2599");
// `fix` says what to change.
struct Finding {
  std::string code;
  std::string rule;
  Severity severity = Severity::kWarning;
  std::string node;      // empty: the set as a whole
  std::string instance;  // empty: not about one instance
  kconf::SourceLocation where;
  std::string message;
  std::string basis;
  std::string fix;
};

// The failover targets certify judges against and lint compares detection with:
// `--slo failover=MS,outage=MS,failback=yes|no|any`.
struct Slo {
  enum class Failback { kAny, kYes, kNo };
  double failover_ms = 10000;
  double outage_ms = 12000;
  Failback failback = Failback::kAny;
};
// Parses "failover=8000,outage=9000,failback=yes" (any subset, any order) over `base`; throws
// InputError naming the bad part.
Slo ParseSlo(std::string_view text, Slo base = {});
std::string ToString(const Slo& slo);

// 0 when no finding is a warning or error, else 1.
int LintExitCode(const std::vector<Finding>& findings);

}  // namespace viplab::lint
