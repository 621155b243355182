// The fault catalog, each fault run for real (cases/catalog/*.json), and the fail-back setups
// (cases/failback/*.json: preempt returns, nopreempt stays, preempt_delay returns later): inject,
// check the outcome and timing window each file derives from the VRRP timers, clear, check the
// fail-back — and leave nothing behind.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/model/scenario.h"
#include "harness/run/runner.h"
#include "tests/common/lab_run.h"

namespace viplab {
namespace {

const std::filesystem::path kCases = std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases";

// "catalog/node-crash", "failback/preempt-returns", ...
std::vector<std::string> CatalogCases() {
  std::vector<std::string> names;
  for (const char* folder : {"catalog", "failback"}) {
    for (const auto& entry : std::filesystem::directory_iterator(kCases / folder)) {
      if (entry.path().extension() == ".json") {
        names.push_back(std::string(folder) + "/" + entry.path().stem().string());
      }
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

using testing::Describe;

class Catalog : public testing::LabRunTestWithParam<std::string> {};

TEST_P(Catalog, FaultAndFailBackMatchTheVrrpTimers) {
  const Scenario scenario = LoadScenario(kCases / (GetParam() + ".json"));
  ASSERT_TRUE(scenario.is_sequence());

  // Also checks that nothing was left behind and the host is untouched.
  const ScenarioResult result = RunChecked(scenario);

  EXPECT_TRUE(result.passed) << Describe(result);
  ASSERT_EQ(result.steps.size(), scenario.steps.size());
  for (const StepResult& step : result.steps) EXPECT_FALSE(step.skipped) << Describe(result);
  // Every fault was injected into the initial master, and logged as such.
  EXPECT_EQ(result.measured.owner_before, "lb1");
  const bool injected = std::any_of(result.events.begin(), result.events.end(), [](const auto& e) {
    return e.kind == "fault" && e.node == "lb1" && e.t_ms == 0;
  });
  EXPECT_TRUE(injected) << Describe(result);
}

INSTANTIATE_TEST_SUITE_P(Faults, Catalog, ::testing::ValuesIn(CatalogCases()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' || c == '/' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace viplab
