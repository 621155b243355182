// The verdict of one scenario run, in one word (the report's `verdict`):
//   error        the run could not be judged (`error` set: the lab never converged, a fault could
//                not be injected, an observer died, ...);
//   fail         a check failed;
//   inconclusive every check held, but none of them judged what the scenario claims: no checks
//                at all (a sequence without expect steps, or with empty ones), or only
//                owner_before (e.g. a low-confidence oracle prediction), which tests the initial
//                election and not what the fault did; or judged by the oracle, which does not
//                predict the scenario (ScenarioResult::not_predicted);
//   pass         every check held and at least one judged the outcome.
// `ScenarioResult::passed` keeps meaning "not failed": true for pass and for inconclusive.
#pragma once

#include <string>

#include "harness/result/scenario_result.h"

namespace viplab {

enum class RunVerdict { kPass, kFail, kInconclusive, kError };

// "pass", "fail", "inconclusive", "error".
const char* ToString(RunVerdict verdict);

// From `error`, `passed` and `inconclusive`, in that order of precedence.
RunVerdict VerdictOf(const ScenarioResult& result);

// Why the checks of `result` could not judge what the scenario claims, or "" when they could:
// `result.verdict.outcome_checks` is 0, or the oracle judges it and does not predict it ("the
// oracle does not predict this scenario: <its reasons, ToEnglish, joined by "; ">").
// `is_sequence`: the checks came from expect steps.
std::string InconclusiveReason(const ScenarioResult& result, bool is_sequence);

}  // namespace viplab
