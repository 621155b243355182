// The report-schema validator rejects what docs/report-schema.json forbids, and LoadReport reads
// saved reports (the golden sample, older ones) and names what is wrong with bad ones. The
// schema-versus-BuildReport tests are in report_schema_test.cc; the shared fixtures are in
// report_samples.h. No root, no lab.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <stdexcept>

#include "harness/model/json_fields.h"
#include "harness/report/report_schema.h"
#include "netns/error.h"
#include "tests/harness/report_samples.h"

namespace viplab {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kGolden;
using testing::SchemaFile;
using testing::SyntheticReport;

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
    // mkdtemp: ctest runs these tests as parallel processes that may start in the same
    // millisecond, so neither the random seed nor a fixed name is unique.
    std::string tmpl = (std::filesystem::temp_directory_path() / "viplab-report-schema-XXXXXX");
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
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
