// The JSON form of lint's result (`viplab lint --json`, and the certificate's `lint` part):
// {"schema": "viplab-lint/1", "nodes": [...], "findings": [...], "predictions": [...],
//  "summary": {"errors", "warnings", "info", "exit_code"}}.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "harness/kconf/config_set.h"
#include "harness/lint/finding.h"
#include "harness/lint/outlook.h"

namespace viplab::lint {

nlohmann::json FindingToJson(const Finding& finding);
nlohmann::json LintToJson(const kconf::ConfigSet& set, const std::vector<Finding>& findings,
                          const std::vector<Outlook>& outlook);
// One finding as text: "error   KA001 positive-weight-nopreempt lb1/VI_1 lb1.conf:20" then the
// message, basis and fix indented.
std::string DescribeFinding(const Finding& finding);

}  // namespace viplab::lint
