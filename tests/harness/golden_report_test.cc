// Golden outputs, part 2: the reports, byte for byte.
//  - JSON: WriteReport's text of the synthetic sample (report_samples.h) is exactly
//    tests/harness/data/report-v1.json (report_test compares it as parsed JSON only), and of a
//    fixed run of the shipped scenarios: cases/catalog, failback and issue-2599 "run" without a
//    lab (the oracle's prediction, window and expectation as RunScenario computes them; measured
//    what the oracle predicts, failover at its bound's midpoint; judged by Judge), in
//    tests/harness/golden/reports/fixed-run.json.
//  - JUnit and HTML of every tests/harness/data/report-*.json (read with LoadReport) and of the
//    fixed run: tests/harness/golden/reports/<report>.junit.xml and <report>.html.
// Nothing here depends on the clock: started_at and wall times are fixed in the inputs.
// Regenerate deliberately: VIPLAB_UPDATE_GOLDEN=1 build/golden_test, then review the diff.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/model/scenario.h"
#include "harness/model/vrrp_timing.h"
#include "harness/oracle/oracle.h"
#include "harness/report/html_report.h"
#include "harness/report/junit.h"
#include "harness/report/report.h"
#include "harness/report/report_schema.h"
#include "harness/result/run_verdict.h"
#include "harness/run/judge.h"
#include "harness/run/runner.h"
#include "tests/harness/golden_check.h"
#include "tests/harness/report/report_samples.h"

namespace viplab {
namespace {

using nlohmann::json;
using testing::FirstDifference;
using testing::GoldenFolder;
using testing::ReadBytes;

const std::filesystem::path kSource = VIPLAB_SOURCE_DIR;
const std::filesystem::path kData = kSource / "tests/harness/data";

// WriteReport's bytes for `report` (written to a fresh temporary directory).
std::string WrittenReport(const json& report) {
  std::string pattern = (std::filesystem::temp_directory_path() / "viplab-golden-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  const std::filesystem::path dir = pattern;
  WriteReport(dir / "report.json", report);
  std::string text = ReadBytes(dir / "report.json");
  std::filesystem::remove_all(dir);
  return text;
}

TEST(GoldenReports, SyntheticSampleJsonTextIsTheGoldenFileByteForByte) {
  const json report = testing::SyntheticReport();
  if (testing::UpdatingGoldens()) WriteReport(testing::kGolden, report);
  EXPECT_EQ(FirstDifference(ReadBytes(testing::kGolden), WrittenReport(report)), "")
      << testing::kGolden.string();
}

// The measurement the oracle predicts: its owners, failover at the middle of its bound.
Measurement PredictedMeasurement(const Prediction& p) {
  Measurement m;
  m.owner_before = p.owner_before;
  m.owners_after = p.owners_after;
  if (p.owners_after.size() == 1) m.owner_after = p.owners_after.front();
  m.vip_moved = p.vip_moves;
  m.split_brain = p.split_brain;
  auto middle = [](const Bound& b) { return (b.min.value_or(0) + b.max.value_or(0)) / 2; };
  if (p.failover_ms) m.failover_ms = middle(*p.failover_ms);
  if (p.release_ms) m.release_ms = middle(*p.release_ms);
  return m;
}

// What RunScenarioOrThrow fills without a lab (see the file comment).
ScenarioResult FixedResult(const Scenario& scenario) {
  ScenarioResult result = NewResult(scenario, RunOptions{});
  result.file = scenario.file.lexically_relative(kSource).string();
  result.lab_prefix = "vl-1-";
  if (result.prediction) {
    result.fault = result.prediction->fault;
    result.measured = PredictedMeasurement(*result.prediction);
  }
  result.verdict = Judge(result.expected, result.measured);
  result.passed = result.error.empty() && result.verdict.passed;
  result.inconclusive = InconclusiveReason(result, scenario.is_sequence());
  result.protocol_floor_ms = ProtocolFloorMs(scenario, result.window_ms);
  result.wall_ms = 1000;
  return result;
}

json FixedRunReport() {
  const std::vector<Scenario> scenarios = LoadScenarios(
      {kSource / "cases/catalog", kSource / "cases/failback", kSource / "cases/issue-2599"});
  std::vector<ScenarioResult> results;
  for (const Scenario& s : scenarios) results.push_back(FixedResult(s));
  BatchTiming timing;
  timing.started_at = "2026-11-27T12:00:00Z";
  timing.wall_ms = 1000.0 * static_cast<double>(results.size());
  timing.jobs = 1;
  json report = BuildReport(results, scenarios, timing);
  report["version"] = "0.0.0-test";  // the golden file must not change with the project version
  return report;
}

// JUnit and HTML of `report`, as <stem>.junit.xml and <stem>.html.
void CheckRenderings(GoldenFolder& folder, const std::string& stem, const json& report) {
  folder.Check(stem + ".junit.xml", RenderJunit(report));
  folder.Check(stem + ".html", RenderHtml(report));
}

TEST(GoldenReports, FixedRunJsonJunitAndHtml) {
  GoldenFolder folder("reports");
  const json report = FixedRunReport();
  EXPECT_NO_THROW(CheckReport(report, "fixed run"));
  folder.Check("fixed-run.json", WrittenReport(report));
  CheckRenderings(folder, "fixed-run", report);
  // The saved reports in tests/harness/data (the synthetic sample and real runs).
  for (const auto& entry : std::filesystem::directory_iterator(kData)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("report-", 0) != 0 || entry.path().extension() != ".json") continue;
    CheckRenderings(folder, entry.path().stem().string(), LoadReport(entry.path()));
  }
  folder.Finish();
}

}  // namespace
}  // namespace viplab
