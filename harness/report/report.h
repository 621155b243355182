// The JSON report of a run (`viplab run --json OUT`). Schema version 1:
//   { "schema_version": 1, "tool": "viplab", "version": "...", "started_at": "<UTC ISO-8601>",
//     "passed": bool, "scenarios": [ <scenario> ... ] }
// Each scenario: name, file, passed (not failed), verdict (pass, fail, inconclusive, error) and
// verdict_reason, error (string or null), fault, owner_before, owner_after (null unless exactly
// one owner), owners_after, vip_moved, failover_ms, release_ms, outage_ms (longest run; null when
// not applicable), outage_total_ms, outage_ongoing, dual_owner_ms, split_brain, split_brain_ms,
// handover_overlap_ms, split_brain_tolerance_ms, stale_vip_ms, no_owner_ms, observed_ms,
// converge_ms, window_ms, probes, probes_failed, vips (one object per VIP: Measurement::vips,
// keys as in VipMeasurement), expected (the scenario's expect block), checks, failures, events
// [{t_ms, node, kind, detail, instance?, vip?}] (t_ms relative to the fault; instance and vip
// only when set), pcap (the kept wire capture's path, or null). docs/report-schema.json is the
// full description.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "harness/model/scenario.h"
#include "harness/result/scenario_result.h"

namespace viplab {

nlohmann::json ExpectationToJson(const Expectation& expect);
nlohmann::json ScenarioResultToJson(const ScenarioResult& result, const Scenario& scenario);
// `timing`: when the batch started (UTC, ISO 8601), its wall time and its parallelism; whether
// the batch is still running or was cut short (`partial`: `results` are the first k of
// `planned` scenarios), written as "partial" and "scenarios_planned".
struct BatchTiming {
  std::string started_at;
  double wall_ms = 0;
  int jobs = 1;
  bool partial = false;
  size_t planned = 0;  // scenarios in the batch; 0: as many as `results`
};
nlohmann::json BuildReport(const std::vector<ScenarioResult>& results,
                           const std::vector<Scenario>& scenarios, const BatchTiming& timing);
// Now, as "2026-11-25T21:34:27Z".
std::string UtcNow();
// Writes `report` to a temporary file beside `path` and renames it into place, so a reader (or
// a run killed at any moment) sees the previous report or the new one, never a torn file.
void WriteReport(const std::filesystem::path& path, const nlohmann::json& report);

}  // namespace viplab
