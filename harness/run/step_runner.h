// StepRunner: executes a scenario's step sequence on a converged lab — inject, wait, hold,
// expect, clear — timing each step on CLOCK_MONOTONIC. An `expect` step judges the current phase:
// everything since the last inject or clear, with the VIP owner at that moment as owner_before.
// A failed wait, or an inject or clear that throws, ends the sequence (later steps would test a
// lab in an unknown state); a failed expect does not.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/faults/fault.h"
#include "harness/model/scenario.h"
#include "harness/observe/client_probe.h"
#include "harness/observe/timeline.h"
#include "harness/result/step_result.h"
#include "harness/run/measure.h"

namespace viplab {

class Lab;

struct SequenceResult {
  std::vector<StepResult> steps;
  std::optional<TimePoint> first_inject;  // t = 0 of the run
  std::string first_fault;                // what the first inject did
  std::string owner_before;               // owner when the first fault was injected
  bool passed = true;
  // Set when an inject or clear threw (the lab refused): the first such message. The sequence
  // stops there (later steps are skipped) and the run is an error, not a verdict.
  std::string error;
};

class StepRunner {
 public:
  // `split_brain_tolerance_ms`: applied to every phase's measurement (harness/model/ownership.h).
  StepRunner(Lab& lab, Timeline& timeline, const ClientProbe& probe,
             std::function<void(const std::string&)> progress, double split_brain_tolerance_ms);
  ~StepRunner();  // clears faults still active (best effort) so teardown starts from a sane lab

  SequenceResult Run(const std::vector<Step>& steps);

 private:
  struct ActiveFault {
    std::string node;
    std::unique_ptr<Fault> fault;
  };
  // Both return false when the lab threw (recorded in `out` and seq.error); Interrupted passes.
  bool Inject(const Step& step, StepResult& out, SequenceResult& seq);
  bool Clear(StepResult& out, SequenceResult& seq);
  void StepFailed(std::string message, StepResult& out, SequenceResult& seq);
  bool Wait(const WaitCondition& wait, StepResult& out);
  // A check that could not be made (Verdict::errors) also sets seq.error.
  void Expect(const Expectation& expect, StepResult& out, SequenceResult& seq);
  void StartPhase(TimePoint at);
  void MeasurePhases(SequenceResult& seq) const;

  Lab& lab_;
  Timeline& timeline_;
  const ClientProbe& probe_;
  std::function<void(const std::string&)> progress_;
  std::vector<ActiveFault> active_;
  TimePoint phase_start_;
  std::string phase_owner_;
  double split_brain_tolerance_ms_;
  struct Phase {
    size_t step = 0;  // the inject or clear step that started it
    TimePoint start;
    std::string owner_before;
  };
  std::vector<Phase> phases_;
  size_t current_step_ = 0;
};

}  // namespace viplab
