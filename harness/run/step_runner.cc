#include "harness/run/step_runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/lab/lab.h"
#include "harness/run/judge.h"
#include "harness/run/readiness.h"
#include "netns/error.h"

namespace viplab {
namespace {

const char* KindName(Step::Kind kind) {
  switch (kind) {
    case Step::Kind::kInject:
      return "inject";
    case Step::Kind::kClear:
      return "clear";
    case Step::Kind::kWait:
      return "wait";
    case Step::Kind::kHold:
      return "hold";
    case Step::Kind::kExpect:
      return "expect";
  }
  return "?";
}

std::string DescribeWait(const WaitCondition& w) {
  std::vector<std::string> parts;
  if (w.owner) parts.push_back(fmt::format("owner == {}", *w.owner));
  for (const auto& [vip, owner] : w.vip_owners) {
    parts.push_back(fmt::format("owner of {} == {}", vip, owner));
  }
  for (const auto& [node, state] : w.states) parts.push_back(fmt::format("{} {}", node, state));
  return fmt::format("{} within {:.0f} ms", fmt::join(parts, " and "), w.timeout_ms);
}

// The single owner, "none", or "lb1+lb2" for several.
std::string OwnerOf(const LabState& s) {
  if (s.vip_owners.empty()) return "none";
  return fmt::format("{}", fmt::join(s.vip_owners, "+"));
}

}  // namespace

StepRunner::StepRunner(Lab& lab, Timeline& timeline, const ClientProbe& probe,
                       std::function<void(const std::string&)> progress,
                       double split_brain_tolerance_ms)
    : lab_(lab),
      timeline_(timeline),
      probe_(probe),
      progress_(std::move(progress)),
      split_brain_tolerance_ms_(split_brain_tolerance_ms) {}

StepRunner::~StepRunner() {
  for (auto it = active_.rbegin(); it != active_.rend(); ++it) {
    try {
      it->fault->Clear(lab_);
    } catch (...) {
      // Teardown removes whatever is left; a failing clear must not hide the run's result.
    }
  }
}

void StepRunner::StartPhase(TimePoint at) {
  phase_start_ = at;
  phase_owner_ = OwnerOf(timeline_.State());
  phases_.push_back({current_step_, at, phase_owner_});
}

// Each inject and clear step gets the measurement of the phase it started, so a sequence reports
// split brain, overlaps, outages and stale VIPs per phase as well as for the whole run.
void StepRunner::MeasurePhases(SequenceResult& seq) const {
  const TimePoint end = Now();
  const std::vector<TimelineEvent> events = timeline_.Events();
  const std::vector<ProbeSample> samples = probe_.Samples();
  for (size_t i = 0; i < phases_.size(); ++i) {
    const Phase& phase = phases_[i];
    const TimePoint until = i + 1 < phases_.size() ? phases_[i + 1].start : end;
    if (phase.step >= seq.steps.size()) continue;
    seq.steps[phase.step].measured =
        Measure(events, samples, phase.start, until, phase.owner_before, split_brain_tolerance_ms_,
                MeasuredVips(lab_.scenario()));
  }
}

SequenceResult StepRunner::Run(const std::vector<Step>& steps) {
  SequenceResult seq;
  bool aborted = false;
  std::string why_skipped = "skipped: an earlier wait failed";
  std::vector<TimePoint> starts;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    StepResult out;
    out.index = i;
    out.kind = KindName(step.kind);
    if (aborted) {
      out.skipped = true;
      out.passed = false;
      out.description = why_skipped;
      seq.steps.push_back(std::move(out));
      continue;
    }
    const TimePoint start = Now();
    starts.push_back(start);
    current_step_ = i;
    switch (step.kind) {
      case Step::Kind::kInject:
        aborted = !Inject(step, out, seq);
        break;
      case Step::Kind::kClear:
        aborted = !Clear(out, seq);
        break;
      case Step::Kind::kWait:
        aborted = !Wait(step.wait, out);
        break;
      case Step::Kind::kHold:
        out.description = fmt::format("observe for {:.0f} ms", step.hold_ms);
        timeline_.WaitUntil(
            [](const LabState&, TimePoint) { return false; },
            start + std::chrono::microseconds(static_cast<int64_t>(step.hold_ms * 1000)));
        break;
      case Step::Kind::kExpect:
        Expect(step.expect, out, seq);
        break;
    }
    out.duration_ms = MillisBetween(start, Now());
    if (progress_) {
      progress_(fmt::format("step {} {}: {} ({:.0f} ms){}", i + 1, out.kind, out.description,
                            out.duration_ms, out.passed ? "" : " FAILED"));
    }
    seq.steps.push_back(std::move(out));
    if (aborted && !seq.error.empty()) why_skipped = "skipped: an earlier step could not run";
  }
  // Step times relative to the first inject (t = 0), like the events.
  const TimePoint t0 = seq.first_inject.value_or(starts.empty() ? Now() : starts.front());
  for (size_t i = 0; i < starts.size(); ++i) seq.steps[i].t_ms = MillisBetween(t0, starts[i]);
  for (const StepResult& r : seq.steps) seq.passed = seq.passed && r.passed;
  MeasurePhases(seq);
  return seq;
}

