#include "harness/report/latency_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "harness/report/html_escape.h"
#include "harness/report/svg_timeline.h"

namespace viplab {
namespace {

using nlohmann::json;

std::vector<double> Values(const LatencyCell& cell) {
  std::vector<double> values;
  for (const LatencySample& s : cell.samples) {
    if (s.failover_ms) values.push_back(*s.failover_ms);
  }
  std::sort(values.begin(), values.end());
  return values;
}

double Median(const std::vector<double>& sorted) {
  size_t n = sorted.size();
  return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

std::string Ms(double ms) { return fmt::format("{:.0f}", ms); }

// Cell labels longer than this (in code points) are cut with "…" (the full name is the tooltip).
constexpr size_t kLabelChars = 42;

std::string Ellipsize(const std::string& text, size_t max_chars) {
  std::vector<size_t> starts;  // byte offset of each code point
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  if (starts.size() <= max_chars || max_chars == 0) return text;
  return text.substr(0, starts[max_chars - 1]) + "…";
}

// An axis [0, max] rounded up to a nice step.
struct Axis {
  double max = 1;
  double step = 1;
};

Axis MakeAxis(double max_value, int ticks) {
  Axis axis;
  axis.step = NiceStep(std::max(max_value, 1.0), ticks);
  axis.max = std::max(axis.step, std::ceil(max_value / axis.step) * axis.step);
  if (axis.max <= max_value) axis.max += axis.step;  // room for the largest value's bin
  return axis;
}

std::string AxisTicks(const Axis& axis, double x0, double x1, double y_top, double y_bottom,
                      const char* unit) {
  std::string out;
  for (double v = 0; v <= axis.max + 1e-9; v += axis.step) {
    double x = x0 + v / axis.max * (x1 - x0);
    out += fmt::format(R"(<line class="grid" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)",
                       FormatCoord(x), FormatCoord(y_top), FormatCoord(y_bottom));
    out += fmt::format(R"(<text class="tick" x="{}" y="{}">{}</text>)", FormatCoord(x),
                       FormatCoord(y_bottom + 13), Ms(v));
  }
  out += fmt::format(R"(<text class="axl" x="{}" y="{}">{}</text>)", FormatCoord(x0 - 8),
                     FormatCoord(y_bottom + 13), unit);
  return out;
}

}  // namespace

std::string MatrixCellOf(const std::string& scenario_name) {
  size_t slash = scenario_name.rfind('/');
  return slash == std::string::npos ? "" : scenario_name.substr(0, slash);
}

std::vector<LatencyCell> GroupLatencyByCell(const json& scenarios) {
  std::vector<LatencyCell> cells;
  if (!scenarios.is_array()) return cells;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const json& s = scenarios[i];
    if (!s.is_object()) continue;
    LatencySample sample;
    if (s.contains("name") && s["name"].is_string()) sample.scenario = s["name"].get<std::string>();
    sample.anchor = fmt::format("s-{}", i + 1);
    if (s.contains("failover_ms") && s["failover_ms"].is_number()) {
      sample.failover_ms = s["failover_ms"].get<double>();
    }
    sample.passed = s.contains("passed") && s["passed"].is_boolean() && s["passed"].get<bool>();
    std::string cell = MatrixCellOf(sample.scenario);
    auto it = std::find_if(cells.begin(), cells.end(),
                           [&](const LatencyCell& c) { return c.name == cell; });
    if (it == cells.end()) it = cells.insert(cells.end(), LatencyCell{cell, {}});
    it->samples.push_back(std::move(sample));
  }
  return cells;
}

std::string RenderLatencyHistogramSvg(const std::vector<LatencyCell>& cells) {
  std::vector<double> all;
  for (const LatencyCell& cell : cells) {
    for (double v : Values(cell)) all.push_back(v);
  }
  if (all.size() < kHistogramMinTotal) return "";
  std::sort(all.begin(), all.end());
  constexpr double kW = 1200, kX0 = 60, kX1 = 1180, kTop = 22, kBottom = 142, kH = 170;
  Axis axis = MakeAxis(all.back(), 10);
  double bin = NiceStep(axis.max, 40);
  size_t bins = static_cast<size_t>(std::ceil(axis.max / bin));
  std::vector<int> counts(bins, 0);
  for (double v : all) counts[std::min(bins - 1, static_cast<size_t>(v / bin))]++;
  int peak = *std::max_element(counts.begin(), counts.end());
  Axis count_axis = MakeAxis(peak, 4);
  count_axis.step = std::max(1.0, std::round(count_axis.step));

  std::string out =
      fmt::format(R"(<svg class="hist" viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" )"
                  R"(aria-label="histogram of failover times">)",
                  FormatCoord(kW), FormatCoord(kH));
  for (double c = count_axis.step; c <= count_axis.max + 1e-9; c += count_axis.step) {
    double y = kBottom - c / count_axis.max * (kBottom - kTop);
    out += fmt::format(R"(<line class="grid" x1="{0}" y1="{1}" x2="{2}" y2="{1}"/>)",
                       FormatCoord(kX0), FormatCoord(y), FormatCoord(kX1));
    out += fmt::format(R"(<text class="rl" x="{}" y="{}">{}</text>)", FormatCoord(kX0 - 6),
                       FormatCoord(y + 4), Ms(c));
  }
  out += AxisTicks(axis, kX0, kX1, kTop, kBottom, "ms");
  for (size_t i = 0; i < bins; ++i) {
    if (counts[i] == 0) continue;
    double x0 = kX0 + i * bin / axis.max * (kX1 - kX0);
    double x1 = kX0 + (i + 1) * bin / axis.max * (kX1 - kX0);
    double h = counts[i] / count_axis.max * (kBottom - kTop);
    out += fmt::format(
        R"(<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}–{} ms: {} )"
        R"(failover{}</title></rect>)",
        FormatCoord(x0 + 0.5), FormatCoord(kBottom - h), FormatCoord(std::max(x1 - x0 - 1, 1.0)),
        FormatCoord(h), Ms(i * bin), Ms((i + 1) * bin), counts[i], counts[i] == 1 ? "" : "s");
  }
  out += fmt::format(R"(<line class="base" x1="{0}" y1="{1}" x2="{2}" y2="{1}"/>)",
                     FormatCoord(kX0), FormatCoord(kBottom), FormatCoord(kX1));
  out += fmt::format(R"(<text class="axl" x="{}" y="{}">count</text>)", FormatCoord(kX0 - 6),
                     FormatCoord(kTop - 10));
  out += "</svg>";
  return out;
}

