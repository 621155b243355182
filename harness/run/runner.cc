#include "harness/run/runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <set>

#include "harness/faults/fault.h"
#include "harness/model/vrrp_timing.h"
#include "harness/observe/client_probe.h"
#include "harness/observe/observer.h"
#include "harness/observe/wire_observer.h"
#include "harness/oracle/oracle.h"
#include "harness/result/run_verdict.h"
#include "harness/run/step_runner.h"
#include "netns/error.h"

namespace viplab {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

milliseconds Ms(double ms) { return milliseconds(static_cast<long long>(ms)); }

// What the scenario says should happen to the VIP, if anything.
enum class Outcome { kUnknown, kMoves, kStays };

Outcome ExpectedOutcome(const Expectation& e, const std::string& owner_before) {
  if (e.vip_moved) return *e.vip_moved ? Outcome::kMoves : Outcome::kStays;
  if (e.owner_after) return *e.owner_after == owner_before ? Outcome::kStays : Outcome::kMoves;
  return Outcome::kUnknown;
}

std::string DescribeState(const LabState& s) {
  std::vector<std::string> states;
  for (const auto& [node, state] : s.vrrp_state) states.push_back(node + "=" + state);
  return fmt::format("VIP owners [{}], VRRP states [{}], client {}", fmt::join(s.vip_owners, ", "),
                     fmt::join(states, ", "),
                     s.client_served_by ? "served by " + *s.client_served_by : "not served");
}

std::vector<std::string> TailOf(const std::filesystem::path& file, size_t lines) {
  std::ifstream in(file);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line);
    if (tail.size() > lines) tail.pop_front();
  }
  return {tail.begin(), tail.end()};
}

std::string LogDirName(const std::string& scenario_name) {
  std::string out = scenario_name;
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

// Captures the lab's switch bridge into <lab dir>/capture.pcap from now on. Null, with a note on
// the timeline, when the capture cannot be opened: the run goes on without it.
std::unique_ptr<WireObserver> StartCapture(const Scenario& scenario, Lab& lab, Timeline& timeline) {
  std::map<Ipv4Address, std::string> nodes;
  for (size_t i = 0; i < scenario.nodes.size(); ++i) {
    nodes[scenario.NodeAddress(i).address()] = scenario.nodes[i].name;
  }
  auto wire = std::make_unique<WireObserver>(timeline, std::move(nodes), scenario.vip.address());
  try {
    wire->Start(lab.topology().switch_ns(), lab.topology().bridge(), lab.dir() / "capture.pcap");
  } catch (const SystemError& e) {
    timeline.Add("lab", event_kind::kNote, fmt::format("no wire capture: {}", e.what()));
    return nullptr;
  }
  return wire;
}

// Stops the capture and keeps its file where RunOptions::capture says; returns where, if kept.
std::optional<std::filesystem::path> StopCapture(WireObserver& wire, const Lab& lab,
                                                 const std::string& scenario_name, bool passed,
                                                 const RunOptions& options, Timeline& timeline) {
  try {
    wire.Stop();  // rethrows what decoding the last frames threw
  } catch (const std::exception& e) {
    timeline.Add("lab", event_kind::kNote, fmt::format("wire capture: {}", e.what()));
  }
  if (const std::string error = wire.error(); !error.empty()) {
    timeline.Add("lab", event_kind::kNote, "wire capture: " + error);
  }
  if (const uint64_t drops = wire.stats().kernel_drops; drops > 0) {
    timeline.Add("lab", event_kind::kNote, fmt::format("wire capture dropped {} packets", drops));
  }
  std::filesystem::path dest;
  if (options.pcap_dir) {
    dest = *options.pcap_dir / (LogDirName(scenario_name) + ".pcap");
  } else if (passed) {
    return std::nullopt;  // removed with the lab directory
  } else if (options.logs_dir) {
    dest = *options.logs_dir / LogDirName(scenario_name) / "capture.pcap";
  } else {
    dest = std::filesystem::temp_directory_path() / "viplab-pcap" /
           (LogDirName(scenario_name) + ".pcap");
  }
  const std::filesystem::path from = lab.dir() / "capture.pcap";
  try {
    std::filesystem::create_directories(dest.parent_path());
    std::error_code ec;
    std::filesystem::rename(from, dest, ec);
    if (ec) {  // e.g. EXDEV: the lab directory is on /run
      std::filesystem::copy_file(from, dest, std::filesystem::copy_options::overwrite_existing);
    }
  } catch (const std::filesystem::filesystem_error& e) {
    timeline.Add("lab", event_kind::kNote, fmt::format("could not keep the capture: {}", e.what()));
    return std::nullopt;
  }
  return dest;
}

}  // namespace

