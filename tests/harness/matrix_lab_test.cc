// A representative subset of cases/matrix.json run for real and judged by the oracle (the matrix
// has no `expect`): every preemption x weight setup of the script check with the service killed
// (the keepalived #2599 family), track_process with the service faults, and the keepalived
// faults without a check. The full matrix: `build/viplab matrix cases/matrix.json`.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/lab/environment.h"
#include "harness/model/matrix.h"
#include "harness/model/sharding.h"
#include "harness/result/run_verdict.h"
#include "harness/run/runner.h"
#include "lab_checks.h"

namespace viplab {
namespace {

const std::filesystem::path kMatrix =
    std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases/matrix.json";
const std::vector<std::string> kSubset = {
    "*/script-*/service-kill", "nopreempt/process-fault/service-*",
    "preempt/process-w+large/service-kill", "preempt/none/keepalived-*"};

std::vector<std::string> SubsetNames() {
  std::vector<std::string> names;
  for (const MatrixEntry& e : LoadMatrix(kMatrix).entries) {
    if (MatchesAnyGlob(e.name, kSubset)) names.push_back(e.name);
  }
  return names;
}

std::string Describe(const ScenarioResult& r) {
  std::string out = fmt::format("error: {}\n", r.error);
  for (const auto& f : r.verdict.failures) out += "failure: " + f + "\n";
  if (r.prediction) {
    for (const auto& reason : r.prediction->reasons) out += "  oracle: " + reason + "\n";
  }
  for (const auto& e : r.events) {
    if (e.kind == "client") continue;
    out += fmt::format("  {:>9.1f} ms  {:<7} {:<13} {}\n", e.t_ms, e.node, e.kind, e.detail);
  }
  return out;
}

class MatrixSubset : public ::testing::TestWithParam<std::string> {};

TEST_P(MatrixSubset, MeasurementAgreesWithTheOracle) {
  const Matrix matrix = LoadMatrix(kMatrix);
  const auto entry = std::find_if(matrix.entries.begin(), matrix.entries.end(),
                                  [](const MatrixEntry& e) { return e.name == GetParam(); });
  ASSERT_NE(entry, matrix.entries.end());
  const Environment env = CheckEnvironment(VIPLAB_BUILD_DIR);
  RunOptions options;
  options.lab.keepalived = env.keepalived;
  options.lab.tools_dir = env.tools_dir;

  const ScenarioResult result = RunScenario(entry->scenario, options);

  EXPECT_EQ(result.judged_by, "oracle");
  ASSERT_TRUE(result.prediction.has_value());
  EXPECT_TRUE(result.passed) << Describe(result);
  // The subset is judged on what the fault did: a prediction that degraded to low confidence
  // (only owner_before checked) would make the run inconclusive, not a pass.
  EXPECT_NE(result.prediction->confidence, Confidence::kLow) << Describe(result);
  EXPECT_EQ(VerdictOf(result), RunVerdict::kPass) << result.inconclusive << "\n"
                                                  << Describe(result);
  EXPECT_GE(result.verdict.outcome_checks, 1u);
  EXPECT_THAT(testing::LabLeftovers(result.lab_prefix), ::testing::IsEmpty());
  EXPECT_THAT(testing::ChildProcesses(), ::testing::IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Matrix, MatrixSubset, ::testing::ValuesIn(SubsetNames()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace viplab
