// The shared fixtures of report_test (report_samples.h).
#include "tests/harness/report/report_samples.h"

#include <string>
#include <vector>

#include "harness/model/json_fields.h"
#include "harness/oracle/oracle.h"
#include "harness/report/report.h"
#include "harness/result/reason.h"

namespace viplab::testing {

using nlohmann::json;

json SchemaFile() { return ReadJsonFile(kSourceDir / "docs/report-schema.json"); }

Scenario MakeScenario(const std::string& name, const std::string& description, Startup startup) {
  Scenario s;
  s.name = name;
  s.description = description;
  s.startup = startup;
  return s;
}

namespace {

// --- Synthetic results covering every branch of ScenarioResultToJson ---------------------------

Prediction CrashPrediction() {
  Prediction p;
  p.fault = "SIGKILL to keepalived's VRRP child and parent (crash) on lb1";
  p.target = "lb1";
  p.owner_before = "lb1";
  p.owners_after = {"lb1", "lb2"};
  p.owner_after = "lb1+lb2";
  p.new_owner = "lb2";
  p.split_brain = true;
  p.failover_ms = Bound{1299.7, 1904.7};
  p.confidence = Confidence::kHigh;
  p.reasons = {{ReasonCode::kKeepalivedCrash, {"lb1"}},
               {ReasonCode::kTakeoverSilent,
                {"lb2", "lb1", Clause({ReasonCode::kMasterDownInterval, {0.5, 304.7, 1804.7}})}},
               {ReasonCode::kSplitBrainDead, {"lb1", "lb2"}}};
  return p;
}

// Passed, judged by the file's expect, VIP moved cleanly.
ScenarioResult PassedResult() {
  ScenarioResult r;
  r.name = "catalog/keepalived-stop";
  r.file = "cases/catalog/keepalived-stop.json";
  r.passed = true;
  r.fault = "SIGTERM to keepalived on lb1";
  r.service = "standin";
  r.converge_ms = 2410.26;
  r.window_ms = 4314.1;
  r.measured.owner_before = "lb1";
  r.measured.owners_after = {"lb2"};
  r.measured.owner_after = "lb2";
  r.measured.vip_moved = true;
  r.measured.failover_ms = 612.34;
  r.measured.release_ms = 3.21;
  r.measured.outage_ms = 620.0;
  r.measured.no_owner_ms = 609.1;
  r.measured.outage_total_ms = 620.0;
  r.measured.probes = 231;
  r.measured.probes_failed = 62;
  r.measured.observed_ms = 2314.0;
  r.verdict.checks = {"owner_before: expected lb1, measured lb1",
                      "owner_after: expected lb2, measured lb2",
                      "failover_ms: expected 300..1200, measured 612.3"};
  r.verdict.outcome_checks = 2;
  Prediction p;
  p.fault = r.fault;
  p.target = "lb1";
  p.owner_before = "lb1";
  p.owners_after = {"lb2"};
  p.owner_after = "lb2";
  p.vip_moves = true;
  p.failover_ms = Bound{295.0, 1156.9};
  p.release_ms = Bound{0.0, 100.0};
  p.reasons = {
      {ReasonCode::kKeepalivedStop, {"lb1"}},
      {ReasonCode::kTakeoverGraceful,
       {"lb2", Clause({ReasonCode::kSkewTimeV2, {216, 156.2}}), "lb1", std::vector<Reason>{}}}};
  r.prediction = p;
  r.expected.owner_before = "lb1";
  r.expected.owner_after = "lb2";
  r.expected.failover_ms = Bound{300.0, 1200.0};
  VipExpectation expect_vip;  // the same, per VIP
  expect_vip.vip = "10.77.0.200";
  expect_vip.owner_after = "lb2";
  expect_vip.failover_ms = Bound{300.0, 1200.0};
  r.expected.vips = {expect_vip};
  r.judged_by = "expect";
  r.wall_ms = 5123.45;
  r.protocol_floor_ms = 4419.7;
  VipMeasurement vip;
  vip.vip = "10.77.0.200";
  vip.instance = "VI_1";
  vip.owner_before = "lb1";
  vip.owners_after = {"lb2"};
  vip.owner_after = "lb2";
  vip.vip_moved = true;
  vip.failover_ms = 612.34;
  vip.settled_ms = 612.34;
  vip.release_ms = 3.21;
  vip.no_owner_ms = 609.1;
  vip.outage_ms = 620.0;
  vip.probes = 231;
  vip.probes_failed = 62;
  r.measured.vips = {vip};
  // Events as the observer tags them: state events with their instance, VIP and client events
  // with their VIP.
  r.events = {{-1804.7, "lb1", "state", "MASTER", "VI_1"},
              {-1804.2, "lb1", "vip_added", "10.77.0.200/24"},
              {0.0, "lb1", "fault", "SIGTERM to keepalived on lb1"},
              {3.21, "lb1", "vip_removed", "10.77.0.200/24"},
              {612.34, "lb2", "vip_added", "10.77.0.200/24"},
              {620.0, "client", "client", "served by lb2"}};
  for (TimedEvent& e : r.events) {
    if (e.kind == "vip_added" || e.kind == "vip_removed" || e.kind == "client") {
      e.vip = "10.77.0.200";
    }
  }
  return r;
}

// Failed, judged by the oracle, split brain; with the log tail a failed run carries.
ScenarioResult FailedResult() {
  ScenarioResult r;
  r.name = "nopreempt/script-w2/keepalived-crash";
  r.file = "cases/matrix.json";
  r.passed = false;
  r.fault = "SIGKILL to keepalived's VRRP child and parent (crash) on lb1";
  r.service = "haproxy";
  r.converge_ms = 3551.0;
  r.window_ms = 5609.4;
  r.measured.owner_before = "lb1";
  r.measured.owners_after = {"lb1", "lb2"};
  r.measured.failover_ms = 2412.06;
  r.measured.dual_owner_ms = 3197.3;
  r.measured.split_brain = true;
  r.measured.split_brain_ms = 3197.3;
  r.measured.outage_ms = 0.0;
  r.measured.probes = 561;
  r.measured.observed_ms = 5609.4;
  r.verdict.passed = false;
  r.verdict.checks = {"owner_before: expected lb1, measured lb1",
                      "failover_ms: expected 1294.7..2004.7, measured 2412.1",
                      "split_brain: expected true, measured true"};
  r.verdict.failures = {"failover_ms: expected 1294.7..2004.7, measured 2412.1"};
  r.verdict.outcome_checks = 2;
  r.prediction = CrashPrediction();
  r.expected.owner_before = "lb1";
  r.expected.failover_ms = Bound{1294.7, 2004.7};
  r.expected.split_brain = true;
  VipMeasurement vip;
  vip.vip = "10.77.0.200";
  vip.instance = "VI_1";
  vip.owner_before = "lb1";
  vip.owners_after = {"lb1", "lb2"};
  vip.failover_ms = 2412.06;
  vip.split_brain = true;
  vip.split_brain_ms = 3197.3;
  vip.outage_ms = 0.0;
  vip.probes = 561;
  r.measured.vips = {vip};
  r.judged_by = "oracle";
  r.wall_ms = 11002.0;
  r.protocol_floor_ms = 7710.2;
  r.events = {{0.0, "lb1", "fault", r.fault},
              {0.4, "lb1", "process_exit", "keepalived (SIGKILL)"},
              {2412.06, "lb2", "state", "MASTER"},
              {2412.5, "lb2", "vip_added", "10.77.0.200/24"}};
  r.log_tail = {"lb1: Keepalived_vrrp[412]: (VI_1) Entering MASTER STATE",
                "lb2: Keepalived_vrrp[433]: (VI_1) Entering BACKUP STATE (init)",
                "lb2: Keepalived_vrrp[433]: (VI_1) Entering MASTER STATE"};
  r.pcap = "viplab-logs/nopreempt_script-w2_keepalived-crash/capture.pcap";
  return r;
}

// Could not be judged: the lab never converged (no owner, no prediction).
ScenarioResult ErrorResult() {
  ScenarioResult r;
  r.name = "lone-node";
  r.file = "cases/lone-node.json";
  r.passed = false;
  r.error = "no master was elected within 12304 ms (lb1 BACKUP)";
  r.service = "standin";
  r.judged_by = "expect";
  r.expected.owner_after = "none";
  r.wall_ms = 12400.0;
  r.protocol_floor_ms = 3000.0;
  r.window_ms = 4000.0;
  r.log_tail = {"lb1: Keepalived_vrrp[77]: (VI_1) Entering BACKUP STATE (init)"};
  return r;
}

// A sequence: inject, wait, expect (with its measurement), clear, and a skipped step.
ScenarioResult SequenceResult() {
  ScenarioResult r;
  r.name = "failback/preempt-delay";
  r.file = "cases/failback/preempt-delay.json";
  r.passed = true;
  r.fault = "SIGSTOP to keepalived on lb1";
  r.service = "standin";
  r.measured.owner_before = "lb1";
  r.measured.owners_after = {"lb1"};
  r.measured.owner_after = "lb1";
  r.measured.outage_ms = 1811.0;
  r.measured.outage_total_ms = 1811.0;
  r.measured.dual_owner_ms = 12.4;
  r.measured.handover_overlap_ms = 12.4;
  r.judged_by = "expect";
  r.prediction = CrashPrediction();
  r.prediction->release_ms = Bound{std::nullopt, 100.0};
  r.prediction->confidence = Confidence::kMedium;
  r.verdict.checks = {"step 3 (expect): owner_after: expected lb2, measured lb2"};
  r.verdict.outcome_checks = 1;
  auto step = [](size_t index, const char* kind, const char* description, double t_ms,
                 double duration_ms) {
    StepResult s;
    s.index = index;
    s.kind = kind;
    s.description = description;
    s.t_ms = t_ms;
    s.duration_ms = duration_ms;
    return s;
  };
  StepResult inject = step(0, "inject", "SIGSTOP to keepalived on lb1", 0.0, 2.5);
  StepResult wait = step(1, "wait", "owner == lb2 within 5000 ms", 2.5, 1850.3);
  StepResult expect = step(2, "expect", "owner_after lb2", 1852.8, 0.2);
  expect.checks = {"owner_after: expected lb2, measured lb2"};
  expect.outcome_checks = 1;
  Measurement phase;
  phase.owner_before = "lb1";
  phase.owners_after = {"lb2"};
  phase.owner_after = "lb2";
  phase.vip_moved = true;
  phase.failover_ms = 1849.9;
  phase.dual_owner_ms = 0;
  expect.measured = phase;
  // The clear's phase: lb1 thaws and takes the VIP back, overlapping lb2 for 12.4 ms.
  StepResult clear = step(3, "clear", "SIGCONT to keepalived on lb1", 1853.0, 1.0);
  Measurement back;
  back.owner_before = "lb2";
  back.owners_after = {"lb1"};
  back.owner_after = "lb1";
  back.vip_moved = true;
  back.failover_ms = 40.2;
  back.release_ms = 52.6;
  back.dual_owner_ms = 12.4;
  back.handover_overlap_ms = 12.4;
  back.outage_ms = 0;
  clear.measured = back;
  StepResult hold = step(4, "hold", "hold 1000 ms", 1854.0, 0);
  hold.skipped = true;
  r.steps = {inject, wait, expect, clear, hold};
  r.wall_ms = 9000.0;
  return r;
}

// Inconclusive: every check held, but a low-confidence oracle prediction checks only
// owner_before; a node crash leaves a stale VIP on the powered-off lb1.
ScenarioResult InconclusiveResult() {
  ScenarioResult r;
  r.name = "nopreempt/none/node-crash";
  r.file = "cases/matrix.json";
  r.passed = true;
  r.fault = "power-off of lb1 (node crash)";
  r.service = "standin";
  r.split_brain_tolerance_ms = 40;
  r.measured.owner_before = "lb1";
  r.measured.owners_after = {"lb2"};
  r.measured.owner_after = "lb2";
  r.measured.vip_moved = true;
  r.measured.failover_ms = 1702.3;
  r.measured.release_ms = 0.1;
  r.measured.stale_vip_ms = 4100.0;
  r.measured.no_owner_ms = 1702.2;
  r.measured.outage_ms = 1710.0;
  r.measured.outage_total_ms = 1730.0;
  r.measured.split_brain_tolerance_ms = 40;
  r.measured.observed_ms = 4100.0;
  r.verdict.checks = {"owner_before: expected lb1, measured lb1"};
  r.prediction = CrashPrediction();
  r.prediction->confidence = Confidence::kLow;
  r.expected.owner_before = "lb1";
  r.judged_by = "oracle";
  r.inconclusive =
      "the oracle's prediction has low confidence, so only owner_before (the initial election) "
      "was checked, not what the fault did";
  r.events = {{0.0, "lb1", "fault", r.fault},
              {0.1, "lb1", "power", "off"},
              {1702.3, "lb2", "vip_added", "10.77.0.200/24"}};
  r.wall_ms = 8000.0;
  return r;
}

}  // namespace

json SyntheticReport() {
  const std::vector<ScenarioResult> results = {PassedResult(), FailedResult(), ErrorResult(),
                                               SequenceResult(), InconclusiveResult()};
  const std::vector<Scenario> scenarios = {
      MakeScenario("catalog/keepalived-stop", "keepalived stops gracefully on the master"),
      MakeScenario("nopreempt/script-w2/keepalived-crash", "matrix: nopreempt x script x w2",
                   Startup::kSimultaneous),
      MakeScenario("lone-node", "a single node that never becomes master"),
      MakeScenario("failback/preempt-delay", "the master freezes and thaws"),
      MakeScenario("nopreempt/none/node-crash", "matrix: nopreempt x none, node crash")};
  json report = BuildReport(results, scenarios, {"2026-11-25T21:34:27Z", 30123.45, 2});
  report["version"] = "0.0.0-test";  // the golden file must not change with the project version
  return report;
}

}  // namespace viplab::testing
