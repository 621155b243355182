#include "harness/run/runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <map>
#include <set>

#include "harness/faults/fault.h"
#include "harness/model/vrrp_timing.h"
#include "harness/observe/client_probe.h"
#include "harness/observe/observer.h"
#include "harness/observe/wire_observer.h"
#include "harness/oracle/oracle.h"
#include "harness/result/run_verdict.h"
#include "harness/run/deployment_timing.h"
#include "harness/run/readiness.h"
#include "harness/run/step_runner.h"
#include "netns/error.h"

namespace viplab {
namespace {

using std::chrono::milliseconds;

milliseconds Ms(double ms) { return milliseconds(static_cast<long long>(ms)); }

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
  auto wire = std::make_unique<WireObserver>(timeline, std::move(nodes), ProbeTargets(scenario));
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
    result.window_ms = scenario.single_instance() ? ObservationWindowMs(scenario)
                                                  : DeploymentWindowMs(scenario, 0);
    result.error = e.what();
    return result;
  }
}

namespace {

using Progress = std::function<void(const std::string&)>;

// The live parts of one run, declared in the order they are built, so they are torn down in
// reverse: the client probe, the observer, the capture, the lab, the timeline.
struct LiveRun {
  Timeline timeline;
  std::unique_ptr<Lab> lab;
  std::unique_ptr<WireObserver> wire;
  std::optional<Observer> observer;
  std::optional<ClientProbe> probe;
};

// Builds the lab, starts the capture, the observer, the services and the client probe:
// everything but keepalived.
void BuildLab(const Scenario& scenario, const RunOptions& options, TimePoint lab_start,
              const Progress& progress, LiveRun& run, ScenarioResult& result) {
  Timeline& timeline = run.timeline;
  run.lab = Lab::Create(scenario, options.lab);
  Lab& lab = *run.lab;
  result.lab_prefix = lab.prefix();
  lab.on_worker_failure = [&timeline](const std::string& why) { timeline.Fail(why); };
  progress(fmt::format("lab {} built in {:.1f} ms", lab.prefix(), MillisBetween(lab_start, Now())));
  lab.PrepareNodes();
  if (options.capture) run.wire = StartCapture(scenario, lab, timeline);

  Observer& observer = run.observer.emplace(timeline, scenario);
  if (options.interrupt_fd >= 0) observer.WatchInterrupt(options.interrupt_fd);
  for (Lab::Node* node : lab.nodes()) {
    observer.WatchNode(node->name, *lab.topology().node(node->name).ns);
    observer.WatchNotifyFifo(node->name, node->notify_fifo());
  }
  observer.Start();

  lab.on_process_started = [&observer](const std::string& node, const std::string& what,
                                       int pidfd) { observer.WatchProcessExit(node, what, pidfd); };
  lab.on_power = [&timeline](const std::string& node, const std::string& detail, TimePoint at) {
    timeline.Add(node, event_kind::kPower, detail, at);
  };
  lab.StartServices();
  run.probe.emplace(*lab.topology().client().ns, ProbeTargets(scenario), scenario.service_port,
                    timeline);
  run.probe->Start();
}

// The verdict of a sequence: every expect step's checks, every step's failures, skipped steps.
Verdict SequenceVerdict(const SequenceResult& seq) {
  Verdict verdict;
  verdict.passed = seq.passed;
  for (const StepResult& step : seq.steps) {
    for (const std::string& c : step.checks) {
      verdict.checks.push_back(fmt::format("step {} (expect): {}", step.index + 1, c));
    }
    verdict.outcome_checks += step.outcome_checks;
    for (const std::string& f : step.failures) {
      verdict.failures.push_back(fmt::format("step {} ({}): {}", step.index + 1, step.kind, f));
    }
    if (step.skipped) {
      verdict.failures.push_back(fmt::format("step {} ({}): skipped", step.index + 1, step.kind));
    }
  }
  return verdict;
}

// Runs the steps of a sequence scenario on the converged lab; t0 becomes the first inject.
void RunSequence(const Scenario& scenario, const LabState& before, const Progress& progress,
                 LiveRun& run, TimePoint& t0, ScenarioResult& result) {
  progress(fmt::format("converged in {:.0f} ms, {} is master; running {} steps", result.converge_ms,
                       *before.vip_owners.begin(), scenario.steps.size()));
  SequenceResult seq;
  {
    StepRunner steps(*run.lab, run.timeline, *run.probe, progress, result.split_brain_tolerance_ms);
    seq = steps.Run(scenario.steps);
  }  // clears faults still active
  const TimePoint end = Now();
  t0 = seq.first_inject.value_or(end);
  result.fault = seq.first_fault;
  result.steps = seq.steps;
  result.error = seq.error;  // an inject or clear the lab refused: no verdict
  run.probe->Stop();
  result.measured = Measure(run.timeline.Events(), run.probe->Samples(), t0, end, seq.owner_before,
                            result.split_brain_tolerance_ms, MeasuredVips(scenario));
  result.verdict = SequenceVerdict(seq);
}

// Injects the single fault at t0 into the converged lab and observes until the outcome is
// decidable: a VIP that should move has moved (MovedAway), else the whole window.
void RunSingleFault(const Scenario& scenario, const LabState& before, const Progress& progress,
                    LiveRun& run, TimePoint& t0, ScenarioResult& result) {
  Timeline& timeline = run.timeline;
  const std::string owner_before = *before.vip_owners.begin();
  const std::string target = scenario.fault.node == "master" ? owner_before : scenario.fault.node;
  std::unique_ptr<Fault> fault = MakeFault(scenario.fault, target);
  result.fault = fault->Describe();
  progress(fmt::format("converged in {:.0f} ms, {} is master; injecting {}", result.converge_ms,
                       owner_before, result.fault));
  t0 = Now();
  try {
    fault->Inject(*run.lab);
  } catch (const std::exception& e) {
    result.error = fmt::format("could not inject {}: {}", result.fault, e.what());
  }
  timeline.Add(target, event_kind::kFault, result.fault, t0);

  const TimePoint deadline = result.error.empty() ? t0 + Ms(result.window_ms) : t0;
  const std::map<std::string, std::string> owners_before = OwnersBefore(before);
  const std::set<std::string> must_move = VipsExpectedToMove(result.expected, owners_before);
  if (!scenario.single_instance() && !must_move.empty()) {
    // Several VIPs: done once every VIP has a single owner held for an advert interval and the
    // VIPs expected to move have moved; otherwise the window runs out.
    timeline.WaitUntil(
        [&](const LabState& s, TimePoint now) {
          return VipsMovedAway(scenario, s, now, owners_before, must_move);
        },
        deadline, [&](const LabState& s) { return VipsMovedRecheckAt(scenario, s); });
  } else if (scenario.single_instance() &&
             ExpectedOutcome(result.expected, owner_before) == Outcome::kMoves) {
    // Done once a single new owner has held the VIP for an advert interval and serves the
    // client; otherwise the window runs out and the verdict reports what happened instead.
    timeline.WaitUntil(
        [&](const LabState& s, TimePoint now) { return MovedAway(scenario, s, now, owner_before); },
        deadline, [&](const LabState& s) { return MovedRecheckAt(scenario, s); });
  } else {
    // "The VIP stays" can only be shown by holding the whole window.
    timeline.WaitUntil([](const LabState&, TimePoint) { return false; }, deadline);
  }
  const TimePoint end = Now();
  progress(fmt::format("observed {:.0f} ms after the fault", MillisBetween(t0, end)));
  run.probe->Stop();
  result.measured = Measure(timeline.Events(), run.probe->Samples(), t0, end, owner_before,
                            result.split_brain_tolerance_ms, MeasuredVips(scenario));
  result.verdict = Judge(result.expected, result.measured);
  if (result.error.empty() && !result.verdict.errors.empty()) {
    result.error = fmt::format("{}", fmt::join(result.verdict.errors, "; "));
  }
}

// Stops the observers, decides pass or fail, collects events (relative to t0), log tails and
// the capture, and tears the lab down.
void Finish(const Scenario& scenario, const RunOptions& options, TimePoint lab_start, TimePoint t0,
            const Progress& progress, LiveRun& run, ScenarioResult& result) {
  Timeline& timeline = run.timeline;
  Lab& lab = *run.lab;
  // A worker that died (observer loop, netlink monitor, notify fifo, capture, VRRP delayer)
  // failed the timeline: what was measured is not what happened.
  if (std::string failure = timeline.failure(); !failure.empty()) result.error = failure;
  run.probe->Stop();
  run.observer->Stop();

  result.passed = result.error.empty() && result.verdict.passed;
  result.inconclusive = InconclusiveReason(result, scenario.is_sequence());
  if (run.wire) {
    result.pcap = StopCapture(*run.wire, lab, scenario.name, result.passed, options, timeline);
    if (result.pcap) progress(fmt::format("capture kept at {}", result.pcap->string()));
  }
  for (const TimelineEvent& e : timeline.Events()) {
    result.events.push_back({MillisBetween(t0, e.time), e.node, e.kind, e.detail, e.instance});
    result.events.back().vip = e.vip;
  }
  std::stable_sort(result.events.begin(), result.events.end(),
                   [](const TimedEvent& a, const TimedEvent& b) { return a.t_ms < b.t_ms; });
  if (!result.passed) {
    for (Lab::Node* node : lab.nodes()) {
      for (auto& line : TailOf(node->keepalived_log(), 8)) {
        result.log_tail.push_back(fmt::format("{}: {}", node->name, line));
      }
    }
  }
  lab.Shutdown();
  for (const std::string& problem : lab.teardown_errors()) {  // what `viplab clean` must remove
    result.events.push_back(
        {MillisBetween(t0, Now()), "lab", event_kind::kNote, "teardown: " + problem, ""});
    progress("teardown: " + problem);
  }
  if (options.logs_dir) lab.CopyLogsTo(*options.logs_dir / LogDirName(scenario.name));
  result.wall_ms = MillisBetween(lab_start, Now());
  result.protocol_floor_ms = ProtocolFloorMs(scenario, result.measured.observed_ms);
}

ScenarioResult RunScenarioOrThrow(const Scenario& scenario, const RunOptions& options) {
  ScenarioResult result = NewResult(scenario, options);
  const Progress progress = [&](const std::string& message) {
    if (options.progress) options.progress(fmt::format("[{}] {}", scenario.name, message));
  };
  LiveRun run;
  const TimePoint lab_start = Now();
  BuildLab(scenario, options, lab_start, progress, run, result);
  Lab& lab = *run.lab;
  Convergence converged = Converge(
      scenario, run.timeline,
      [&lab](const std::vector<std::string>& names) { lab.StartKeepalived(names); }, lab_start,
      progress);
  result.error = converged.error;
  TimePoint t0 = converged.t0;
  if (converged.before) {
    result.converge_ms = MillisBetween(lab_start, Now());
    if (scenario.is_sequence()) {
      RunSequence(scenario, *converged.before, progress, run, t0, result);
    } else {
      RunSingleFault(scenario, *converged.before, progress, run, t0, result);
    }
  }
  Finish(scenario, options, lab_start, t0, progress, run, result);
  return result;
}

// The latest predicted change of any VIP (LatestPredictedMs over every VIP's faults); 0 when the
// oracle does not predict the scenario.
double LatestPredictedVipMs(const ScenarioPrediction& prediction) {
  if (!prediction.not_predicted.empty()) return 0;
  double latest = LatestPredictedMs(prediction);
  for (const ScenarioPrediction::PerVip& v : prediction.vips) {
    ScenarioPrediction one;
    one.faults = v.faults;
    latest = std::max(latest, LatestPredictedMs(one));
  }
  return latest;
}

}  // namespace

