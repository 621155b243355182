// The JSON report's schema (docs/report-schema.json) and the code that writes it (BuildReport)
// agree: every required key is emitted, no undocumented key is, and the whole report validates.
// Also the golden sample, partial reports, and the atomic write. The validator and LoadReport's
// messages are pinned in report_schema_validator_test.cc; the shared fixtures are in
// report_samples.h (how to regenerate the golden sample is there too).
// No root, no lab.
#include "harness/report/report_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

#include "harness/model/json_fields.h"
#include "harness/report/report.h"
#include "tests/harness/report_samples.h"

namespace viplab {
namespace {

using nlohmann::json;
using ::testing::IsEmpty;
using testing::kGolden;
using testing::MakeScenario;
using testing::SchemaFile;
using testing::SyntheticReport;

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

std::set<std::string> Strings(const json& array) { return {array.begin(), array.end()}; }

// --- Schema and code agree --------------------------------------------------------------------

TEST(ReportSchema, CompiledInSchemaIsTheDocsFile) { EXPECT_EQ(ReportSchema(), SchemaFile()); }

TEST(ReportSchema, UsesOnlyKeywordsTheValidatorImplements) {
  EXPECT_NO_THROW(SchemaErrors(SchemaFile(), json::object(), SchemaMode::kStrict));
  EXPECT_EQ(SchemaFile()["properties"]["schema_version"]["const"], kReportSchemaVersion);
}

TEST(ReportSchema, EveryRequiredKeyIsEmitted) {
  const json schema = SchemaFile();
  const json report = SyntheticReport();
  for (const json& key : schema["required"]) {
    EXPECT_TRUE(report.contains(key.get<std::string>())) << "top level: " << key;
  }
  const json& scenario_schema = schema["$defs"]["scenario"];
  ASSERT_EQ(report["scenarios"].size(), 5u);
  for (const json& scenario : report["scenarios"]) {
    for (const json& key : scenario_schema["required"]) {
      EXPECT_TRUE(scenario.contains(key.get<std::string>())) << scenario["name"] << ": " << key;
    }
  }
}

TEST(ReportSchema, NoUndocumentedKeyIsEmitted) {
  const json schema = SchemaFile();
  const json report = SyntheticReport();
  for (const std::string& key : Keys(report)) {
    EXPECT_TRUE(schema["properties"].contains(key)) << "top level: " << key;
  }
  for (const json& scenario : report["scenarios"]) {
    for (const std::string& key : Keys(scenario)) {
      EXPECT_TRUE(schema["$defs"]["scenario"]["properties"].contains(key))
          << scenario["name"] << ": " << key << " is not in docs/report-schema.json";
    }
  }
}

// BuildReport writes every key of the top level and of each scenario, null when it does not
// apply, so the schema requires every key it documents there.
TEST(ReportSchema, TopLevelAndScenarioRequireEveryDocumentedKey) {
  const json schema = SchemaFile();
  EXPECT_EQ(Strings(schema["required"]), Keys(schema["properties"]));
  const json& scenario = schema["$defs"]["scenario"];
  EXPECT_EQ(Strings(scenario["required"]), Keys(scenario["properties"]));
}

// The full check, nested objects included (prediction, steps, measured, events, bounds).
TEST(ReportSchema, BuildReportOutputValidatesStrictly) {
  EXPECT_THAT(SchemaErrors(SchemaFile(), SyntheticReport(), SchemaMode::kStrict), IsEmpty());
  EXPECT_NO_THROW(CheckReport(SyntheticReport(), "synthetic"));
}

TEST(ReportSchema, NullableFieldsAreExercisedBothWays) {
  const json report = SyntheticReport();
  const json& s = report["scenarios"];
  EXPECT_TRUE(s[0]["error"].is_null());
  EXPECT_TRUE(s[2]["error"].is_string());
  EXPECT_TRUE(s[0]["owner_after"].is_string());
  EXPECT_TRUE(s[1]["owner_after"].is_null());
  EXPECT_TRUE(s[2]["owner_before"].is_null());
  EXPECT_TRUE(s[0]["failover_ms"].is_number());
  EXPECT_TRUE(s[2]["failover_ms"].is_null());
  EXPECT_TRUE(s[0]["prediction"].is_object());
  EXPECT_TRUE(s[2]["prediction"].is_null());
  EXPECT_TRUE(s[0]["pcap"].is_null());
  EXPECT_TRUE(s[1]["pcap"].is_string());
  EXPECT_TRUE(s[0]["prediction"]["release_ms"].is_object());
  EXPECT_TRUE(s[1]["prediction"]["release_ms"].is_null());
  EXPECT_TRUE(s[3]["steps"][2].contains("measured"));
  EXPECT_FALSE(s[3]["steps"][0].contains("measured"));
  EXPECT_EQ(s[3]["steps"][0]["index"], 1);
  EXPECT_TRUE(s[0]["verdict_reason"].is_null());
  EXPECT_TRUE(s[4]["verdict_reason"].is_string());
}

// One verdict word per scenario, consistent with passed and error.
TEST(ReportSchema, VerdictWordFollowsErrorPassedAndInconclusive) {
  const json report = SyntheticReport();
  const json& s = report["scenarios"];
  EXPECT_EQ(s[0]["verdict"], "pass");
  EXPECT_EQ(s[1]["verdict"], "fail");
  EXPECT_EQ(s[2]["verdict"], "error");
  EXPECT_EQ(s[3]["verdict"], "pass");
  EXPECT_EQ(s[4]["verdict"], "inconclusive");
  EXPECT_EQ(s[4]["passed"], true);  // "not failed"
  EXPECT_THAT(s[4]["verdict_reason"].get<std::string>(), ::testing::HasSubstr("low confidence"));
  EXPECT_EQ(report["passed"], false);
}

// The ownership and split-brain fields beside the existing ones (harness/model/ownership.h).
TEST(ReportSchema, SplitBrainStaleVipAndOutageTotals) {
  const json report = SyntheticReport();
  const json& s = report["scenarios"];
  EXPECT_EQ(s[1]["split_brain"], true);
  EXPECT_EQ(s[1]["split_brain_ms"], 3197.3);
  EXPECT_EQ(s[1]["handover_overlap_ms"], 0.0);
  EXPECT_EQ(s[3]["split_brain"], false);  // a 12.4 ms handover overlap is not split brain
  EXPECT_EQ(s[3]["dual_owner_ms"], 12.4);
  EXPECT_EQ(s[3]["handover_overlap_ms"], 12.4);
  EXPECT_EQ(s[3]["steps"][3]["measured"]["handover_overlap_ms"], 12.4);
  EXPECT_EQ(s[3]["steps"][3]["measured"]["split_brain"], false);
  EXPECT_EQ(s[0]["split_brain_tolerance_ms"], 150.0);
  EXPECT_EQ(s[4]["split_brain_tolerance_ms"], 40.0);
  EXPECT_EQ(s[4]["stale_vip_ms"], 4100.0);
  EXPECT_EQ(s[4]["outage_ms"], 1710.0);
  EXPECT_EQ(s[4]["outage_total_ms"], 1730.0);
}

TEST(ReportSchema, GoldenSampleIsCurrentBuildReportOutput) {
  const json report = SyntheticReport();
  if (std::getenv("VIPLAB_UPDATE_GOLDEN") != nullptr) WriteReport(kGolden, report);
  EXPECT_EQ(ReadJsonFile(kGolden), report)
      << "BuildReport's output changed: update docs/report-schema.json (and schema_version if a "
         "key was removed or retyped), then regenerate "
      << kGolden << " with VIPLAB_UPDATE_GOLDEN=1";
  EXPECT_THAT(SchemaErrors(SchemaFile(), ReadJsonFile(kGolden), SchemaMode::kStrict), IsEmpty());
}

// A batch cut short: the report written after its k-th scenario says so, and validates.
TEST(ReportSchema, PartialReportOfTheFinishedScenarios) {
  const json full = SyntheticReport();
  EXPECT_EQ(full["partial"], false);
  EXPECT_EQ(full["scenarios_planned"], full["scenarios"].size());
  std::vector<ScenarioResult> results;
  for (const json& s : full["scenarios"]) {
    ScenarioResult r;
    r.name = s["name"];
    r.passed = true;
    r.service = "standin";
    r.judged_by = "expect";
    results.push_back(r);
    if (results.size() == 2) break;
  }
  BatchTiming timing;
  timing.started_at = "2026-11-25T21:34:27Z";
  timing.wall_ms = 100;
  timing.partial = true;
  timing.planned = 189;
  std::vector<Scenario> scenarios = {MakeScenario("a", "first"), MakeScenario("b", "second")};
  const json report = BuildReport(results, scenarios, timing);
  EXPECT_EQ(report["partial"], true);
  EXPECT_EQ(report["scenarios_planned"], 189);
  EXPECT_EQ(report["scenarios"].size(), 2u);
  EXPECT_THAT(SchemaErrors(SchemaFile(), report, SchemaMode::kStrict), IsEmpty());
}

TEST(ReportSchema, WriteReportReplacesTheFileAtomically) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("viplab-atomic-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const auto file = dir / "out" / "report.json";
  WriteReport(file, SyntheticReport());
  json second = SyntheticReport();
  second["partial"] = true;
  WriteReport(file, second);
  EXPECT_EQ(ReadJsonFile(file), second);
  // Only the report itself: no temporary file left beside it.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir / "out")) {
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace viplab
