// Shared helpers of the harness-level lab tests, which run whole scenarios with RunScenario:
// run options from the checked environment, a readable dump of a result for failure messages,
// and the LabRunTest fixture whose RunChecked() also asserts that the run left nothing behind.
// Links viplab_harness (the netns/daemon-level helpers are in lab_env.h).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "harness/lab/environment.h"
#include "harness/model/scenario.h"
#include "harness/run/runner.h"
#include "tests/common/lab_env.h"

namespace viplab::testing {

// CheckEnvironment against the build directory (its stand-in and check), and as RunOptions
// (the lab's programs from viplab::LabOptionsFor, everything else default). Throws
// EnvironmentError.
RunOptions RunOptionsFor(const Environment& env);
Environment BuildEnvironment();

// Everything a failed assertion on `r` should show: error, inconclusive reason, verdict failures
// and checks, the oracle's reasons, the steps, the events and the keepalived log tail.
std::string Describe(const ScenarioResult& r);

// Base fixture of the tests that run scenarios: skips when LabSkipReason() says so; fails
// (naming the fix) when the environment is incomplete, e.g. keepalived missing, rather than
// skipping, so a root run on a broken install never passes having run nothing. Derived
// SetUp()s call LabRunTest::SetUp() first and return early when IsSkipped() or HasFatalFailure().
class LabRunTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Run options for this machine (see RunOptionsFor); tests change fields before a run.
  RunOptions Options() const { return RunOptionsFor(env_); }

  // Runs `scenario`, then expects that its lab left nothing (LabLeftovers), that no child
  // process survived, and that the host's network is as it was before the run.
  ScenarioResult RunChecked(const Scenario& scenario, const RunOptions& options);
  ScenarioResult RunChecked(const Scenario& scenario) { return RunChecked(scenario, Options()); }

  Environment env_;
};

// LabRunTest for TEST_P (as ::testing::TestWithParam<T> is to ::testing::Test).
template <typename T>
class LabRunTestWithParam : public LabRunTest, public ::testing::WithParamInterface<T> {};

}  // namespace viplab::testing
