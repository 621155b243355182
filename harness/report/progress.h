// ProgressPrinter: what `viplab run` and `viplab matrix` print while scenarios run — one result
// line per scenario, in input order ("[12/48] PASS  name  lb1 -> lb2  failover ...  (elapsed
// 1m12s, ETA 3m40s)"), with failures and log excerpts under failed ones. On a terminal (colour
// mode) PASS/FAIL are coloured and a status line at the bottom shows what is running; in plain
// mode (not a TTY, NO_COLOR set, TERM=dumb) every line is final. Quiet mode prints only failed
// scenarios (and inconclusive ones, as INCONCLUSIVE with the reason). Thread-safe: lanes report
// starts from their own threads.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/result/scenario_result.h"
#include "netns/clock.h"

namespace viplab {

struct ProgressStyle {
  bool color = false;  // ANSI colours and a live status line
  bool quiet = false;  // failed scenarios only
};

// Colour when `fd` is a terminal, NO_COLOR is unset or empty, and TERM is not "dumb".
bool ShouldColor(int fd);

// "PASS  name  lb1 -> lb2  failover 930 ms  outage 940 ms" (no progress counters).
std::string SummaryLine(const ScenarioResult& result);
// "1m12s", "45s".
std::string FormatDuration(double ms);

// A batch's results by verdict (harness/result/run_verdict.h). `failed` includes the errors.
struct VerdictCounts {
  size_t passed = 0;
  size_t failed = 0;
  size_t inconclusive = 0;
  size_t errors = 0;
};
VerdictCounts CountVerdicts(const std::vector<ScenarioResult>& results);
// The closing line. It always starts "N passed, N failed" (CI parsers read that), then, when
// there are any, "(N errors)" and ", N inconclusive" (inconclusive runs are counted
// apart, neither passed nor failed).
std::string TotalsLine(const VerdictCounts& counts, bool strict);
// Whether the batch exits 1: a failure or an error, or with `strict` an inconclusive run.
bool BatchFailed(const VerdictCounts& counts, bool strict);

class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& out, size_t total, ProgressStyle style, TimePoint start = Now());

  void Started(size_t index, const std::string& name);
  // In input order (the lanes guarantee it).
  void Finished(size_t index, const ScenarioResult& result);

 private:
  void ClearStatus();
  void DrawStatus(TimePoint now);
  std::string Timing(TimePoint now) const;

  std::mutex mutex_;
  std::ostream& out_;
  size_t total_;
  ProgressStyle style_;
  TimePoint start_;
  size_t finished_ = 0;
  std::map<size_t, std::string> running_;
  bool status_shown_ = false;
};

}  // namespace viplab
