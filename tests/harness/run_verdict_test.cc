// A scenario's verdict word (harness/result/run_verdict.h) and the batch totals and exit decision
// built on it (harness/report/progress.h). No root, no lab.
#include "harness/result/run_verdict.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/report/progress.h"

namespace viplab {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

ScenarioResult Judged(size_t outcome_checks, bool passed = true) {
  ScenarioResult r;
  r.name = "t/x";
  r.passed = passed;
  r.judged_by = "expect";
  r.verdict.passed = passed;
  r.verdict.checks.push_back("owner_before: expected lb1, measured lb1");
  for (size_t i = 0; i < outcome_checks; ++i) r.verdict.checks.push_back("owner_after: ...");
  r.verdict.outcome_checks = outcome_checks;
  r.inconclusive = InconclusiveReason(r, false);
  return r;
}

TEST(RunVerdict, PassNeedsACheckOfTheOutcome) {
  EXPECT_EQ(VerdictOf(Judged(1)), RunVerdict::kPass);
  EXPECT_EQ(InconclusiveReason(Judged(1), false), "");
  const ScenarioResult only_owner_before = Judged(0);
  EXPECT_EQ(VerdictOf(only_owner_before), RunVerdict::kInconclusive);
  EXPECT_TRUE(only_owner_before.passed);  // inconclusive is not failed
  EXPECT_THAT(only_owner_before.inconclusive, HasSubstr("only owner_before"));
}

TEST(RunVerdict, FailAndErrorTakePrecedence) {
  EXPECT_EQ(VerdictOf(Judged(0, false)), RunVerdict::kFail);
  EXPECT_EQ(VerdictOf(Judged(2, false)), RunVerdict::kFail);
  ScenarioResult error = Judged(0, false);
  error.error = "the lab did not converge within 9000 ms";
  EXPECT_EQ(VerdictOf(error), RunVerdict::kError);
  error.passed = true;  // an error is an error whatever else is set
  EXPECT_EQ(VerdictOf(error), RunVerdict::kError);
  EXPECT_EQ(VerdictOf(ScenarioResult{}), RunVerdict::kFail);  // nothing ran: not passed
  EXPECT_STREQ(ToString(RunVerdict::kPass), "pass");
  EXPECT_STREQ(ToString(RunVerdict::kFail), "fail");
  EXPECT_STREQ(ToString(RunVerdict::kInconclusive), "inconclusive");
  EXPECT_STREQ(ToString(RunVerdict::kError), "error");
}

TEST(RunVerdict, LowConfidenceOracleJudgingOnlyOwnerBeforeIsInconclusive) {
  ScenarioResult r = Judged(0);
  r.judged_by = "oracle";
  r.prediction = Prediction{};
  r.prediction->confidence = Confidence::kLow;
  EXPECT_THAT(InconclusiveReason(r, false), HasSubstr("low confidence"));
  r.prediction->confidence = Confidence::kHigh;  // high confidence brings outcome checks
  r.verdict.outcome_checks = 3;
  EXPECT_EQ(InconclusiveReason(r, false), "");
}

TEST(RunVerdict, NoChecksAtAllIsInconclusive) {
  ScenarioResult r;
  r.passed = true;
  r.judged_by = "expect";
  EXPECT_THAT(InconclusiveReason(r, false), HasSubstr("nothing was checked"));
}

TEST(RunVerdict, SequenceWithoutExpectStepsOrWithEmptyOnesIsInconclusive) {
  ScenarioResult r;
  r.passed = true;
  StepResult inject;
  inject.kind = "inject";
  StepResult hold;
  hold.kind = "hold";
  r.steps = {inject, hold};
  EXPECT_THAT(InconclusiveReason(r, true), HasSubstr("no expect step"));
  StepResult empty_expect;
  empty_expect.kind = "expect";
  r.steps.push_back(empty_expect);
  EXPECT_THAT(InconclusiveReason(r, true), HasSubstr("expect steps check nothing"));
  r.verdict.outcome_checks = 1;  // RunScenario sums the expect steps' outcome checks
  EXPECT_EQ(InconclusiveReason(r, true), "");
}

TEST(RunVerdict, TotalsCountInconclusiveApartAndKeepTheClassicStart) {
  ScenarioResult error = Judged(1, false);
  error.error = "could not inject";
  const std::vector<ScenarioResult> results = {Judged(1),        Judged(2), Judged(1),
                                               Judged(1, false), Judged(0), error};
  const VerdictCounts counts = CountVerdicts(results);
  EXPECT_EQ(counts.passed, 3u);
  EXPECT_EQ(counts.failed, 2u);
  EXPECT_EQ(counts.errors, 1u);
  EXPECT_EQ(counts.inconclusive, 1u);
  EXPECT_EQ(TotalsLine(counts, false), "3 passed, 2 failed (1 error), 1 inconclusive");
  EXPECT_EQ(TotalsLine(counts, true),
            "3 passed, 2 failed (1 error), 1 inconclusive (--strict: counted as failed)");
  EXPECT_EQ(TotalsLine(CountVerdicts({Judged(1), Judged(1)}), false), "2 passed, 0 failed");
  EXPECT_THAT(TotalsLine(CountVerdicts({Judged(1), Judged(0)}), false),
              StartsWith("1 passed, 0 failed, 1 inconclusive"));
}

TEST(RunVerdict, ExitFailsOnFailuresAndErrorsAndWithStrictOnInconclusive) {
  EXPECT_FALSE(BatchFailed(CountVerdicts({Judged(1), Judged(0)}), false));
  EXPECT_TRUE(BatchFailed(CountVerdicts({Judged(1), Judged(0)}), true));
  EXPECT_FALSE(BatchFailed(CountVerdicts({Judged(1)}), true));
  EXPECT_TRUE(BatchFailed(CountVerdicts({Judged(1), Judged(1, false)}), false));
  ScenarioResult error = Judged(1);
  error.error = "observer died";
  EXPECT_TRUE(BatchFailed(CountVerdicts({error}), false));
}

}  // namespace
}  // namespace viplab
