// `viplab explain`: a partly overlapping window is a disagreement, the exit code says whether every
// scenario agrees, and every scenario shipped in cases/ agrees with the oracle (each expect step
// of a sequence compared with the oracle's prediction for its phase: the fault's, or the clear's).
// No root, no lab.
#include "harness/oracle/explain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/oracle/oracle.h"
#include "netns/error.h"

namespace viplab {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

const std::filesystem::path kCases = std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases";

Prediction IssueD() {
  return PredictScenario(LoadScenario(kCases / "issue-2599/d-track-process.json")).faults.at(0);
}

TEST(Explain, PartialOverlapIsADisagreement) {
  const Prediction p = IssueD();
  ASSERT_TRUE(p.failover_ms);
  Expectation x;
  x.failover_ms = Bound{*p.failover_ms->min + 1, *p.failover_ms->max + 50};
  const ExpectComparison c = CompareWithExpect(x, p);
  EXPECT_FALSE(c.agrees);
  EXPECT_THAT(c.lines, Contains(HasSubstr("DIFFERS")));
  x.failover_ms = Bound{*p.failover_ms->min - 1, *p.failover_ms->max + 1};
  EXPECT_TRUE(CompareWithExpect(x, p).agrees);
}

TEST(Explain, ExitCodeIsOneWhenAnyScenarioDisagrees) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("viplab-explain-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ifstream in(kCases / "issue-2599/d-track-process.json");
  std::stringstream text;
  text << in.rdbuf();
  std::string body = text.str();
  const std::string from = "\"owner_after\": \"lb2\"";
  ASSERT_NE(body.find(from), std::string::npos);
  body.replace(body.find(from), from.size(), "\"owner_after\": \"lb1\"");
  std::ofstream(dir / "wrong.json") << body;
  std::ostringstream out;
  EXPECT_EQ(ExplainCommand({(dir / "wrong.json").string()}, out), 1);
  EXPECT_THAT(out.str(), HasSubstr("DISAGREES"));
  std::ostringstream good;
  EXPECT_EQ(ExplainCommand({(kCases / "issue-2599/d-track-process.json").string()}, good), 0);
  std::filesystem::remove_all(dir);
}

// Every scenario file under cases/ (not the matrix file, which is not a scenario) agrees with the
// oracle, now and after every later change.
TEST(Explain, EveryShippedCaseAgreesWithTheOracle) {
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kCases)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    if (entry.path().filename() == "matrix.json") continue;
    ++files;
    const Scenario s = LoadScenario(entry.path());
    const ExplainResult r = ExplainScenarioResult(s);
    EXPECT_TRUE(r.agrees) << entry.path() << "\n" << r.text;
    EXPECT_GT(r.compared, 0) << entry.path() << ": nothing compared";
  }
  EXPECT_GE(files, 27);
}

}  // namespace
}  // namespace viplab