bool StepRunner::Inject(const Step& step, StepResult& out, SequenceResult& seq) {
  const LabState state = timeline_.State();
  std::string node = step.fault.node;
  if (node == "master") {
    if (state.vip_owners.size() != 1) {
      out.passed = false;
      out.description = fmt::format("{} on the master", DescribeFault(step.fault));
      out.failures.push_back(
          fmt::format("no single VIP owner to inject into (owners: {})", OwnerOf(state)));
      return true;
    }
    node = *state.vip_owners.begin();
  }
  std::unique_ptr<Fault> fault = MakeFault(step.fault, node);
  out.description = fault->Describe();
  const TimePoint at = Now();
  StartPhase(at);
  if (!seq.first_inject) {
    seq.first_inject = at;
    seq.first_fault = out.description;
    seq.owner_before = phase_owner_;
  }
  bool injected = true;
  try {
    fault->Inject(lab_);
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    StepFailed(fmt::format("could not inject {}: {}", out.description, e.what()), out, seq);
    injected = false;
  }
  timeline_.Add(node, event_kind::kFault, out.description, at);
  // Even half injected: the destructor's clear (best effort) undoes what it can.
  active_.push_back({node, std::move(fault)});
  return injected;
}

void StepRunner::StepFailed(std::string message, StepResult& out, SequenceResult& seq) {
  out.passed = false;
  out.failures.push_back(message);
  if (seq.error.empty()) {
    seq.error = fmt::format("step {} ({}): {}", out.index + 1, out.kind, message);
  }
}

bool StepRunner::Clear(StepResult& out, SequenceResult& seq) {
  std::vector<std::string> cleared;
  const TimePoint at = Now();
  StartPhase(at);
  bool all = true;
  while (!active_.empty()) {
    ActiveFault active = std::move(active_.back());
    active_.pop_back();
    try {
      active.fault->Clear(lab_);
    } catch (const Interrupted&) {
      throw;
    } catch (const std::exception& e) {
      // The others are still cleared: teardown should start from as sane a lab as possible.
      StepFailed(fmt::format("could not clear {}: {}", active.fault->Describe(), e.what()), out,
                 seq);
      all = false;
      continue;
    }
    cleared.push_back(active.fault->Describe());
    timeline_.Add(active.node, event_kind::kClear, active.fault->Describe());
  }
  out.description =
      cleared.empty() ? "nothing to clear" : fmt::format("cleared {}", fmt::join(cleared, "; "));
  return all;
}

bool StepRunner::Wait(const WaitCondition& wait, StepResult& out) {
  out.description = DescribeWait(wait);
  auto holds = [&wait](const LabState& s, TimePoint) { return WaitHolds(wait, s); };
  const TimePoint deadline =
      Now() + std::chrono::microseconds(static_cast<int64_t>(wait.timeout_ms * 1000));
  if (timeline_.WaitUntil(holds, deadline)) return true;
  out.passed = false;
  const LabState s = timeline_.State();
  std::vector<std::string> states;
  for (const auto& [node, state] : s.vrrp_state) states.push_back(node + " " + state);
  std::string failure = fmt::format("timed out: owner {}, {}", OwnerOf(s), fmt::join(states, ", "));
  if (s.owners_by_vip.size() > 1) {  // several VIPs: each one's owners
    std::vector<std::string> vips;
    for (const auto& [vip, owners] : s.owners_by_vip) {
      vips.push_back(fmt::format(
          "{} {}", vip, owners.empty() ? "none" : fmt::format("{}", fmt::join(owners, "+"))));
    }
    failure += fmt::format("; owners by VIP: {}", fmt::join(vips, ", "));
  }
  out.failures.push_back(std::move(failure));
  return false;
}

void StepRunner::Expect(const Expectation& expect, StepResult& out, SequenceResult& seq) {
  const Measurement m =
      Measure(timeline_.Events(), probe_.Samples(), phase_start_, Now(), phase_owner_,
              split_brain_tolerance_ms_, MeasuredVips(lab_.scenario()));
  const Verdict v = Judge(expect, m);
  out.description =
      v.checks.empty() ? "nothing to check" : fmt::format("{}", fmt::join(v.checks, "; "));
  out.passed = v.passed;
  out.failures = v.failures;
  out.checks = v.checks;
  out.outcome_checks = v.outcome_checks;
  out.measured = m;
  // A check that could not be made (a VIP without a measurement) makes the run an error, but
  // does not stop the sequence.
  if (!v.errors.empty() && seq.error.empty()) {
    seq.error = fmt::format("step {} (expect): {}", out.index + 1, fmt::join(v.errors, "; "));
  }
}

}  // namespace viplab
