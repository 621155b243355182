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

#include "harness/lab/lab.h"
#include "harness/model/scenario.h"
#include "harness/model/vrrp_timing.h"
#include "harness/observe/timeline.h"
#include "harness/oracle/oracle.h"
#include "harness/result/scenario_result.h"
#include "harness/run/judge.h"
#include "harness/run/measure.h"
#include "harness/run/step_runner.h"

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

ScenarioResult RunScenario(const Scenario& scenario, const RunOptions& options);

// What RunScenario knows before it builds the lab: names, the oracle's prediction, the
// observation window, the expectation it judges by ("expect" or "oracle") and the service.
// Pure (no lab, no root): the golden "fixed run" report builds its results with it.
ScenarioResult NewResult(const Scenario& scenario, const RunOptions& options);

}  // namespace viplab