std::string RenderLatencyCellsSvg(const std::vector<LatencyCell>& cells) {
  double max_value = 0;
  bool any = false;
  for (const LatencyCell& cell : cells) {
    std::vector<double> values = Values(cell);
    if (values.empty()) continue;
    any = true;
    max_value = std::max(max_value, values.back());
  }
  if (!any) return "";
  constexpr double kW = 1200, kLabelRight = 262, kX0 = 272, kX1 = 1020, kStats = 1034;
  constexpr double kTop = 8, kRow = 20;
  double bottom = kTop + kRow * cells.size();
  double height = bottom + 24;
  Axis axis = MakeAxis(max_value, 10);
  auto x = [&](double v) { return kX0 + v / axis.max * (kX1 - kX0); };

  std::string out =
      fmt::format(R"(<svg class="cells" viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" )"
                  R"(aria-label="failover time per matrix cell">)",
                  FormatCoord(kW), FormatCoord(height));
  for (size_t r = 0; r < cells.size(); ++r) {
    if (r % 2 == 0) {
      out += fmt::format(R"(<rect class="stripe" x="0" y="{}" width="{}" height="{}"/>)",
                         FormatCoord(kTop + r * kRow), FormatCoord(kW), FormatCoord(kRow));
    }
  }
  out += AxisTicks(axis, kX0, kX1, kTop, bottom, "ms");
  for (size_t r = 0; r < cells.size(); ++r) {
    const LatencyCell& cell = cells[r];
    std::vector<double> values = Values(cell);
    double y = kTop + r * kRow;
    double mid = y + kRow / 2;
    std::string label = cell.name.empty() ? "(ungrouped)" : cell.name;
    out += fmt::format(R"(<text class="rl" x="{}" y="{}">{}<title>{}</title></text>)",
                       FormatCoord(kLabelRight), FormatCoord(mid + 4),
                       EscapeHtml(Ellipsize(label, kLabelChars)), EscapeHtml(label));
    size_t none = cell.samples.size() - values.size();
    if (values.empty()) {
      out += fmt::format(R"(<text class="none" x="{}" y="{}">no failover ({} scenario{})</text>)",
                         FormatCoord(kX0 + 4), FormatCoord(mid + 4), none, none == 1 ? "" : "s");
      continue;
    }
    double median = Median(values);
    std::string summary = fmt::format(
        "{}: {} failover{} (min {}, median {}, max {} ms){}",
        cell.name.empty() ? "(ungrouped)" : cell.name, values.size(), values.size() == 1 ? "" : "s",
        Ms(values.front()), Ms(median), Ms(values.back()),
        none ? fmt::format(", {} scenario{} without failover", none, none == 1 ? "" : "s") : "");
    if (values.size() >= kHistogramMinSamples) {
      double bin = NiceStep(axis.max, 60);
      size_t bins = static_cast<size_t>(std::ceil(axis.max / bin));
      std::vector<int> counts(bins, 0);
      for (double v : values) counts[std::min(bins - 1, static_cast<size_t>(v / bin))]++;
      int peak = *std::max_element(counts.begin(), counts.end());
      for (size_t i = 0; i < bins; ++i) {
        if (counts[i] == 0) continue;
        double h = (kRow - 4) * counts[i] / peak;
        out += fmt::format(
            R"(<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}–{} ms: )"
            R"({}</title></rect>)",
            FormatCoord(x(i * bin)), FormatCoord(y + kRow - 2 - h),
            FormatCoord(std::max(x((i + 1) * bin) - x(i * bin) - 0.5, 1.0)), FormatCoord(h),
            EscapeHtml(cell.name), Ms(i * bin), Ms((i + 1) * bin), counts[i]);
      }
    } else {
      out += fmt::format(
          R"(<line class="rng" x1="{0}" y1="{2}" x2="{1}" y2="{2}"><title>{3}</title></line>)",
          FormatCoord(x(values.front())), FormatCoord(x(values.back())), FormatCoord(mid),
          EscapeHtml(summary));
      size_t k = 0;
      for (const LatencySample& s : cell.samples) {
        if (!s.failover_ms) continue;
        double jitter = (static_cast<double>(k++ % 3) - 1) * 3;
        out += fmt::format(
            R"(<a href="#{}"><circle class="{}" cx="{}" cy="{}" r="3.5"><title>{}: {} ms ({})</title>)"
            R"(</circle></a>)",
            EscapeHtml(s.anchor), s.passed ? "dot" : "dot dot-fail", FormatCoord(x(*s.failover_ms)),
            FormatCoord(mid + jitter), EscapeHtml(s.scenario),
            fmt::format("{:.1f}", *s.failover_ms), s.passed ? "passed" : "FAILED");
      }
    }
    out += fmt::format(
        R"(<line class="med" x1="{0}" y1="{1}" x2="{0}" y2="{2}"><title>median {3} ms</title></line>)",
        FormatCoord(x(median)), FormatCoord(y + 2), FormatCoord(y + kRow - 2), Ms(median));
    out += fmt::format(
        R"(<text class="stat" x="{}" y="{}">median {} ms · {} of {}<title>{}</title></text>)",
        FormatCoord(kStats), FormatCoord(mid + 4), Ms(median), values.size(), cell.samples.size(),
        EscapeHtml(summary));
  }
  out += "</svg>";
  return out;
}

}  // namespace viplab
