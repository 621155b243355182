// finding.h: severities, --slo parsing and printing, the exit code.
#include "harness/lint/finding.h"

#include <gtest/gtest.h>

#include "netns/error.h"

namespace viplab::lint {
namespace {

TEST(SloTest, DefaultsAreTheIssueTargets) {
  const Slo slo;
  EXPECT_EQ(slo.failover_ms, 10000);
  EXPECT_EQ(slo.outage_ms, 12000);
  EXPECT_EQ(slo.failback, Slo::Failback::kAny);
  EXPECT_EQ(ToString(slo), "failover=10000,outage=12000,failback=any");
}

TEST(SloTest, ParsesEveryKeyInAnyOrder) {
  const Slo slo = ParseSlo("failback=yes, outage=9000,failover=8000.5");
  EXPECT_EQ(slo.failover_ms, 8000.5);
  EXPECT_EQ(slo.outage_ms, 9000);
  EXPECT_EQ(slo.failback, Slo::Failback::kYes);
  EXPECT_EQ(ToString(slo), "failover=8000.5,outage=9000,failback=yes");
  EXPECT_EQ(ParseSlo(ToString(slo)).failover_ms, 8000.5);
  EXPECT_EQ(ToString(ParseSlo("failover=1000000")), "failover=1000000,outage=12000,failback=any");
}

TEST(SloTest, ASubsetKeepsTheBase) {
  Slo base;
  base.failover_ms = 3000;
  const Slo slo = ParseSlo("failback=no", base);
  EXPECT_EQ(slo.failover_ms, 3000);
  EXPECT_EQ(slo.outage_ms, 12000);
  EXPECT_EQ(slo.failback, Slo::Failback::kNo);
  EXPECT_EQ(ParseSlo("", base).failover_ms, 3000);
}

TEST(SloTest, BadPartsAreInputErrorsNamingThem) {
  auto message = [](const char* text) {
    try {
      ParseSlo(text);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("failover=abc").find("failover=abc"), std::string::npos);
  EXPECT_NE(message("failover=-5").find("> 0"), std::string::npos);
  EXPECT_NE(message("failover=0").find("> 0"), std::string::npos);
  EXPECT_NE(message("outage=12s").find("outage=12s"), std::string::npos);
  EXPECT_NE(message("failback=maybe").find("yes, no or any"), std::string::npos);
  EXPECT_NE(message("speed=1").find("unknown key 'speed'"), std::string::npos);
  EXPECT_NE(message("failover").find("KEY=VALUE"), std::string::npos);
  EXPECT_NE(message("failover=1000,").find("KEY=VALUE"), std::string::npos);
  EXPECT_NE(message("failover=nan").find("failover=nan"), std::string::npos);
}

TEST(FindingTest, SeverityNames) {
  EXPECT_STREQ(ToString(Severity::kInfo), "info");
  EXPECT_STREQ(ToString(Severity::kWarning), "warning");
  EXPECT_STREQ(ToString(Severity::kError), "error");
}

TEST(FindingTest, ExitCodeIsOneOnlyForWarningsAndErrors) {
  Finding info;
  info.severity = Severity::kInfo;
  Finding warning;
  warning.severity = Severity::kWarning;
  Finding error;
  error.severity = Severity::kError;
  EXPECT_EQ(LintExitCode({}), 0);
  EXPECT_EQ(LintExitCode({info, info}), 0);
  EXPECT_EQ(LintExitCode({info, warning}), 1);
  EXPECT_EQ(LintExitCode({error}), 1);
}

}  // namespace
}  // namespace viplab::lint
