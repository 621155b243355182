// StepResult: one timed step of a sequence scenario (inject, clear, wait, hold, expect) as the
// step runner (harness/run/step_runner.h) recorded it and the reports print it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/result/measurement.h"

namespace viplab {

struct StepResult {
  size_t index = 0;
  std::string kind;         // inject, clear, wait, hold, expect
  std::string description;  // "SIGKILL to haproxy on lb1", "owner == lb2 within 5000 ms", ...
  double t_ms = 0;          // step start, relative to the first inject
  double duration_ms = 0;
  bool passed = true;
  bool skipped = false;  // not run because an earlier wait failed
  std::vector<std::string> failures;
  std::vector<std::string> checks;  // expect steps: every check made
  size_t outcome_checks = 0;        // expect steps: checks of what the faults did (Verdict)
  // expect steps: the phase they judged, up to the expect; inject and clear steps: the phase
  // they started, up to the next inject or clear (or the end of the sequence).
  std::optional<Measurement> measured;
};

}  // namespace viplab
