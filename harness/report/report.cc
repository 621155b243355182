#include "harness/report/report.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "harness/result/reason.h"
#include "harness/result/run_verdict.h"
#include "netns/error.h"

namespace viplab {
namespace {

using nlohmann::json;

template <typename T>
json OrNull(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json Round(double ms) { return std::round(ms * 10) / 10; }

json RoundOrNull(const std::optional<double>& ms) { return ms ? Round(*ms) : json(nullptr); }

json BoundToJson(const Bound& b) {
  json j = json::object();
  if (b.min) j["min"] = *b.min;
  if (b.max) j["max"] = *b.max;
  return j;
}

}  // namespace

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

json ExpectationToJson(const Expectation& e) {
  json j = json::object();
  if (e.owner_before) j["owner_before"] = *e.owner_before;
  if (e.owner_after) j["owner_after"] = *e.owner_after;
  if (e.vip_moved) j["vip_moved"] = *e.vip_moved;
  if (e.failover_ms) j["failover_ms"] = BoundToJson(*e.failover_ms);
  if (e.release_ms) j["release_ms"] = BoundToJson(*e.release_ms);
  if (e.outage_ms) j["outage_ms"] = BoundToJson(*e.outage_ms);
  if (e.split_brain) j["split_brain"] = *e.split_brain;
  if (!e.vips.empty()) {
    json vips = json::array();
    for (const VipExpectation& v : e.vips) {
      json one = {{"vip", v.vip}};
      if (v.owner_before) one["owner_before"] = *v.owner_before;
      if (v.owner_after) one["owner_after"] = *v.owner_after;
      if (v.vip_moved) one["vip_moved"] = *v.vip_moved;
      if (v.failover_ms) one["failover_ms"] = BoundToJson(*v.failover_ms);
      if (v.release_ms) one["release_ms"] = BoundToJson(*v.release_ms);
      if (v.outage_ms) one["outage_ms"] = BoundToJson(*v.outage_ms);
      vips.push_back(std::move(one));
    }
    j["vips"] = std::move(vips);
  }
  return j;
}

namespace {

json PredictionToJson(const Prediction& p) {
  return {{"fault", p.fault},
          {"owner_before", p.owner_before},
          {"owner_after", p.owner_after},
          {"vip_moves", p.vip_moves},
          {"split_brain", p.split_brain},
          {"failover_ms", p.failover_ms ? BoundToJson(*p.failover_ms) : json(nullptr)},
          {"release_ms", p.release_ms ? BoundToJson(*p.release_ms) : json(nullptr)},
          {"confidence", ToString(p.confidence)},
          {"reasons", ToEnglish(p.reasons)}};
}

json VipToJson(const VipMeasurement& v) {
  return {{"vip", v.vip},
          {"instance", v.instance},
          {"owner_before", v.owner_before.empty() ? json(nullptr) : json(v.owner_before)},
          {"owners_after", v.owners_after},
          {"owner_after", OrNull(v.owner_after)},
          {"vip_moved", v.vip_moved},
          {"failover_ms", RoundOrNull(v.failover_ms)},
          {"settled_ms", RoundOrNull(v.settled_ms)},
          {"release_ms", RoundOrNull(v.release_ms)},
          {"split_brain", v.split_brain},
          {"split_brain_ms", Round(v.split_brain_ms)},
          {"no_owner_ms", Round(v.no_owner_ms)},
          {"outage_ms", RoundOrNull(v.outage_ms)},
          {"outage_ongoing", v.outage_ongoing},
          {"probes", v.probes},
          {"probes_failed", v.probes_failed}};
}

json EventToJson(const TimedEvent& e) {
  json j = {{"t_ms", Round(e.t_ms)}, {"node", e.node}, {"kind", e.kind}, {"detail", e.detail}};
  if (!e.instance.empty()) j["instance"] = e.instance;
  if (!e.vip.empty()) j["vip"] = e.vip;
  return j;
}

json StepToJson(const StepResult& step) {
  json j = {{"index", step.index + 1},
            {"kind", step.kind},
            {"description", step.description},
            {"t_ms", Round(step.t_ms)},
            {"duration_ms", Round(step.duration_ms)},
            {"passed", step.passed},
            {"skipped", step.skipped},
            {"failures", step.failures}};
  if (step.measured) {
    const Measurement& m = *step.measured;
    j["measured"] = {{"owner_before", m.owner_before},
                     {"owner_after", OrNull(m.owner_after)},
                     {"vip_moved", m.vip_moved},
                     {"failover_ms", RoundOrNull(m.failover_ms)},
                     {"release_ms", RoundOrNull(m.release_ms)},
                     {"outage_ms", RoundOrNull(m.outage_ms)},
                     {"outage_total_ms", Round(m.outage_total_ms)},
                     {"dual_owner_ms", Round(m.dual_owner_ms)},
                     {"split_brain", m.split_brain},
                     {"split_brain_ms", Round(m.split_brain_ms)},
                     {"handover_overlap_ms", Round(m.handover_overlap_ms)},
                     {"stale_vip_ms", Round(m.stale_vip_ms)}};
  }
  return j;
}

}  // namespace

json ScenarioResultToJson(const ScenarioResult& r, const Scenario& scenario) {
  const Measurement& m = r.measured;
  json events = json::array();
  for (const TimedEvent& e : r.events) events.push_back(EventToJson(e));
  json vips = json::array();
  for (const VipMeasurement& v : m.vips) vips.push_back(VipToJson(v));
  const RunVerdict verdict = VerdictOf(r);
  return {
      {"name", r.name},
      {"file", r.file},
      {"description", scenario.description},
      {"startup", ToString(scenario.startup)},
      {"service", r.service},
      {"passed", r.passed},
      {"verdict", ToString(verdict)},
      {"verdict_reason",
       verdict == RunVerdict::kInconclusive ? json(r.inconclusive) : json(nullptr)},
      {"error", r.error.empty() ? json(nullptr) : json(r.error)},
      {"fault", r.fault},
      {"owner_before", m.owner_before.empty() ? json(nullptr) : json(m.owner_before)},
      {"owner_after", OrNull(m.owner_after)},
      {"owners_after", m.owners_after},
      {"vip_moved", m.vip_moved},
      {"failover_ms", RoundOrNull(m.failover_ms)},
      {"release_ms", RoundOrNull(m.release_ms)},
      {"outage_ms", RoundOrNull(m.outage_ms)},
      {"outage_total_ms", Round(m.outage_total_ms)},
      {"outage_ongoing", m.outage_ongoing},
      {"dual_owner_ms", Round(m.dual_owner_ms)},
      {"split_brain", m.split_brain},
      {"split_brain_ms", Round(m.split_brain_ms)},
      {"handover_overlap_ms", Round(m.handover_overlap_ms)},
      {"split_brain_tolerance_ms", r.split_brain_tolerance_ms},
      {"stale_vip_ms", Round(m.stale_vip_ms)},
      {"no_owner_ms", Round(m.no_owner_ms)},
      {"observed_ms", Round(m.observed_ms)},
      {"converge_ms", Round(r.converge_ms)},
      {"wall_ms", Round(r.wall_ms)},
      {"protocol_floor_ms", Round(r.protocol_floor_ms)},
      {"window_ms", Round(r.window_ms)},
      {"probes", m.probes},
      {"probes_failed", m.probes_failed},
      {"vips", vips},
      {"expected", ExpectationToJson(r.expected)},
      {"judged_by", r.judged_by},
      {"prediction", r.prediction ? PredictionToJson(*r.prediction) : json(nullptr)},
      {"checks", r.verdict.checks},
      {"failures", r.verdict.failures},
      {"steps",
       [&] {
         json steps = json::array();
         for (const StepResult& step : r.steps) steps.push_back(StepToJson(step));
         return steps;
       }()},
      {"log_tail", r.log_tail},
      {"pcap", r.pcap ? json(r.pcap->string()) : json(nullptr)},
      {"events", events},
  };
}

json BuildReport(const std::vector<ScenarioResult>& results, const std::vector<Scenario>& scenarios,
                 const BatchTiming& timing) {
  json list = json::array();
  bool all_passed = true;
  for (size_t i = 0; i < results.size(); ++i) {
    list.push_back(ScenarioResultToJson(results[i], scenarios.at(i)));
    all_passed = all_passed && results[i].passed;
  }
  return {{"schema_version", 1},
          {"tool", "viplab"},
          {"version", VIPLAB_VERSION},
          {"started_at", timing.started_at},
          {"wall_ms", Round(timing.wall_ms)},
          {"jobs", timing.jobs},
          {"partial", timing.partial},
          {"scenarios_planned", std::max(timing.planned, results.size())},
          {"passed", all_passed},
          {"scenarios", list}};
}

void WriteReport(const std::filesystem::path& path, const json& report) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  // Same directory: rename(2) is atomic only within one filesystem.
  std::filesystem::path temp = path;
  temp += fmt::format(".tmp.{}", ::getpid());
  {
    std::ofstream out(temp);
    // Log lines may hold invalid UTF-8: replace it rather than throw.
    out << report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    out.close();
    if (!out) {
      const int err = errno;
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      throw SystemError::FromErrno(err, fmt::format("could not write '{}'", temp.string()));
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw SystemError::FromErrno(
        err, fmt::format("could not rename '{}' to '{}'", temp.string(), path.string()));
  }
}

}  // namespace viplab
