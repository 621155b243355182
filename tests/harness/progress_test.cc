#include "harness/report/progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

namespace viplab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ScenarioResult Result(const std::string& name, bool passed) {
  ScenarioResult r;
  r.name = name;
  r.passed = passed;
  r.measured.owner_before = "lb1";
  r.measured.owners_after = {"lb2"};
  r.measured.failover_ms = 930;
  r.measured.outage_ms = 940;
  if (!passed) r.verdict.failures = {"owner_after: expected lb1, measured lb2"};
  return r;
}

TEST(ProgressPrinterTest, PlainLinesCountAndEstimate) {
  std::ostringstream out;
  const TimePoint start = Now() - std::chrono::seconds(20);
  ProgressPrinter printer(out, 4, {}, start);
  printer.Started(0, "a/one");
  printer.Finished(0, Result("a/one", true));
  printer.Finished(1, Result("a/two", false));
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("[1/4] PASS  a/one"));
  EXPECT_THAT(text, HasSubstr("[2/4] FAIL  a/two"));
  EXPECT_THAT(text, HasSubstr("failover   930 ms"));
  // 20 s for 1 of 4 done -> about 1 minute left.
  EXPECT_THAT(text, HasSubstr("(elapsed 20s, ETA 1m00s)"));
  EXPECT_THAT(text, HasSubstr("      owner_after: expected lb1, measured lb2"));
  EXPECT_THAT(text, Not(HasSubstr("\033[")));  // plain: no escape sequences
}

TEST(ProgressPrinterTest, SingleScenarioHasNoCounters) {
  std::ostringstream out;
  ProgressPrinter printer(out, 1, {});
  printer.Finished(0, Result("issue-2599/d-track-process", true));
  EXPECT_THAT(out.str(), ::testing::StartsWith("PASS  issue-2599/d-track-process"));
}

TEST(ProgressPrinterTest, QuietShowsOnlyFailures) {
  std::ostringstream out;
  ProgressPrinter printer(out, 2, {.color = false, .quiet = true});
  printer.Finished(0, Result("a/ok", true));
  printer.Finished(1, Result("a/bad", false));
  EXPECT_THAT(out.str(), Not(HasSubstr("a/ok")));
  EXPECT_THAT(out.str(), HasSubstr("FAIL  a/bad"));
}

TEST(ProgressPrinterTest, ColourModeColoursVerdictsAndShowsWhatRuns) {
  std::ostringstream out;
  ProgressPrinter printer(out, 3, {.color = true, .quiet = false});
  printer.Started(0, "a/one");
  printer.Started(1, "a/two");
  EXPECT_THAT(out.str(), HasSubstr("running a/one, a/two"));
  printer.Finished(0, Result("a/one", true));
  EXPECT_THAT(out.str(), HasSubstr("\033[32mPASS\033[0m"));
  EXPECT_THAT(out.str(), HasSubstr("\r\033[K"));  // the status line is redrawn, not appended
}

TEST(ProgressPrinterTest, InconclusiveHasItsOwnWordAndReasonEvenWhenQuiet) {
  ScenarioResult r = Result("a/unjudged", true);
  r.inconclusive = "only owner_before (the initial election) was checked";
  EXPECT_THAT(SummaryLine(r), ::testing::StartsWith("INCONCLUSIVE  a/unjudged"));
  EXPECT_THAT(SummaryLine(r),
              HasSubstr("not judged: only owner_before (the initial election) was checked"));
  std::ostringstream out;
  ProgressPrinter printer(out, 2, {.color = true, .quiet = true});
  printer.Finished(0, Result("a/ok", true));
  printer.Finished(1, r);
  EXPECT_THAT(out.str(), Not(HasSubstr("a/ok")));
  EXPECT_THAT(out.str(), HasSubstr("\033[33mINCONCLUSIVE\033[0m  a/unjudged"));
}

TEST(ProgressPrinterTest, NoColorDisablesColour) {
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(ShouldColor(STDOUT_FILENO));
  ::unsetenv("NO_COLOR");
}

TEST(ProgressPrinterTest, Durations) {
  EXPECT_EQ(FormatDuration(4400), "4s");
  EXPECT_EQ(FormatDuration(72000), "1m12s");
  EXPECT_EQ(FormatDuration(2 * 3600 * 1000 + 5 * 60 * 1000), "2h05m");
}

}  // namespace
}  // namespace viplab
