#include "harness/result/run_verdict.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace viplab {

const char* ToString(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::kPass:
      return "pass";
    case RunVerdict::kFail:
      return "fail";
    case RunVerdict::kInconclusive:
      return "inconclusive";
    case RunVerdict::kError:
      return "error";
  }
  return "error";
}

RunVerdict VerdictOf(const ScenarioResult& r) {
  if (!r.error.empty()) return RunVerdict::kError;
  if (!r.passed) return RunVerdict::kFail;
  if (!r.inconclusive.empty()) return RunVerdict::kInconclusive;
  return RunVerdict::kPass;
}

std::string InconclusiveReason(const ScenarioResult& r, bool is_sequence) {
  if (r.judged_by == "oracle" && !r.not_predicted.empty()) {
    return fmt::format("the oracle does not predict this scenario: {}",
                       fmt::join(ToEnglish(r.not_predicted), "; "));
  }
  if (r.verdict.outcome_checks > 0) return "";
  if (is_sequence) {
    const bool any_expect = std::any_of(r.steps.begin(), r.steps.end(),
                                        [](const StepResult& s) { return s.kind == "expect"; });
    return any_expect ? "its expect steps check nothing about what the faults did (they are "
                        "empty or check only owner_before)"
                      : "the sequence has no expect step, so nothing was checked";
  }
  if (r.judged_by == "oracle" && r.prediction && r.prediction->confidence == Confidence::kLow) {
    return "the oracle's prediction has low confidence, so only owner_before (the initial "
           "election) was checked, not what the fault did";
  }
  if (r.verdict.checks.empty()) {
    return "nothing was checked: no expect block and no prediction to judge by";
  }
  return "only owner_before (the initial election) was checked, not what the fault did";
}

}  // namespace viplab