namespace {
ScenarioResult RunScenarioOrThrow(const Scenario& scenario, const RunOptions& options);
}  // namespace

ScenarioResult RunScenario(const Scenario& scenario, const RunOptions& options) {
  try {
    return RunScenarioOrThrow(scenario, options);
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    // The lab is gone (RAII unwound it); the batch goes on with this scenario as an error.
    ScenarioResult result;
    result.name = scenario.name;
    result.file = scenario.file.string();
    result.service = options.lab.service == ServiceKind::kHaproxy ? "haproxy" : "standin";
    result.expected = scenario.expect;
    result.judged_by = "expect";
    result.window_ms = ObservationWindowMs(scenario);
    result.error = e.what();
    return result;
  }
}

namespace {
ScenarioResult RunScenarioOrThrow(const Scenario& scenario, const RunOptions& options) {
  ScenarioResult result;
  result.name = scenario.name;
  result.file = scenario.file.string();
  result.split_brain_tolerance_ms =
      scenario.split_brain_tolerance_ms.value_or(options.split_brain_tolerance_ms);
  // The oracle's prediction is reported beside every measurement; a single-fault scenario
  // without `expect` is judged against it. The window covers its latest predicted change.
  const ScenarioPrediction prediction = PredictScenario(scenario);
  result.window_ms = ObservationWindowMs(scenario, LatestPredictedMs(prediction));
  if (!prediction.faults.empty()) result.prediction = prediction.faults.front();
  result.expected = scenario.expect;
  result.judged_by = "expect";
  if (!scenario.is_sequence() && scenario.expect.empty() && result.prediction) {
    result.expected = ExpectationFromPrediction(*result.prediction);
    result.judged_by = "oracle";
  }
  result.service = options.lab.service == ServiceKind::kHaproxy ? "haproxy" : "standin";

  auto progress = [&](const std::string& message) {
    if (options.progress) options.progress(fmt::format("[{}] {}", scenario.name, message));
  };
  Timeline timeline;
  const TimePoint lab_start = Now();
  std::unique_ptr<Lab> lab = Lab::Create(scenario, options.lab);
  result.lab_prefix = lab->prefix();
  lab->on_worker_failure = [&timeline](const std::string& why) { timeline.Fail(why); };
  progress(
      fmt::format("lab {} built in {:.1f} ms", lab->prefix(), MillisBetween(lab_start, Now())));
  lab->PrepareNodes();
  const std::unique_ptr<WireObserver> wire =
      options.capture ? StartCapture(scenario, *lab, timeline) : nullptr;

  Observer observer(timeline, scenario.vip, scenario.interface);
  if (options.interrupt_fd >= 0) observer.WatchInterrupt(options.interrupt_fd);
  for (Lab::Node* node : lab->nodes()) {
    observer.WatchNode(node->name, *lab->topology().node(node->name).ns);
    observer.WatchNotifyFifo(node->name, node->notify_fifo());
  }
  observer.Start();

  lab->on_process_started = [&observer](const std::string& node, const std::string& what,
                                        int pidfd) {
    observer.WatchProcessExit(node, what, pidfd);
  };
  lab->on_power = [&timeline](const std::string& node, const std::string& detail, TimePoint at) {
    timeline.Add(node, event_kind::kPower, detail, at);
  };
  lab->StartServices();
  ClientProbe probe(*lab->topology().client().ns, scenario.vip.address(), scenario.service_port,
                    timeline);
  probe.Start();
  const double converge_timeout_ms =
      LargestMasterDownMs(scenario) + 3 * MaxAdvertMs(scenario) + 10000;
  auto start_keepalived = [&](const std::vector<std::string>& names) {
    lab->StartKeepalived(names);
  };
  if (scenario.startup == Startup::kStaggered && scenario.nodes.size() > 1) {
    const std::string& first = scenario.nodes.front().name;
    start_keepalived({first});
    progress(fmt::format("keepalived started on {}; waiting for it to become MASTER", first));
    const bool first_is_master = timeline.WaitUntil(
        [&](const LabState& s, TimePoint) {
          auto it = s.vrrp_state.find(first);
          return it != s.vrrp_state.end() && it->second == "MASTER";
        },
        lab_start + Ms(converge_timeout_ms));
    if (!first_is_master) {
      result.error = fmt::format("{} (started first) did not become MASTER within {:.0f} ms: {}",
                                 first, converge_timeout_ms, DescribeState(timeline.State()));
    }
  }
  std::map<std::string, double> advert_ms;
  for (const NodeSpec& n : scenario.nodes) advert_ms[n.name] = n.advert_int * 1000;
  std::optional<LabState> before;
  TimePoint t0 = Now();
  TimePoint end = t0;
  if (result.error.empty()) {
    start_keepalived({});
    progress("services and keepalived started; waiting for one master");
    // Ready: exactly one owner, MASTER for one advert interval, every other node BACKUP for one
    // advert interval (so it has heard the master and made its preemption decision), and the
    // client served by the owner.
    const double max_advert_ms = MaxAdvertMs(scenario);
    // How long a backup must have been BACKUP before the lab counts as settled: BackupSettleMs
    // (vrrp_timing.h).
    auto ready = [&](const LabState& s, TimePoint now) {
      if (s.vip_owners.size() != 1) return false;
      const std::string& owner = *s.vip_owners.begin();
      auto state = s.vrrp_state.find(owner);
      if (state == s.vrrp_state.end() || state->second != "MASTER") return false;
      if (now - s.vrrp_state_since.at(owner) < Ms(advert_ms[owner])) return false;
      for (const NodeSpec& n : scenario.nodes) {
        if (n.name == owner) continue;
        auto it = s.vrrp_state.find(n.name);
        if (it == s.vrrp_state.end() || it->second != "BACKUP") return false;
        if (now - s.vrrp_state_since.at(n.name) < Ms(BackupSettleMs(scenario, n, owner)))
          return false;
      }
      return s.client_served_by == owner;
    };
    auto ready_recheck = [&](const LabState& s) -> std::optional<TimePoint> {
      std::optional<TimePoint> latest;
      const std::string owner = s.vip_owners.size() == 1 ? *s.vip_owners.begin() : "";
      for (const auto& [node, since] : s.vrrp_state_since) {
        const NodeSpec* spec = scenario.FindNode(node);
        const double settle = spec && !owner.empty() && node != owner
                                  ? BackupSettleMs(scenario, *spec, owner)
                                  : std::max(advert_ms[node], max_advert_ms);
        const TimePoint at = since + Ms(settle);
        if (!latest || at > *latest) latest = at;
      }
      return latest;
    };
    if (!timeline.WaitUntil(ready, lab_start + Ms(converge_timeout_ms), ready_recheck)) {
      result.error = fmt::format("the lab did not converge within {:.0f} ms: {}",
                                 converge_timeout_ms, DescribeState(timeline.State()));
    } else {
      before = timeline.State();
    }
  }

  if (before && scenario.is_sequence()) {
    result.converge_ms = MillisBetween(lab_start, Now());
    progress(fmt::format("converged in {:.0f} ms, {} is master; running {} steps",
                         result.converge_ms, *before->vip_owners.begin(), scenario.steps.size()));
    SequenceResult seq;
    {
      StepRunner steps(*lab, timeline, probe, progress, result.split_brain_tolerance_ms);
      seq = steps.Run(scenario.steps);
    }  // clears faults still active
    end = Now();
    t0 = seq.first_inject.value_or(end);
    result.fault = seq.first_fault;
    result.steps = seq.steps;
    result.error = seq.error;  // an inject or clear the lab refused: no verdict
    probe.Stop();
    result.measured = Measure(timeline.Events(), probe.Samples(), t0, end, seq.owner_before,
                              result.split_brain_tolerance_ms);
    result.verdict.passed = seq.passed;
    for (const StepResult& step : seq.steps) {
      for (const std::string& c : step.checks) {
        result.verdict.checks.push_back(fmt::format("step {} (expect): {}", step.index + 1, c));
      }
      result.verdict.outcome_checks += step.outcome_checks;
      for (const std::string& f : step.failures) {
        result.verdict.failures.push_back(
            fmt::format("step {} ({}): {}", step.index + 1, step.kind, f));
      }
      if (step.skipped) {
        result.verdict.failures.push_back(
            fmt::format("step {} ({}): skipped", step.index + 1, step.kind));
      }
    }
  } else if (before) {
    result.converge_ms = MillisBetween(lab_start, Now());
    const std::string owner_before = *before->vip_owners.begin();
    const std::string target = scenario.fault.node == "master" ? owner_before : scenario.fault.node;
    std::unique_ptr<Fault> fault = MakeFault(scenario.fault, target);
    result.fault = fault->Describe();
    progress(fmt::format("converged in {:.0f} ms, {} is master; injecting {}", result.converge_ms,
                         owner_before, result.fault));
    t0 = Now();
    try {
      fault->Inject(*lab);
    } catch (const std::exception& e) {
      result.error = fmt::format("could not inject {}: {}", result.fault, e.what());
    }
    timeline.Add(target, event_kind::kFault, result.fault, t0);

    const TimePoint deadline = result.error.empty() ? t0 + Ms(result.window_ms) : t0;
    if (ExpectedOutcome(result.expected, owner_before) == Outcome::kMoves) {
      // Done once a single new owner has held the VIP for an advert interval and serves the
      // client; otherwise the window runs out and the verdict reports what happened instead.
      auto moved = [&](const LabState& s, TimePoint now) {
        if (s.vip_owners.size() != 1 || s.vip_owners.count(owner_before) > 0) return false;
        const std::string& owner = *s.vip_owners.begin();
        return now - s.owner_since.at(owner) >= Ms(advert_ms[owner]) && s.client_served_by == owner;
      };
      auto moved_recheck = [&](const LabState& s) -> std::optional<TimePoint> {
        if (s.vip_owners.size() != 1) return std::nullopt;
        const std::string& owner = *s.vip_owners.begin();
        return s.owner_since.at(owner) + Ms(advert_ms[owner]);
      };
      timeline.WaitUntil(moved, deadline, moved_recheck);
    } else {
      // "The VIP stays" can only be shown by holding the whole window.
      timeline.WaitUntil([](const LabState&, TimePoint) { return false; }, deadline);
    }
    end = Now();
    progress(fmt::format("observed {:.0f} ms after the fault", MillisBetween(t0, end)));
    probe.Stop();
    result.measured = Measure(timeline.Events(), probe.Samples(), t0, end, owner_before,
                              result.split_brain_tolerance_ms);
    result.verdict = Judge(result.expected, result.measured);
  }
  // A worker that died (observer loop, netlink monitor, notify fifo, capture, VRRP delayer)
  // failed the timeline: what was measured is not what happened.
  if (std::string failure = timeline.failure(); !failure.empty()) result.error = failure;
  probe.Stop();
  observer.Stop();

  result.passed = result.error.empty() && result.verdict.passed;
  result.inconclusive = InconclusiveReason(result, scenario.is_sequence());
  if (wire) {
    result.pcap = StopCapture(*wire, *lab, scenario.name, result.passed, options, timeline);
    if (result.pcap) progress(fmt::format("capture kept at {}", result.pcap->string()));
  }
  for (const TimelineEvent& e : timeline.Events()) {
    result.events.push_back({MillisBetween(t0, e.time), e.node, e.kind, e.detail});
  }
  std::stable_sort(result.events.begin(), result.events.end(),
                   [](const TimedEvent& a, const TimedEvent& b) { return a.t_ms < b.t_ms; });
  if (!result.passed) {
    for (Lab::Node* node : lab->nodes()) {
      for (auto& line : TailOf(node->keepalived_log(), 8)) {
        result.log_tail.push_back(fmt::format("{}: {}", node->name, line));
      }
    }
  }
  lab->Shutdown();
  for (const std::string& problem : lab->teardown_errors()) {  // what `viplab clean` must remove
    result.events.push_back(
        {MillisBetween(t0, Now()), "lab", event_kind::kNote, "teardown: " + problem});
    progress("teardown: " + problem);
  }
  if (options.logs_dir) lab->CopyLogsTo(*options.logs_dir / LogDirName(scenario.name));
  result.wall_ms = MillisBetween(lab_start, Now());
  result.protocol_floor_ms = ProtocolFloorMs(scenario, result.measured.observed_ms);
  return result;
}
}  // namespace

}  // namespace viplab
