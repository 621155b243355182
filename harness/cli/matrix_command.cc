#include "harness/cli/matrix_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>

#include "harness/environment.h"
#include "harness/junit.h"
#include "harness/lanes.h"
#include "harness/matrix.h"
#include "harness/progress.h"
#include "harness/report.h"
#include "harness/runner.h"
#include "harness/sharding.h"
#include "harness/signals.h"
#include "netns/clock.h"
#include "netns/error.h"

namespace viplab {
namespace {

std::vector<Scenario> SelectScenarios(const Matrix& matrix, const MatrixCommandOptions& options) {
  std::vector<Scenario> selected;
  for (const MatrixEntry& entry : matrix.entries) {
    if (MatchesAnyGlob(entry.name, options.filters)) selected.push_back(entry.scenario);
  }
  if (selected.empty()) {
    std::vector<std::string> quoted;
    for (const std::string& glob : options.filters) quoted.push_back("'" + glob + "'");
    throw InputError(fmt::format("--filter: {} matches none of the {} scenarios of {}",
                                 fmt::join(quoted, ", "), matrix.entries.size(),
                                 matrix.file.string()));
  }
  const std::optional<Shard> shard = options.shard.empty()
                                         ? ShardFromEnvironment()
                                         : std::optional(ParseShard(options.shard, "--shard"));
  return shard ? SelectShard(selected, *shard) : selected;
}

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

}  // namespace

int RunBatch(const std::vector<Scenario>& scenarios, const BatchOptions& options) {
  InstallInterruptHandlers();  // first: before any thread starts (see signals.h)
  const Environment env = CheckEnvironment({}, options.service);

  // One lock for everything printed while lanes run, so lines never interleave.
  std::mutex output;
  RunOptions run;
  run.lab.keepalived = env.keepalived;
  run.lab.tools_dir = env.tools_dir;
  run.lab.service = options.service;
  run.lab.haproxy = env.haproxy;
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

  LaneOptions lanes;
  lanes.jobs = options.jobs;
  lanes.interrupted = [] { return InterruptSignal() != 0; };
  ProgressPrinter printer(std::cout, scenarios.size(), {ShouldColor(STDOUT_FILENO), options.quiet});
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
  if (results.size() > 1) {
    // The benchmark line: how close the batch came to what the VRRP timers alone demand.
    double floor_ms = 0;
    for (const ScenarioResult& r : results) floor_ms += r.protocol_floor_ms;
    std::cout << fmt::format(
        "wall {:.1f} s with --jobs {}; protocol floor {:.1f} s (sum over scenarios); "
        "wall x jobs / floor = {:.2f}\n",
        wall_ms / 1000, options.jobs, floor_ms / 1000,
        floor_ms > 0 ? wall_ms * options.jobs / floor_ms : 0.0);
  }
  return BatchFailed(counts, options.strict) ? 1 : 0;
}

int MatrixCommand(const MatrixCommandOptions& options) {
  const Matrix matrix = LoadMatrix(options.file);
  const std::vector<Scenario> selected = SelectScenarios(matrix, options);
  PrintWarnings(selected, std::cerr);
  if (options.list) {
    for (const Scenario& s : selected) std::cout << s.name << "\n";
    return 0;
  }
  return RunBatch(selected, options.batch);
}

CLI::Option* AddServiceOption(CLI::App& command, ServiceKind& service) {
  return command
      .add_option("--service", service,
                  "What each node's keepalived protects: the built-in haproxy stand-in, or "
                  "Debian's real haproxy (master-worker, answering with the node name)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, ServiceKind>{{"standin", ServiceKind::kStandin},
                                             {"haproxy", ServiceKind::kHaproxy}},
          CLI::ignore_case))
      ->default_str("standin");
}

CLI::Option* AddPcapOption(CLI::App& command, std::string& pcap_dir) {
  return command.add_option("--pcap", pcap_dir,
                            "Keep each scenario's wire capture (the lab switch: VRRP, ARP, client "
                            "TCP) as DIR/<name>.pcap; without it only failed scenarios' captures "
                            "are kept, under --logs");
}

void AddVerdictOptions(CLI::App& command, BatchOptions& options) {
  command.add_flag("--strict", options.strict,
                   "Fail (exit 1) when a scenario is inconclusive: its checks held but none judged "
                   "what it claims (no checks, or only owner_before)");
  command
      .add_option("--split-brain-tolerance", options.split_brain_tolerance_ms,
                  "Two or more VIP owners for longer than this (ms) is split brain; shorter "
                  "overlaps are handovers. A scenario's split_brain_tolerance_ms takes precedence")
      ->check(CLI::Range(0.0, 60000.0))
      ->default_str(fmt::format("{:g}", kDefaultSplitBrainToleranceMs));
}

CLI::App* AddMatrixSubcommand(CLI::App& app, MatrixCommandOptions& options) {
  CLI::App* matrix = app.add_subcommand(
      "matrix", "Expand a matrix file (preemption x check x weight x fault) and run it");
  matrix->add_option("file", options.file, "Matrix JSON file, e.g. cases/matrix.json")->required();
  matrix
      ->add_option("--filter", options.filters,
                   "Keep scenarios whose name matches this glob (fnmatch; * matches /); "
                   "repeatable, any match keeps")
      ->allow_extra_args(false);
  matrix->add_option("--shard", options.shard,
                     "Run shard I of N (I from 0): scenario k belongs to shard k mod N. "
                     "Default: GTEST_SHARD_INDEX of GTEST_TOTAL_SHARDS when set");
  matrix->add_option("-j,--jobs", options.batch.jobs, "Scenarios run at once, each in its own lab")
      ->check(CLI::Range(1, 64));
  matrix->add_flag("--list", options.list, "Print the selected scenario names; run nothing");
  matrix->add_option("--json", options.batch.json_out, "Write the JSON report here");
  matrix->add_option("--junit", options.batch.junit_out,
                     "Write JUnit XML here (rendered from the JSON report)");
  matrix->add_option("--logs", options.batch.logs_dir,
                     "Keep each scenario's keepalived configs and logs here");
  matrix->add_flag("-q,--quiet", options.batch.quiet, "Print only failed scenarios and the totals");
  matrix->add_flag("-v,--verbose", options.batch.verbose,
                   "Print each step of each scenario on stderr");
  AddServiceOption(*matrix, options.batch.service);
  AddPcapOption(*matrix, options.batch.pcap_dir);
  AddVerdictOptions(*matrix, options.batch);
  matrix->footer(
      "Example:\n  viplab matrix cases/matrix.json --filter 'nopreempt/*' --jobs 2 --json "
      "report.json\n  viplab matrix cases/matrix.json --list | wc -l\n"
      "Exit codes: 0 nothing failed (inconclusive scenarios too, unless --strict), 1 a scenario "
      "failed or could not be judged, 2 bad input or environment, 3 internal error (after the "
      "labs were torn down), 130 interrupted (SIGINT, SIGTERM, SIGHUP; a second signal ends "
      "viplab at once: then run `viplab clean`).");
  return matrix;
}

}  // namespace viplab
