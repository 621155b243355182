// The JSON report's schema (docs/report-schema.json) and the code that writes it (BuildReport)
// agree: every required key is emitted, no undocumented key is, and the whole report validates.
// Also pins the validator (it must reject what the schema forbids) and LoadReport's messages.
// tests/harness/data/report-v1.json is a golden BuildReport output; regenerate it with
//   VIPLAB_UPDATE_GOLDEN=1 build/report_test --gtest_filter='ReportSchema.Golden*'
// No root, no lab.
#include "harness/report_schema.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <stdexcept>

#include "harness/json_fields.h"
#include "harness/report.h"
#include "netns/error.h"

namespace viplab {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::filesystem::path kSourceDir = VIPLAB_SOURCE_DIR;
const std::filesystem::path kGolden = kSourceDir / "tests/harness/data/report-v1.json";

json SchemaFile() { return ReadJsonFile(kSourceDir / "docs/report-schema.json"); }

// --- Synthetic results covering every branch of ScenarioResultToJson ---------------------------

Scenario MakeScenario(const std::string& name, const std::string& description,
                      Startup startup = Startup::kStaggered) {
  Scenario s;
  s.name = name;
  s.description = description;
  s.startup = startup;
  return s;
}

Prediction CrashPrediction() {
  Prediction p;
  p.fault = "SIGKILL to keepalived's VRRP child and parent (crash) on lb1";
  p.target = "lb1";
  p.owner_before = "lb1";
  p.owners_after = {"lb1", "lb2"};
  p.owner_after = "lb1+lb2";
  p.new_owner = "lb2";
  p.split_brain = true;
  p.failover_ms = Bound{1299.7, 1904.7};
  p.confidence = Confidence::kHigh;
  p.reasons = {
      "keepalived's VRRP child and parent on lb1 are SIGKILLed: no priority-0 advert, and "
      "nothing removes the VIP from lb1",
      "lb2's down timer is no longer restarted by lb1's adverts: lb2 becomes MASTER (MDI - "
      "advert, MDI] after the last advert it heard, Master_Down_Interval = 3 x 0.5 s + 304.7 ms "
      "= 1804.7 ms",
      "lb1 keeps the VIP (nothing is left running to remove it): lb1 and lb2 both own it - split "
      "brain until the fault is cleared"};
  return p;
}

// Passed, judged by the file's expect, VIP moved cleanly.
ScenarioResult PassedResult() {
  ScenarioResult r;
  r.name = "catalog/keepalived-stop";
  r.file = "cases/catalog/keepalived-stop.json";
  r.passed = true;
  r.fault = "SIGTERM to keepalived on lb1";
  r.service = "standin";
  r.converge_ms = 2410.26;
  r.window_ms = 4314.1;
  r.measured.owner_before = "lb1";
  r.measured.owners_after = {"lb2"};
  r.measured.owner_after = "lb2";
  r.measured.vip_moved = true;
  r.measured.failover_ms = 612.34;
  r.measured.release_ms = 3.21;
  r.measured.outage_ms = 620.0;
  r.measured.no_owner_ms = 609.1;
  r.measured.outage_total_ms = 620.0;
  r.measured.probes = 231;
  r.measured.probes_failed = 62;
  r.measured.observed_ms = 2314.0;
  r.verdict.checks = {"owner_before: expected lb1, measured lb1",
                      "owner_after: expected lb2, measured lb2",
                      "failover_ms: expected 300..1200, measured 612.3"};
  r.verdict.outcome_checks = 2;
  Prediction p;
  p.fault = r.fault;
  p.target = "lb1";
  p.owner_before = "lb1";
  p.owners_after = {"lb2"};
  p.owner_after = "lb2";
  p.vip_moves = true;
  p.failover_ms = Bound{295.0, 1156.9};
  p.release_ms = Bound{0.0, 100.0};
  p.reasons = {
      "keepalived on lb1 stops gracefully: it sends a priority-0 advert and removes the "
      "VIP",
      "lb2 takes over after its Skew_Time (156.9 ms)"};
  r.prediction = p;
  r.expected.owner_before = "lb1";
  r.expected.owner_after = "lb2";
  r.expected.failover_ms = Bound{300.0, 1200.0};
  r.judged_by = "expect";
  r.wall_ms = 5123.45;
  r.protocol_floor_ms = 4419.7;
  r.events = {{-1804.7, "lb1", "state", "MASTER"},
              {-1804.2, "lb1", "vip_added", "10.77.0.200/24"},
              {0.0, "lb1", "fault", "SIGTERM to keepalived on lb1"},
              {3.21, "lb1", "vip_removed", "10.77.0.200/24"},
              {612.34, "lb2", "vip_added", "10.77.0.200/24"},
              {620.0, "client", "client", "served by lb2"}};
  return r;
}

// Failed, judged by the oracle, split brain; with the log tail a failed run carries.
ScenarioResult FailedResult() {
  ScenarioResult r;
  r.name = "nopreempt/script-w2/keepalived-crash";
  r.file = "cases/matrix.json";
  r.passed = false;
  r.fault = "SIGKILL to keepalived's VRRP child and parent (crash) on lb1";
  r.service = "haproxy";
  r.converge_ms = 3551.0;
  r.window_ms = 5609.4;
  r.measured.owner_before = "lb1";
  r.measured.owners_after = {"lb1", "lb2"};
  r.measured.failover_ms = 2412.06;
  r.measured.dual_owner_ms = 3197.3;
  r.measured.split_brain = true;
  r.measured.split_brain_ms = 3197.3;
  r.measured.outage_ms = 0.0;
  r.measured.probes = 561;
  r.measured.observed_ms = 5609.4;
  r.verdict.passed = false;
  r.verdict.checks = {"owner_before: expected lb1, measured lb1",
                      "failover_ms: expected 1294.7..2004.7, measured 2412.1",
                      "split_brain: expected true, measured true"};
  r.verdict.failures = {"failover_ms: expected 1294.7..2004.7, measured 2412.1"};
  r.verdict.outcome_checks = 2;
  r.prediction = CrashPrediction();
  r.expected.owner_before = "lb1";
  r.expected.failover_ms = Bound{1294.7, 2004.7};
  r.expected.split_brain = true;
  r.judged_by = "oracle";
  r.wall_ms = 11002.0;
  r.protocol_floor_ms = 7710.2;
  r.events = {{0.0, "lb1", "fault", r.fault},
              {0.4, "lb1", "process_exit", "keepalived (SIGKILL)"},
              {2412.06, "lb2", "state", "MASTER"},
              {2412.5, "lb2", "vip_added", "10.77.0.200/24"}};
  r.log_tail = {"lb1: Keepalived_vrrp[412]: (VI_1) Entering MASTER STATE",
                "lb2: Keepalived_vrrp[433]: (VI_1) Entering BACKUP STATE (init)",
                "lb2: Keepalived_vrrp[433]: (VI_1) Entering MASTER STATE"};
  r.pcap = "viplab-logs/nopreempt_script-w2_keepalived-crash/capture.pcap";
  return r;
}

// Could not be judged: the lab never converged (no owner, no prediction).
ScenarioResult ErrorResult() {
  ScenarioResult r;
  r.name = "lone-node";
  r.file = "cases/lone-node.json";
  r.passed = false;
  r.error = "no master was elected within 12304 ms (lb1 BACKUP)";
  r.service = "standin";
  r.judged_by = "expect";
  r.expected.owner_after = "none";
  r.wall_ms = 12400.0;
  r.protocol_floor_ms = 3000.0;
  r.window_ms = 4000.0;
  r.log_tail = {"lb1: Keepalived_vrrp[77]: (VI_1) Entering BACKUP STATE (init)"};
  return r;
}

// A sequence: inject, wait, expect (with its measurement), clear, and a skipped step.
ScenarioResult SequenceResult() {
  ScenarioResult r;
  r.name = "failback/preempt-delay";
  r.file = "cases/failback/preempt-delay.json";
  r.passed = true;
  r.fault = "SIGSTOP to keepalived on lb1";
  r.service = "standin";
  r.measured.owner_before = "lb1";
  r.measured.owners_after = {"lb1"};
  r.measured.owner_after = "lb1";
  r.measured.outage_ms = 1811.0;
  r.measured.outage_total_ms = 1811.0;
  r.measured.dual_owner_ms = 12.4;
  r.measured.handover_overlap_ms = 12.4;
  r.judged_by = "expect";
  r.prediction = CrashPrediction();
  r.prediction->release_ms = Bound{std::nullopt, 100.0};
  r.prediction->confidence = Confidence::kMedium;
  r.verdict.checks = {"step 3 (expect): owner_after: expected lb2, measured lb2"};
  r.verdict.outcome_checks = 1;
  auto step = [](size_t index, const char* kind, const char* description, double t_ms,
                 double duration_ms) {
    StepResult s;
    s.index = index;
    s.kind = kind;
    s.description = description;
    s.t_ms = t_ms;
    s.duration_ms = duration_ms;
    return s;
  };
  StepResult inject = step(0, "inject", "SIGSTOP to keepalived on lb1", 0.0, 2.5);
  StepResult wait = step(1, "wait", "owner == lb2 within 5000 ms", 2.5, 1850.3);
  StepResult expect = step(2, "expect", "owner_after lb2", 1852.8, 0.2);
  expect.checks = {"owner_after: expected lb2, measured lb2"};
  expect.outcome_checks = 1;
  Measurement phase;
  phase.owner_before = "lb1";
  phase.owners_after = {"lb2"};
  phase.owner_after = "lb2";
  phase.vip_moved = true;
  phase.failover_ms = 1849.9;
  phase.dual_owner_ms = 0;
  expect.measured = phase;
  // The clear's phase: lb1 thaws and takes the VIP back, overlapping lb2 for 12.4 ms.
  StepResult clear = step(3, "clear", "SIGCONT to keepalived on lb1", 1853.0, 1.0);
  Measurement back;
  back.owner_before = "lb2";
  back.owners_after = {"lb1"};
  back.owner_after = "lb1";
  back.vip_moved = true;
  back.failover_ms = 40.2;
  back.release_ms = 52.6;
  back.dual_owner_ms = 12.4;
  back.handover_overlap_ms = 12.4;
  back.outage_ms = 0;
  clear.measured = back;
  StepResult hold = step(4, "hold", "hold 1000 ms", 1854.0, 0);
  hold.skipped = true;
  r.steps = {inject, wait, expect, clear, hold};
  r.wall_ms = 9000.0;
  return r;
}

// Inconclusive: every check held, but a low-confidence oracle prediction checks only
// owner_before; a node crash leaves a stale VIP on the powered-off lb1.
ScenarioResult InconclusiveResult() {
  ScenarioResult r;
  r.name = "nopreempt/none/node-crash";
  r.file = "cases/matrix.json";
  r.passed = true;
  r.fault = "power-off of lb1 (node crash)";
  r.service = "standin";
  r.split_brain_tolerance_ms = 40;
  r.measured.owner_before = "lb1";
  r.measured.owners_after = {"lb2"};
  r.measured.owner_after = "lb2";
  r.measured.vip_moved = true;
  r.measured.failover_ms = 1702.3;
  r.measured.release_ms = 0.1;
  r.measured.stale_vip_ms = 4100.0;
  r.measured.no_owner_ms = 1702.2;
  r.measured.outage_ms = 1710.0;
  r.measured.outage_total_ms = 1730.0;
  r.measured.split_brain_tolerance_ms = 40;
  r.measured.observed_ms = 4100.0;
  r.verdict.checks = {"owner_before: expected lb1, measured lb1"};
  r.prediction = CrashPrediction();
  r.prediction->confidence = Confidence::kLow;
  r.expected.owner_before = "lb1";
  r.judged_by = "oracle";
  r.inconclusive =
      "the oracle's prediction has low confidence, so only owner_before (the initial election) "
      "was checked, not what the fault did";
  r.events = {{0.0, "lb1", "fault", r.fault},
              {0.1, "lb1", "power", "off"},
              {1702.3, "lb2", "vip_added", "10.77.0.200/24"}};
  r.wall_ms = 8000.0;
  return r;
}

json SyntheticReport() {
  const std::vector<ScenarioResult> results = {PassedResult(), FailedResult(), ErrorResult(),
                                               SequenceResult(), InconclusiveResult()};
  const std::vector<Scenario> scenarios = {
      MakeScenario("catalog/keepalived-stop", "keepalived stops gracefully on the master"),
      MakeScenario("nopreempt/script-w2/keepalived-crash", "matrix: nopreempt x script x w2",
                   Startup::kSimultaneous),
      MakeScenario("lone-node", "a single node that never becomes master"),
      MakeScenario("failback/preempt-delay", "the master freezes and thaws"),
      MakeScenario("nopreempt/none/node-crash", "matrix: nopreempt x none, node crash")};
  json report = BuildReport(results, scenarios, {"2026-11-25T21:34:27Z", 30123.45, 2});
  report["version"] = "0.0.0-test";  // the golden file must not change with the project version
  return report;
}

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

// The ownership and split-brain fields beside the existing ones (harness/ownership.h).
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

// --- The validator rejects what the schema forbids ---------------------------------------------

std::vector<std::string> StrictErrors(const json& report) {
  return SchemaErrors(SchemaFile(), report, SchemaMode::kStrict);
}

TEST(ReportSchemaValidator, RejectsUndocumentedKeysInStrictModeOnly) {
  json report = SyntheticReport();
  report["pcap"] = "run.pcap";
  report["scenarios"][1]["colour"] = "red";
  EXPECT_THAT(StrictErrors(report),
              ElementsAre("pcap: not in the schema", "scenarios[1].colour: not in the schema"));
  EXPECT_THAT(SchemaErrors(SchemaFile(), report, SchemaMode::kReader), IsEmpty());
}

TEST(ReportSchemaValidator, RejectsMissingKeys) {
  json report = SyntheticReport();
  report.erase("jobs");
  report["scenarios"][0].erase("failover_ms");
  report["scenarios"][3]["steps"][2]["measured"].erase("dual_owner_ms");
  EXPECT_THAT(StrictErrors(report),
              ElementsAre("jobs: missing", "scenarios[0].failover_ms: missing",
                          "scenarios[3].steps[2].measured.dual_owner_ms: missing"));
}

// Errors come in key order within each object (required keys first), objects depth first.
TEST(ReportSchemaValidator, RejectsWrongTypesAndValues) {
  json report = SyntheticReport();
  report["wall_ms"] = "30 s";
  report["started_at"] = "yesterday";
  report["scenarios"][0]["failover_ms"] = "612";
  report["scenarios"][0]["startup"] = "eventually";
  report["scenarios"][0]["probes"] = -1;
  report["scenarios"][1]["probes_failed"] = 1.5;
  report["scenarios"][1]["log_tail"][0] = 42;
  report["scenarios"][2]["events"] = json::object();
  EXPECT_THAT(
      StrictErrors(report),
      ElementsAre(
          "scenarios[0].failover_ms: expected number or null, got string \"612\"",
          "scenarios[0].probes: -1 is below the minimum 0",
          "scenarios[0].startup: expected one of \"staggered\", \"simultaneous\", got string "
          "\"eventually\"",
          "scenarios[1].log_tail[0]: expected string, got number 42",
          "scenarios[1].probes_failed: expected integer, got number 1.5",
          "scenarios[2].events: expected array, got object",
          "started_at: \"yesterday\" does not match "
          "\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$\"",
          "wall_ms: expected number, got string \"30 s\""));
}

TEST(ReportSchemaValidator, ExplainsAnyOfByTheBranchThatFits) {
  json report = SyntheticReport();
  report["scenarios"][0]["prediction"].erase("reasons");
  report["scenarios"][0]["prediction"]["confidence"] = "certain";
  report["scenarios"][1]["prediction"] = "lb2";
  EXPECT_THAT(StrictErrors(report),
              ElementsAre("scenarios[0].prediction.reasons: missing",
                          "scenarios[0].prediction.confidence: expected one of \"low\", "
                          "\"medium\", \"high\", got string \"certain\"",
                          "scenarios[1].prediction: expected object or null, got string \"lb2\""));
}

TEST(ReportSchemaValidator, StopsAtTheLimit) {
  json report = SyntheticReport();
  for (json& s : report["scenarios"]) s.erase("name");
  EXPECT_EQ(SchemaErrors(SchemaFile(), report, SchemaMode::kStrict, 2).size(), 2u);
}

TEST(ReportSchemaValidator, RefusesKeywordsItDoesNotImplement) {
  const json schema = {{"type", "object"}, {"oneOf", json::array()}};
  EXPECT_THROW(SchemaErrors(schema, json::object(), SchemaMode::kStrict), std::logic_error);
  const json nested = {{"properties", {{"a", {{"format", "date-time"}}}}}};
  EXPECT_THROW(SchemaErrors(nested, json::object(), SchemaMode::kStrict), std::logic_error);
  const json bad_ref = {{"$ref", "other.json#/x"}};
  EXPECT_THROW(SchemaErrors(bad_ref, json::object(), SchemaMode::kStrict), std::logic_error);
}

// --- Reading a saved report ----------------------------------------------------------------------

class LoadReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        fmt::format("viplab-report-schema-{}", ::testing::UnitTest::GetInstance()->random_seed());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  static std::string MessageOf(const std::string& file) {
    try {
      LoadReport(file);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no InputError)";
  }
  std::filesystem::path dir_;
};

