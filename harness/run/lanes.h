// Lanes: run a list of scenarios, up to N at once, each entirely on one of N long-lived worker
// threads. Running a scenario on one thread from start to teardown matters: every daemon a lab
// starts carries PR_SET_PDEATHSIG, which fires when the *thread* that forked it exits, so the
// thread must outlive its lab. Each RunScenario call builds its own lab (own vl-<id>- prefix,
// bridge, namespaces and cgroups), so lanes share nothing but the process.
//
// Results come back in input order whatever the completion order, and on_result sees them in
// that order as soon as a prefix of the list is done, so the output of a parallel run reads like
// that of a serial one (only timings differ).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "harness/model/scenario.h"
#include "harness/run/runner.h"

namespace viplab {

// Runs one scenario; RunScenario bound to its options in the CLI, a fake in tests. Called from
// worker threads, possibly concurrently: it must be thread-safe.
using ScenarioRunner = std::function<ScenarioResult(const Scenario&)>;

struct LaneOptions {
  int jobs = 1;  // lanes (worker threads); at least 1
  // Polled before each scenario starts; once true no further scenario starts. May be empty.
  // (A running scenario is stopped by its own means: RunScenario watches the interrupt eventfd.)
  std::function<bool()> interrupted;
  // Called once per scenario, in input order, as soon as it and all scenarios before it have
  // finished; never concurrently with itself. Not called once the lanes were interrupted (for
  // the interrupted scenario nor any after it). May be empty.
  std::function<void(size_t index, const ScenarioResult& result)> on_result;
  // Called from the lane's thread as a scenario starts (concurrently across lanes). May be empty.
  std::function<void(size_t index)> on_start;
};

// Runs `scenarios` with up to `options.jobs` at once and returns their results in input order.
// A runner that throws (anything but Interrupted) fails only its scenario: the result has the
// scenario's name and file, passed = false and the message as `error`; the batch goes on. Throws
// Interrupted when interrupted() became true or a runner threw Interrupted, after every running
// scenario has returned (and so torn its lab down): no further scenario starts. When on_result
// throws, no further scenario starts either and that exception is rethrown.
std::vector<ScenarioResult> RunLanes(const std::vector<Scenario>& scenarios,
                                     const ScenarioRunner& run, const LaneOptions& options);

}  // namespace viplab
