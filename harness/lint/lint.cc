#include "harness/lint/lint.h"

#include <fmt/format.h>

#include <algorithm>

#include "harness/lint/internal/rules.h"

namespace viplab::lint {

std::vector<Finding> Lint(const kconf::ConfigSet& set, const LintOptions& options) {
  std::vector<Finding> findings;
  internal::WeightRules(set, options, findings);
  internal::ConsistencyRules(set, findings);
  internal::ScriptRules(set, options, findings);
  internal::HygieneRules(set, findings);
  // Every basis is keepalived source or behaviour of the version the rules follow.
  for (Finding& finding : findings) {
    finding.basis = fmt::format("keepalived {}: {}", options.keepalived_version, finding.basis);
  }
  // Errors first, then by node (set-wide findings first), file and line; rule order otherwise.
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.node != b.node) return a.node < b.node;
    if (a.where.file != b.where.file) return a.where.file < b.where.file;
    return a.where.line < b.where.line;
  });
  return findings;
}

}  // namespace viplab::lint
