#include "harness/cli/run_batch.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <mutex>

#include "harness/cli/exit_codes.h"
#include "harness/lab/environment.h"
#include "harness/report/junit.h"
#include "harness/report/progress.h"
#include "harness/report/report.h"
#include "harness/run/lanes.h"
#include "harness/run/runner.h"
#include "harness/run/signals.h"
#include "netns/clock.h"
#include "netns/error.h"

namespace viplab {
namespace {

// WriteJunit into a temporary file beside `path`, then rename: never a torn file.
void WriteJunitAtomically(const std::string& path, const nlohmann::json& report) {
  const std::string temp = fmt::format("{}.tmp.{}", path, ::getpid());
  WriteJunit(temp, report);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    throw SystemError::FromErrno(err, fmt::format("could not rename '{}' to '{}'", temp, path));
  }
}

// What RunScenario needs from the environment and the batch options; progress lines (with
// --verbose) are printed on stderr under `output`.
RunOptions ScenarioRunOptions(const Environment& env, const BatchOptions& options,
                              std::mutex& output) {
  RunOptions run;
  run.lab = LabOptionsFor(env);
  run.lab.service = options.service;
  run.interrupt_fd = InterruptEventFd();
  if (!options.logs_dir.empty()) run.logs_dir = options.logs_dir;
  if (!options.pcap_dir.empty()) run.pcap_dir = options.pcap_dir;
  run.split_brain_tolerance_ms = options.split_brain_tolerance_ms;
  if (options.verbose) {
    // RunScenario prefixes each line with "[<scenario name>]".
    run.progress = [&output](const std::string& line) {
      std::lock_guard lock(output);
      std::cerr << line << std::endl;
    };
  }
  return run;
}

// The benchmark line: how close the batch came to what the VRRP timers alone demand.
void PrintBenchmarkLine(const std::vector<ScenarioResult>& results, double wall_ms, int jobs) {
  double floor_ms = 0;
  for (const ScenarioResult& r : results) floor_ms += r.protocol_floor_ms;
  std::cout << fmt::format(
      "wall {:.1f} s with --jobs {}; protocol floor {:.1f} s (sum over scenarios); "
      "wall x jobs / floor = {:.2f}\n",
      wall_ms / 1000, jobs, floor_ms / 1000, floor_ms > 0 ? wall_ms * jobs / floor_ms : 0.0);
}

}  // namespace

int RunBatch(const std::vector<Scenario>& scenarios, const BatchOptions& options) {
  InstallInterruptHandlers();  // first: before any thread starts (see signals.h)
  const Environment env = CheckEnvironment({}, options.service);

  // One lock for everything printed while lanes run, so lines never interleave.
  std::mutex output;
  const RunOptions run = ScenarioRunOptions(env, options, output);

  LaneOptions lanes;
  lanes.jobs = options.jobs;
  lanes.interrupted = [] { return InterruptSignal() != 0; };
  ProgressStyle style;
  style.color = ShouldColor(STDOUT_FILENO);
  style.quiet = options.quiet;
  ProgressPrinter printer(std::cout, scenarios.size(), style);
  lanes.on_start = [&](size_t index) { printer.Started(index, scenarios[index].name); };
  const std::string started_at = UtcNow();
  const TimePoint started = Now();
  // The reports are rewritten after every scenario (atomically), so a batch cut short by a
  // signal, SIGKILL or a crash still leaves the finished scenarios, marked partial.
  std::vector<ScenarioResult> finished;
  auto write_reports = [&](const std::vector<ScenarioResult>& results, bool partial) {
    if (options.json_out.empty() && options.junit_out.empty()) return;
    BatchTiming timing;
    timing.started_at = started_at;
    timing.wall_ms = MillisBetween(started, Now());
    timing.jobs = options.jobs;
    timing.partial = partial;
    timing.planned = scenarios.size();
    const nlohmann::json report = BuildReport(results, scenarios, timing);
    if (!options.json_out.empty()) WriteReport(options.json_out, report);
    if (!options.junit_out.empty()) WriteJunitAtomically(options.junit_out, report);
  };
  lanes.on_result = [&](size_t index, const ScenarioResult& result) {
    std::lock_guard lock(output);
    finished.push_back(result);  // on_result comes in input order: a prefix of `scenarios`
    write_reports(finished, finished.size() < scenarios.size());  // on disk before it is shown
    printer.Finished(index, result);
  };
  const std::vector<ScenarioResult> results = RunLanes(
      scenarios, [&run](const Scenario& s) { return RunScenario(s, run); }, lanes);
  const double wall_ms = MillisBetween(started, Now());
  write_reports(results, false);
  const VerdictCounts counts = CountVerdicts(results);
  std::cout << TotalsLine(counts, options.strict) << "\n";
  if (results.size() > 1) PrintBenchmarkLine(results, wall_ms, options.jobs);
  return BatchFailed(counts, options.strict) ? kExitFailed : kExitPassed;
}

}  // namespace viplab
