// The verdict options of the CLI on real runs: --split-brain-tolerance reaches the measurement
// (a 500 ms split brain is a handover under a 5 s tolerance, so an expect of split brain fails),
// and a scenario whose checks judge nothing is INCONCLUSIVE: exit 0, or 1 with --strict.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/common/cli_process.h"
#include "tests/common/lab_env.h"

namespace viplab {
namespace {

using testing::CliProcess;
using ::testing::HasSubstr;

const std::string kSource = VIPLAB_SOURCE_DIR;

TEST(VerdictLab, SplitBrainToleranceFromTheCommandLine) {
  VIPLAB_SKIP_UNLESS_LAB();
  const testing::ScratchDir dir("viplab-verdict-lab");
  const auto report = dir / "report.json";
  CliProcess cli({"run", kSource + "/cases/catalog/keepalived-crash.json",
                  "--split-brain-tolerance", "5000", "--json", report.string()});
  EXPECT_EQ(cli.Wait(), 1) << cli.output();
  EXPECT_THAT(cli.output(), HasSubstr("split_brain: expected true, measured false (split brain 0 "
                                      "ms, handover overlap"));
  EXPECT_THAT(cli.output(), HasSubstr("tolerance 5000 ms)"));
  const nlohmann::json r = nlohmann::json::parse(std::ifstream(report));
  const nlohmann::json& s = r["scenarios"][0];
  EXPECT_EQ(s["split_brain_tolerance_ms"], 5000.0);
  EXPECT_EQ(s["split_brain"], false);
  EXPECT_EQ(s["verdict"], "fail");
  EXPECT_GT(s["handover_overlap_ms"].get<double>(), 300);
}

// A sequence without expect steps checks nothing: INCONCLUSIVE, exit 0; with --strict exit 1.
TEST(VerdictLab, SequenceWithoutExpectIsInconclusiveAndStrictFailsIt) {
  VIPLAB_SKIP_UNLESS_LAB();
  nlohmann::json scenario =
      nlohmann::json::parse(std::ifstream(kSource + "/cases/catalog/service-kill.json"));
  scenario["name"] = "verdict-lab/no-expect";
  scenario["steps"] = nlohmann::json::parse(R"([
      {"inject": {"target": "service", "action": "kill", "node": "master", "signal": "KILL"}},
      {"wait": {"owner": "lb2", "timeout_ms": 3000}},
      {"clear": true}])");
  const testing::ScratchDir dir("viplab-verdict-lab");
  const auto file = dir / "no-expect.json";
  std::ofstream(file) << scenario.dump(2);
  for (const bool strict : {false, true}) {
    std::vector<std::string> args = {"run", file.string()};
    if (strict) args.push_back("--strict");
    CliProcess cli(args);
    EXPECT_EQ(cli.Wait(), strict ? 1 : 0) << cli.output();
    EXPECT_THAT(cli.output(), HasSubstr("INCONCLUSIVE  verdict-lab/no-expect"));
    EXPECT_THAT(cli.output(), HasSubstr("not judged: the sequence has no expect step"));
    EXPECT_THAT(cli.output(), HasSubstr("0 passed, 0 failed, 1 inconclusive"));
  }
}

}  // namespace
}  // namespace viplab
