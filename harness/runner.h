// RunScenario: one scenario from start to verdict — build the lab, start services and keepalived,
// wait (event-driven) until exactly one node owns the VIP and has been MASTER for an advert
// interval and the client is served by it, inject the fault at t = 0, observe until the outcome
// is decidable, measure, judge, tear down. Teardown happens on every path (RAII).
//
// Throws only Interrupted. Anything else that goes wrong (keepalived rejects the rendered config,
// lab infrastructure fails, ...) is a failed result with `error` set, after teardown, so a batch
// goes on. Likewise a lab that never converges, a fault
// that cannot be injected or cleared (single or sequence step), or a worker that died while the
// run was observed (the observer's event loop, a netlink monitor, a notify fifo, the wire
// capture, a VRRP delayer: Timeline::Fail) is a failed result with `error` set, not an exception:
// never a verdict on a frozen timeline.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/lab.h"
#include "harness/measurement.h"
#include "harness/oracle.h"
#include "harness/scenario.h"
#include "harness/step_runner.h"
#include "harness/timeline.h"
#include "harness/verdict.h"
#include "harness/vrrp_timing.h"

namespace viplab {

struct RunOptions {
  LabOptions lab;
  std::optional<std::filesystem::path> logs_dir;  // keep configs and logs per scenario here
  int interrupt_fd = -1;                          // eventfd signalled on SIGINT/SIGTERM
  // Called at each step ("lab vl-3 built in 12 ms", "injecting ..."); may be empty.
  std::function<void(const std::string&)> progress;
  // Capture the switch bridge (every frame of the nodes and the client) from before keepalived
  // starts; VRRP adverts and gratuitous ARPs for the VIP become `advert` and `garp` events. The
  // pcap file is kept as <pcap_dir>/<name, '/' -> '_'>.pcap when `pcap_dir` is set; otherwise
  // only when the scenario failed, as <logs_dir>/<name>/capture.pcap (or, without logs_dir,
  // <temp dir>/viplab-pcap/<name>.pcap).
  bool capture = true;
  std::optional<std::filesystem::path> pcap_dir;
  // Handover tolerance for scenarios without their own split_brain_tolerance_ms.
  double split_brain_tolerance_ms = kDefaultSplitBrainToleranceMs;
};

struct TimedEvent {
  double t_ms;  // relative to the fault (negative before it)
  std::string node;
  std::string kind;
  std::string detail;
};

struct ScenarioResult {
  std::string name;
  std::string file;
  std::string lab_prefix;
  bool passed = false;       // not failed: true for a pass and for an inconclusive run
  std::string error;         // why the run could not be judged (empty when it was)
  std::string inconclusive;  // why its checks could not judge what it claims ("" when they
                             // could); see harness/run_verdict.h
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
  double wall_ms = 0;            // the whole run: build, start, converge, observe, tear down
  double protocol_floor_ms = 0;  // what the VRRP timers alone demand (see ProtocolFloorMs)
  std::vector<TimedEvent> events;
  std::vector<std::string> log_tail;  // last keepalived log lines per node, on failure
  // The kept wire capture file, if any (see RunOptions::capture).
  std::optional<std::filesystem::path> pcap;
};

ScenarioResult RunScenario(const Scenario& scenario, const RunOptions& options);

}  // namespace viplab
