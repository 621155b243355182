// Shared fixtures of report_test: the schema file, the golden sample, and a synthetic
// BuildReport output (five scenarios covering every branch of ScenarioResultToJson).
// tests/harness/data/report-v1.json is a golden BuildReport output; regenerate it with
//   VIPLAB_UPDATE_GOLDEN=1 build/report_test --gtest_filter='ReportSchema.Golden*'
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/model/scenario.h"

namespace viplab::testing {

inline const std::filesystem::path kSourceDir = VIPLAB_SOURCE_DIR;
inline const std::filesystem::path kGolden = kSourceDir / "tests/harness/data/report-v1.json";

// docs/report-schema.json, as read from the source tree.
nlohmann::json SchemaFile();

// A scenario with just a name, a description and a startup mode.
Scenario MakeScenario(const std::string& name, const std::string& description,
                      Startup startup = Startup::kStaggered);

// BuildReport of five synthetic results (pass, fail, error, sequence, inconclusive), with the
// version pinned to "0.0.0-test" so that the golden file does not change with the project.
nlohmann::json SyntheticReport();

}  // namespace viplab::testing