// Names, the oracle's prediction (reported beside every
// measurement; a single-fault scenario without `expect` is judged against it), the window (it
// covers the latest predicted change) and what is judged.
ScenarioResult NewResult(const Scenario& scenario, const RunOptions& options) {
  ScenarioResult result;
  result.name = scenario.name;
  result.file = scenario.file.string();
  result.split_brain_tolerance_ms =
      scenario.split_brain_tolerance_ms.value_or(options.split_brain_tolerance_ms);
  const ScenarioPrediction prediction = PredictScenario(scenario);
  if (scenario.single_instance()) {
    result.window_ms = ObservationWindowMs(scenario, LatestPredictedMs(prediction));
  } else {
    result.window_ms = DeploymentWindowMs(scenario, LatestPredictedVipMs(prediction));
  }
  if (!prediction.faults.empty()) result.prediction = prediction.faults.front();
  result.not_predicted = prediction.not_predicted;
  result.expected = scenario.expect;
  result.judged_by = "expect";
  if (!scenario.is_sequence() && scenario.expect.empty()) {
    if (!prediction.not_predicted.empty()) {
      // Nothing to judge by: inconclusive (InconclusiveReason gives the oracle's reasons).
      result.expected = Expectation{};
      result.judged_by = "oracle";
    } else if (result.prediction) {
      result.expected = ScenarioExpectation(prediction);
      result.judged_by = "oracle";
    }
  }
  result.service = options.lab.service == ServiceKind::kHaproxy ? "haproxy" : "standin";
  return result;
}

}  // namespace viplab