TEST_F(LoadReportTest, ReadsTheGoldenSample) {
  EXPECT_EQ(LoadReport(kGolden), ReadJsonFile(kGolden));
}

TEST_F(LoadReportTest, AcceptsKeysAddedWithinTheSchemaVersion) {
  json report = SyntheticReport();
  report["scenarios"][0]["pcap"] = "lb1.pcap";
  EXPECT_NO_THROW(LoadReport(Write("newer.json", report.dump())));
}

// Schema version 1 grew by adding keys: reports from older builds lack some.
TEST_F(LoadReportTest, AcceptsReportsFromBeforeKeysWereAdded) {
  json report = SyntheticReport();
  report.erase("wall_ms");
  report.erase("jobs");
  for (json& s : report["scenarios"]) {
    for (const char* key : {"startup", "service", "judged_by", "pcap", "protocol_floor_ms"}) {
      s.erase(key);
    }
  }
  EXPECT_NO_THROW(LoadReport(Write("old.json", report.dump())));
}

// Whatever sample reports the tests keep (the golden one, and reports of real runs) load.
TEST_F(LoadReportTest, EverySampleReportLoads) {
  int samples = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kGolden.parent_path())) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("report-", 0) != 0 || entry.path().extension() != ".json") continue;
    EXPECT_NO_THROW(LoadReport(entry.path())) << name;
    ++samples;
  }
  EXPECT_GE(samples, 1);
}

