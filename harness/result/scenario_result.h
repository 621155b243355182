// ScenarioResult: everything one scenario run produced (what was injected, the measurement, the
// verdict, the steps, the oracle's prediction, the events, log tail, capture), as RunScenario
// (harness/run/runner.h) fills it and the reports (harness/report/) read it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/model/ownership.h"
#include "harness/model/scenario.h"
#include "harness/result/measurement.h"
#include "harness/result/prediction.h"
#include "harness/result/step_result.h"
#include "harness/result/verdict.h"

namespace viplab {

struct TimedEvent {
  TimedEvent() = default;
  TimedEvent(double t, std::string n, std::string k, std::string d, std::string i = {})
      : t_ms(t),
        node(std::move(n)),
        kind(std::move(k)),
        detail(std::move(d)),
        instance(std::move(i)) {}
  double t_ms = 0;  // relative to the fault (negative before it)
  std::string node;
  std::string kind;
  std::string detail;
  std::string instance;  // state events: the VRRP instance ("VI_1"); empty otherwise
  std::string vip;       // vip_added/vip_removed and client events: the VIP, "10.77.0.200"
};

struct ScenarioResult {
  std::string name;
  std::string file;
  std::string lab_prefix;
  bool passed = false;       // not failed: true for a pass and for an inconclusive run
  std::string error;         // why the run could not be judged (empty when it was)
  std::string inconclusive;  // why its checks could not judge what it claims ("" when they
                             // could); see harness/result/run_verdict.h
  std::string fault;         // what was injected
  std::string service;       // "standin" or "haproxy"
  double converge_ms = 0;    // lab start -> ready for the fault
  double window_ms = 0;      // longest observation allowed after the fault
  double split_brain_tolerance_ms = kDefaultSplitBrainToleranceMs;  // the one applied
  Measurement measured;
  Verdict verdict;
  std::vector<StepResult> steps;         // sequence scenarios: each step, timed
  std::optional<Prediction> prediction;  // the oracle's view of the (first) fault
  Expectation expected;                  // what was judged: the file's expect, or the oracle's
  std::string judged_by;                 // "expect" or "oracle"
  // Why the oracle does not predict the scenario (ScenarioPrediction::not_predicted); judged by
  // the oracle, such a run is inconclusive (run_verdict.h), never a pass.
  std::vector<Reason> not_predicted;
  double wall_ms = 0;            // the whole run: build, start, converge, observe, tear down
  double protocol_floor_ms = 0;  // what the VRRP timers alone demand (see ProtocolFloorMs)
  std::vector<TimedEvent> events;
  std::vector<std::string> log_tail;  // last keepalived log lines per node, on failure
  // The kept wire capture file, if any (see RunOptions::capture).
  std::optional<std::filesystem::path> pcap;
};

}  // namespace viplab
