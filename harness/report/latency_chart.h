// Failover-latency charts of the HTML report: scenarios grouped into matrix cells (the name up
// to its last '/', e.g. "nopreempt/script-w+small"), an overall histogram of failover_ms, and one
// row per cell on a shared axis — a histogram when the cell has kHistogramMinSamples or more
// failovers, otherwise each failover as a dot (linking to its scenario) over a min–max bar with
// a median tick.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace viplab {

// A cell row is a histogram from this many failovers on (repeated runs), else dots.
inline constexpr size_t kHistogramMinSamples = 30;
// The overall histogram needs at least this many failovers.
inline constexpr size_t kHistogramMinTotal = 5;

struct LatencySample {
  std::string scenario;
  std::string anchor;  // the scenario section's id ("s-3")
  std::optional<double> failover_ms;
  bool passed = false;
};

struct LatencyCell {
  std::string name;  // "" for scenario names without '/'
  std::vector<LatencySample> samples;
};

// "nopreempt/script-w+small/service-kill" -> "nopreempt/script-w+small"; "" without a '/'.
std::string MatrixCellOf(const std::string& scenario_name);

// Cells in order of first appearance; scenario i (0-based) gets anchor "s-<i+1>".
std::vector<LatencyCell> GroupLatencyByCell(const nlohmann::json& scenarios);

// Histogram of every failover_ms ("" when there are fewer than kHistogramMinTotal).
std::string RenderLatencyHistogramSvg(const std::vector<LatencyCell>& cells);

// One row per cell ("" when no cell has a failover).
std::string RenderLatencyCellsSvg(const std::vector<LatencyCell>& cells);

}  // namespace viplab