TEST_F(LoadReportTest, MissingFile) {
  const std::string file = (dir_ / "none.json").string();
  EXPECT_EQ(MessageOf(file), file + ": no such file");
}

TEST_F(LoadReportTest, MalformedJsonNamesLineAndColumn) {
  const std::string file = Write("bad.json", "{\n  \"schema_version\": 1,,\n}\n");
  EXPECT_THAT(MessageOf(file), HasSubstr(file + ":2:23: malformed JSON"));
}

TEST_F(LoadReportTest, OtherSchemaVersion) {
  json report = SyntheticReport();
  report["schema_version"] = 2;
  const std::string file = Write("v2.json", report.dump());
  EXPECT_THAT(MessageOf(file),
              HasSubstr(file + ": schema_version 2 is not supported; viplab " VIPLAB_VERSION
                               " reads schema_version 1 only"));
}

TEST_F(LoadReportTest, NotAReport) {
  EXPECT_EQ(
      MessageOf(Write("array.json", "[1, 2]")),
      (dir_ / "array.json").string() + ": not a viplab report: expected a JSON object, got array");
  EXPECT_EQ(MessageOf(Write("scenario.json", R"({"name": "x", "nodes": []})")),
            (dir_ / "scenario.json").string() + ": not a viplab report: no schema_version");
  EXPECT_EQ(MessageOf(Write("empty.json", R"({"schema_version": 1})")),
            (dir_ / "empty.json").string() +
                ": not a valid viplab report (see docs/report-schema.json):\n  scenarios: missing");
}

TEST_F(LoadReportTest, WrongFieldsAreListed) {
  json report = SyntheticReport();
  report["scenarios"][1]["failures"] = "failover_ms too slow";
  report["scenarios"][2].erase("name");
  report["scenarios"][2].erase("expected");  // not needed by a reader
  const std::string file = Write("broken.json", report.dump());
  EXPECT_EQ(MessageOf(file),
            file +
                ": not a valid viplab report (see docs/report-schema.json):\n"
                "  scenarios[1].failures: expected array, got string \"failover_ms "
                "too slow\"\n"
                "  scenarios[2].name: missing");
}

}  // namespace
}  // namespace viplab
