#include "harness/report/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "harness/result/run_verdict.h"

namespace viplab {
namespace {

constexpr const char* kGreen = "\033[32m";
constexpr const char* kRed = "\033[31m";
constexpr const char* kYellow = "\033[33m";
constexpr const char* kDim = "\033[2m";
constexpr const char* kReset = "\033[0m";
constexpr const char* kClearLine = "\r\033[K";

std::string FormatMs(const std::optional<double>& ms) {
  return ms ? fmt::format("{:.0f} ms", *ms) : std::string("-");
}

}  // namespace

bool ShouldColor(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(fd) == 1;
}

std::string SummaryLine(const ScenarioResult& r) {
  const Measurement& m = r.measured;
  if (!r.error.empty()) return fmt::format("FAIL  {}  error: {}", r.name, r.error);
  const std::string after = m.owners_after.empty() ? "none"
                                                   : fmt::format("{}", m.owners_after[0]) +
                                                         (m.owners_after.size() > 1 ? "+" : "");
  const RunVerdict verdict = VerdictOf(r);
  return fmt::format("{}  {:<40} {} -> {:<6} failover {:>8}  outage {:>8}{}{}",
                     verdict == RunVerdict::kPass           ? "PASS"
                     : verdict == RunVerdict::kInconclusive ? "INCONCLUSIVE"
                                                            : "FAIL",
                     r.name, m.owner_before, after, FormatMs(m.failover_ms), FormatMs(m.outage_ms),
                     m.outage_ongoing ? " (ongoing)" : "",
                     verdict == RunVerdict::kInconclusive ? "  not judged: " + r.inconclusive : "");
}

std::string FormatDuration(double ms) {
  const long seconds = static_cast<long>(ms / 1000 + 0.5);
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
  return fmt::format("{}h{:02}m", seconds / 3600, (seconds % 3600) / 60);
}

ProgressPrinter::ProgressPrinter(std::ostream& out, size_t total, ProgressStyle style,
                                 TimePoint start)
    : out_(out), total_(total), style_(style), start_(start) {}

std::string ProgressPrinter::Timing(TimePoint now) const {
  const double elapsed = MillisBetween(start_, now);
  if (finished_ == 0 || finished_ >= total_) return "elapsed " + FormatDuration(elapsed);
  const double eta =
      elapsed / static_cast<double>(finished_) * static_cast<double>(total_ - finished_);
  return fmt::format("elapsed {}, ETA {}", FormatDuration(elapsed), FormatDuration(eta));
}

void ProgressPrinter::ClearStatus() {
  if (status_shown_) out_ << kClearLine;
  status_shown_ = false;
}

void ProgressPrinter::DrawStatus(TimePoint now) {
  if (!style_.color || running_.empty()) return;
  std::string names;
  for (const auto& [index, name] : running_) names += (names.empty() ? "" : ", ") + name;
  std::string line =
      fmt::format("[{}/{} done] running {}  ({})", finished_, total_, names, Timing(now));
  if (line.size() > 150) line = line.substr(0, 147) + "...";
  out_ << kDim << line << kReset << std::flush;
  status_shown_ = true;
}

void ProgressPrinter::Started(size_t index, const std::string& name) {
  std::lock_guard lock(mutex_);
  running_[index] = name;
  if (!style_.color) return;
  ClearStatus();
  DrawStatus(Now());
}

void ProgressPrinter::Finished(size_t, const ScenarioResult& result) {
  std::lock_guard lock(mutex_);
  const auto running = std::find_if(running_.begin(), running_.end(),
                                    [&](const auto& entry) { return entry.second == result.name; });
  if (running != running_.end()) running_.erase(running);
  ++finished_;
  const TimePoint now = Now();
  ClearStatus();
  const RunVerdict verdict = VerdictOf(result);
  if (!(style_.quiet && verdict == RunVerdict::kPass)) {
    std::string line = SummaryLine(result);
    if (style_.color) {
      // Colour only the verdict word at the start of the line.
      const size_t word = line.find(' ');
      const char* colour = verdict == RunVerdict::kPass           ? kGreen
                           : verdict == RunVerdict::kInconclusive ? kYellow
                                                                  : kRed;
      line = colour + line.substr(0, word) + kReset + line.substr(word);
    }
    if (total_ > 1) {
      line = fmt::format("[{}/{}] {}  ({})", finished_, total_, line, Timing(now));
    }
    out_ << line << "\n";
    if (!result.passed) {
      for (const auto& failure : result.verdict.failures) out_ << "      " << failure << "\n";
      for (const auto& log_line : result.log_tail) out_ << "      | " << log_line << "\n";
    }
  }
  DrawStatus(now);
  out_ << std::flush;
}

}  // namespace viplab

namespace viplab {

VerdictCounts CountVerdicts(const std::vector<ScenarioResult>& results) {
  VerdictCounts counts;
  for (const ScenarioResult& r : results) {
    switch (VerdictOf(r)) {
      case RunVerdict::kPass:
        ++counts.passed;
        break;
      case RunVerdict::kInconclusive:
        ++counts.inconclusive;
        break;
      case RunVerdict::kError:
        ++counts.errors;
        ++counts.failed;
        break;
      case RunVerdict::kFail:
        ++counts.failed;
        break;
    }
  }
  return counts;
}

std::string TotalsLine(const VerdictCounts& counts, bool strict) {
  std::string line = fmt::format("{} passed, {} failed", counts.passed, counts.failed);
  if (counts.errors > 0) {
    line += fmt::format(" ({} error{})", counts.errors, counts.errors == 1 ? "" : "s");
  }
  if (counts.inconclusive > 0) {
    line += fmt::format(", {} inconclusive", counts.inconclusive);
    if (strict) line += " (--strict: counted as failed)";
  }
  return line;
}

bool BatchFailed(const VerdictCounts& counts, bool strict) {
  return counts.failed > 0 || (strict && counts.inconclusive > 0);
}

}  // namespace viplab
