#include "harness/lint/finding.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "netns/error.h"

namespace viplab::lint {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// A duration in milliseconds: a finite number > 0 and nothing else ("8000", "2500.5").
double ParseMs(std::string_view key, std::string_view value) {
  double ms = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, ms);
  if (value.empty() || ec != std::errc() || ptr != end || !std::isfinite(ms) || ms <= 0) {
    throw InputError(
        fmt::format("--slo: '{}={}': {} must be a number of milliseconds > 0", key, value, key));
  }
  return ms;
}

Slo::Failback ParseFailback(std::string_view value) {
  if (value == "yes") return Slo::Failback::kYes;
  if (value == "no") return Slo::Failback::kNo;
  if (value == "any") return Slo::Failback::kAny;
  throw InputError(fmt::format("--slo: 'failback={}': failback must be yes, no or any", value));
}

const char* ToString(Slo::Failback failback) {
  switch (failback) {
    case Slo::Failback::kYes:
      return "yes";
    case Slo::Failback::kNo:
      return "no";
    case Slo::Failback::kAny:
      return "any";
  }
  return "any";
}

}  // namespace

const char* ToString(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "error";
}

Slo ParseSlo(std::string_view text, Slo base) {
  Slo slo = base;
  if (Trim(text).empty()) return slo;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view part = Trim(text.substr(start, comma - start));
    start = comma + 1;
    const size_t eq = part.find('=');
    if (part.empty() || eq == std::string_view::npos) {
      throw InputError(fmt::format(
          "--slo: '{}': expected KEY=VALUE (failover=MS, outage=MS, failback=yes|no|any)", part));
    }
    const std::string_view key = Trim(part.substr(0, eq));
    const std::string_view value = Trim(part.substr(eq + 1));
    if (key == "failover") {
      slo.failover_ms = ParseMs(key, value);
    } else if (key == "outage") {
      slo.outage_ms = ParseMs(key, value);
    } else if (key == "failback") {
      slo.failback = ParseFailback(value);
    } else {
      throw InputError(fmt::format(
          "--slo: '{}': unknown key '{}' (known: failover, outage, failback)", part, key));
    }
  }
  return slo;
}

std::string ToString(const Slo& slo) {
  return fmt::format("failover={},outage={},failback={}", slo.failover_ms, slo.outage_ms,
                     ToString(slo.failback));
}

int LintExitCode(const std::vector<Finding>& findings) {
  const bool trap = std::any_of(findings.begin(), findings.end(), [](const Finding& finding) {
    return finding.severity != Severity::kInfo;
  });
  return trap ? 1 : 0;
}

}  // namespace viplab::lint
