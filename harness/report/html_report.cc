#include "harness/report/html_report.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <fstream>
#include <optional>

#include "harness/report/html_assets.h"
#include "harness/report/html_escape.h"
#include "harness/report/latency_chart.h"
#include "harness/report/svg_timeline.h"
#include "netns/error.h"

namespace viplab {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::optional<double> Num(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<bool> Bool(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

const json& Array(const json& j, const char* key) {
  static const json empty = json::array();
  if (!j.is_object()) return empty;
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : empty;
}

std::string Ms(std::optional<double> ms) {
  if (!ms) return "—";
  std::string s = fmt::format("{:.0f}", *ms);
  return s == "-0" ? "0" : s;
}

// "808 ms", or "—".
std::string MsUnit(std::optional<double> ms) { return ms ? Ms(ms) + " ms" : "—"; }

// A machine value for data-v: "" when absent.
std::string SortNumber(std::optional<double> v) { return v ? fmt::format("{:.1f}", *v) : ""; }

std::string Bound(const json& bound) {
  if (!bound.is_object()) return "—";
  std::optional<double> lo = Num(bound, "min"), hi = Num(bound, "max");
  if (lo && hi) return fmt::format("{:.0f}–{:.0f} ms", *lo, *hi);
  if (lo) return fmt::format("≥ {:.0f} ms", *lo);
  if (hi) return fmt::format("≤ {:.0f} ms", *hi);
  return "—";
}

// "pass", "fail", "inconclusive" or "error" (not judged: `error` set). Reports from before
// `verdict` existed have no inconclusive runs.
std::string Verdict(const json& s) {
  if (!Str(s, "error").empty()) return "error";
  if (!Bool(s, "passed").value_or(false)) return "fail";
  return Str(s, "verdict") == "inconclusive" ? "inconclusive" : "pass";
}

std::string VerdictBadge(const std::string& verdict) {
  std::string label = verdict == "pass"           ? "PASS"
                      : verdict == "fail"         ? "FAIL"
                      : verdict == "inconclusive" ? "INCONCLUSIVE"
                                                  : "ERROR";
  return fmt::format(R"(<span class="badge {}">{}</span>)", verdict, label);
}

// By harness/model/ownership.h's rule: the report's split_brain when it was written with that rule
// (it has split_brain_ms), else from the owner episodes of the scenario's timeline.
bool SplitBrain(const json& s) {
  if (s.is_object() && s.contains("split_brain_ms")) return Bool(s, "split_brain").value_or(false);
  return BuildTimelineModel(s).split_brain;
}

std::string OrNone(const std::string& s) { return s.empty() ? "none" : s; }

// "lb1 → lb2": owner_after, else owners_after joined ("none" when empty); a step's measurement
// has no owners_after, and its null owner_after means "not exactly one owner".
std::string OwnerChange(const json& s) {
  std::string after = Str(s, "owner_after");
  if (after.empty() && s.contains("owners_after")) {
    for (const json& o : Array(s, "owners_after")) {
      if (!o.is_string()) continue;
      if (!after.empty()) after += "+";
      after += o.get<std::string>();
    }
    if (after.empty()) after = "none";
  }
  return OrNone(Str(s, "owner_before")) + " → " + (after.empty() ? "none or several" : after);
}

// "810", "10710 ongoing" (with ms after the number when `unit`), or "—".
std::string Outage(const json& s, bool unit = false) {
  std::optional<double> outage = Num(s, "outage_ms");
  if (!outage) return "—";
  std::string out = Ms(outage) + (unit ? " ms" : "");
  if (Bool(s, "outage_ongoing").value_or(false)) out += R"( <span class="ongoing">ongoing</span>)";
  return out;
}

// " · PARTIAL: 3 of 189 scenarios finished ..." for a batch cut short (or still running).
std::string PartialNote(const json& report) {
  if (!report.value("partial", false)) return "";
  const size_t done = report.contains("scenarios") ? report["scenarios"].size() : 0;
  return fmt::format(
      " · PARTIAL: {} of {} scenarios finished (the batch was cut short or is "
      "still running)",
      done, Num(report, "scenarios_planned").value_or(static_cast<double>(done)));
}

void RenderHeader(std::string& out, const json& report, const json& scenarios, bool latency) {
  size_t passed = 0, failed = 0, errors = 0, inconclusive = 0;
  for (const json& s : scenarios) {
    std::string v = Verdict(s);
    (v == "pass" ? passed : v == "fail" ? failed : v == "inconclusive" ? inconclusive : errors)++;
  }
  out += "<header><h1>viplab report</h1><p class=\"meta\">";
  std::string meta = Str(report, "tool").empty() ? "viplab" : Str(report, "tool");
  if (!Str(report, "version").empty()) meta += " " + Str(report, "version");
  if (!Str(report, "started_at").empty()) meta += " · started " + Str(report, "started_at");
  if (std::optional<double> wall = Num(report, "wall_ms")) {
    meta += fmt::format(" · wall time {:.1f} s", *wall / 1000);
  }
  if (std::optional<double> jobs = Num(report, "jobs")) meta += fmt::format(" · jobs {}", *jobs);
  meta += PartialNote(report);
  out += EscapeHtml(meta) + "</p><div class=\"totals\">";
  out += fmt::format(R"(<div class="total"><b>{}</b>scenarios</div>)", scenarios.size());
  out += fmt::format(R"(<div class="total pass"><b>{}</b>passed</div>)", passed);
  out += fmt::format(R"(<div class="total fail"><b>{}</b>failed</div>)", failed);
  if (inconclusive) {
    out += fmt::format(R"(<div class="total inc"><b>{}</b>inconclusive</div>)", inconclusive);
  }
  if (errors) out += fmt::format(R"(<div class="total err"><b>{}</b>not judged</div>)", errors);
  out += R"(</div><nav class="toc"><a href="#summary">Summary</a>)";
  if (latency) out += R"(<a href="#latency">Failover latency</a>)";
  out += R"(<a href="#scenarios">Scenarios</a></nav></header>)";
}

void RenderSummary(std::string& out, const json& scenarios) {
  out += R"(<section id="summary"><h2>Summary</h2>)"
         R"(<div class="controls"><label><input type="checkbox" id="only-failed"/> )"
         R"(failed only</label><span>click a column header to sort</span></div>)"
         R"(<table id="summary-table" class="sortable"><thead><tr>)"
         R"(<th class="num" data-sort="num" data-key="index">#</th>)"
         R"(<th data-sort="text" data-key="name">scenario</th>)"
         R"(<th data-sort="text" data-key="verdict">verdict</th>)"
         R"(<th data-sort="text" data-key="owner">owner before → after</th>)"
         R"(<th class="num" data-sort="num" data-key="failover">failover ms</th>)"
         R"(<th class="num" data-sort="num" data-key="outage">outage ms</th>)"
         R"(<th data-sort="text" data-key="judged_by">judged by</th>)"
         "</tr></thead><tbody>";
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const json& s = scenarios[i];
    std::string verdict = Verdict(s);
    std::string name = Str(s, "name");
    std::optional<double> failover = Num(s, "failover_ms");
    std::optional<double> outage = Num(s, "outage_ms");
    // Verdict sorts failures first: error < fail < inconclusive < pass.
    std::string verdict_key = verdict == "error"          ? "0"
                              : verdict == "fail"         ? "1"
                              : verdict == "inconclusive" ? "2"
                                                          : "3";
    out += fmt::format(
        R"(<tr class="row {0}" data-i="{1}" data-name="{2}" data-failover="{3}">)"
        R"(<td class="num" data-v="{1}">{1}</td>)"
        R"(<td data-v="{2}"><a href="#s-{1}">{2}</a></td>)"
        R"(<td data-v="{4}">{5}</td><td>{6}</td>)"
        R"(<td class="num" data-v="{3}">{7}</td><td class="num" data-v="{8}">{9}</td>)"
        R"(<td>{10}</td></tr>)",
        verdict, i + 1, EscapeHtml(name), SortNumber(failover), verdict_key, VerdictBadge(verdict),
        EscapeHtml(OwnerChange(s)) +
            (SplitBrain(s) ? R"(<span class="tag">split brain</span>)" : ""),
        Ms(failover), SortNumber(outage), Outage(s),
        EscapeHtml(Str(s, "judged_by").empty() ? "—" : Str(s, "judged_by")));
  }
  out += "</tbody></table></section>";
}

// The latency section, or "" when no scenario failed over.
std::string RenderLatency(const json& scenarios) {
  std::vector<LatencyCell> cells = GroupLatencyByCell(scenarios);
  std::string cells_svg = RenderLatencyCellsSvg(cells);
  if (cells_svg.empty()) return "";
  std::string out = R"(<section id="latency"><h2>Failover latency</h2>)";
  std::string histogram = RenderLatencyHistogramSvg(cells);
  if (!histogram.empty()) {
    out += R"(<div class="card"><p class="ctitle">All scenarios</p><p class="csub">failover_ms: )"
           R"(fault → VIP added on another node; scenarios where it never was are left out</p>)" +
           histogram + "</div>";
  }
  out += fmt::format(
      R"(<div class="card"><p class="ctitle">Per matrix cell</p><p class="csub">cell = the )"
      R"(scenario name up to its last /; each dot is one scenario (click it), the bar spans )"
      R"(min–max, the black tick is the median; cells with {}+ failovers show a histogram. )"
      R"(Right: median and how many of the cell's scenarios failed over.</p>)",
      kHistogramMinSamples);
  out += cells_svg + "</div></section>";
  return out;
}

void Fact(std::string& out, const char* label, const std::string& value_html) {
  out += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", label, value_html);
}

void RenderFacts(std::string& out, const json& s) {
  out += "<dl class=\"facts\">";
  Fact(out, "owner", EscapeHtml(OwnerChange(s)));
  if (std::optional<bool> moved = Bool(s, "vip_moved")) {
    Fact(out, "VIP moved", *moved ? "yes" : "no");
  }
  Fact(out, "failover", MsUnit(Num(s, "failover_ms")));
  Fact(out, "release", MsUnit(Num(s, "release_ms")));
  Fact(out, "outage", Outage(s, true));
  if (std::optional<double> total = Num(s, "outage_total_ms")) {
    Fact(out, "outage total", MsUnit(total));
  }
  if (std::optional<double> dual = Num(s, "dual_owner_ms")) {
    Fact(out, "two owners", MsUnit(dual));
  }
  if (std::optional<double> split = Num(s, "split_brain_ms")) {
    Fact(out, "split brain",
         fmt::format("{} (over {})", MsUnit(split), MsUnit(Num(s, "split_brain_tolerance_ms"))));
    Fact(out, "handover overlap", MsUnit(Num(s, "handover_overlap_ms")));
  }
  if (std::optional<double> stale = Num(s, "stale_vip_ms"); stale && *stale > 0) {
    Fact(out, "stale VIP", MsUnit(stale));
  }
  if (std::optional<double> none = Num(s, "no_owner_ms")) Fact(out, "no owner", MsUnit(none));
  if (std::optional<double> observed = Num(s, "observed_ms")) {
    std::string v = Ms(observed);
    if (std::optional<double> window = Num(s, "window_ms")) v += " of " + Ms(window);
    Fact(out, "observed", v + " ms");
  }
  if (std::optional<double> probes = Num(s, "probes")) {
    Fact(out, "probes failed",
         fmt::format("{} / {}", Ms(Num(s, "probes_failed").value_or(0)), Ms(probes)));
  }
  if (std::optional<double> converge = Num(s, "converge_ms")) {
    Fact(out, "converged in", MsUnit(converge));
  }
  for (const char* key : {"judged_by", "service", "startup", "file"}) {
    std::string v = Str(s, key);
    if (v.empty()) continue;
    std::string label = key;
    if (label == "judged_by") label = "judged by";
    out += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", label, EscapeHtml(v));
  }
  out += "</dl>";
}

// The per-VIP table of a scenario with several VIPs (its `vips` list); nothing for one VIP.
void RenderVipTable(std::string& out, const json& vips) {
  if (vips.size() < 2) return;
  out +=
      "<h4>VIPs</h4><table class=\"steps vips\"><thead><tr><th>VIP</th><th>instance</th>"
      "<th>owner before → after</th><th>failover ms</th><th>settled ms</th><th>outage ms</th>"
      "</tr></thead><tbody>";
  for (const json& v : vips) {
    if (!v.is_object()) continue;
    out += fmt::format(
        R"(<tr data-vip="{0}"><td class="mono">{0}</td><td>{1}</td><td>{2}</td>)"
        R"(<td class="mono">{3}</td><td class="mono">{4}</td><td class="mono">{5}</td></tr>)",
        EscapeHtml(Str(v, "vip")),
        EscapeHtml(Str(v, "instance").empty() ? "—" : Str(v, "instance")),
        EscapeHtml(OwnerChange(v)) + (Bool(v, "split_brain").value_or(false)
                                          ? R"(<span class="tag">split brain</span>)"
                                          : ""),
        Ms(Num(v, "failover_ms")), Ms(Num(v, "settled_ms")), Outage(v));
  }
  out += "</tbody></table>";
}

void RenderSteps(std::string& out, const json& steps) {
  if (steps.empty()) return;
  out +=
      "<h4>Steps</h4><table class=\"steps\"><thead><tr><th>#</th><th>step</th><th>t ms</th>"
      "<th>took ms</th><th>verdict</th><th>what</th><th>measured</th></tr></thead><tbody>";
  for (const json& step : steps) {
    bool skipped = Bool(step, "skipped").value_or(false);
    bool passed = Bool(step, "passed").value_or(false);
    std::string cls = skipped ? "skipped" : passed ? "" : "fail";
    std::string verdict =
        skipped ? R"(<span class="dim">skipped</span>)" : VerdictBadge(passed ? "pass" : "fail");
    std::string what = EscapeHtml(Str(step, "description"));
    for (const json& f : Array(step, "failures")) {
      if (f.is_string()) what += "<br/><b>✗ " + EscapeHtml(f.get<std::string>()) + "</b>";
    }
    std::string measured;
    if (step.contains("measured") && step["measured"].is_object()) {
      const json& m = step["measured"];
      measured = EscapeHtml(OwnerChange(m)) + ", failover " + MsUnit(Num(m, "failover_ms")) +
                 ", outage " + MsUnit(Num(m, "outage_ms")) + ", two owners " +
                 MsUnit(Num(m, "dual_owner_ms"));
      if (Bool(m, "split_brain").value_or(false)) {
        measured += ", split brain " + MsUnit(Num(m, "split_brain_ms"));
      }
    }
    out += fmt::format(
        R"(<tr class="{}"><td>{}</td><td>{}</td><td class="mono">{}</td><td class="mono">{}</td>)"
        "<td>{}</td><td>{}</td><td>{}</td></tr>",
        cls, EscapeHtml(Str(step, "index")), EscapeHtml(Str(step, "kind")), Ms(Num(step, "t_ms")),
        Ms(Num(step, "duration_ms")), verdict, what, measured);
  }
  out += "</tbody></table>";
}

void RenderStringList(std::string& out, const json& list, const char* cls) {
  out += fmt::format("<ul class=\"{}\">", cls);
  for (const json& item : list) {
    out += "<li>" + EscapeHtml(item.is_string() ? item.get<std::string>() : item.dump()) + "</li>";
  }
  out += "</ul>";
}

void RenderPrediction(std::string& out, const json& p) {
  if (!p.is_object()) return;
  out += "<h4>Oracle's prediction</h4><p>";
  std::string line =
      fmt::format("{} → {}", OrNone(Str(p, "owner_before")), OrNone(Str(p, "owner_after")));
  if (std::optional<bool> moves = Bool(p, "vip_moves")) line += *moves ? " (moves)" : " (stays)";
  if (p.contains("failover_ms") && p["failover_ms"].is_object()) {
    line += ", failover " + Bound(p["failover_ms"]);
  }
  if (p.contains("release_ms") && p["release_ms"].is_object()) {
    line += ", release " + Bound(p["release_ms"]);
  }
  if (std::optional<bool> split = Bool(p, "split_brain")) {
    line += *split ? ", split brain" : ", no split brain";
  }
  if (!Str(p, "confidence").empty()) line += ", confidence " + Str(p, "confidence");
  out += EscapeHtml(line) + "</p><ol class=\"reasons\">";
  for (const json& r : Array(p, "reasons")) {
    if (r.is_string()) out += "<li>" + EscapeHtml(r.get<std::string>()) + "</li>";
  }
  out += "</ol>";
}

void RenderLogTail(std::string& out, const json& log_tail) {
  if (log_tail.empty()) return;
  std::string text;
  for (const json& line : log_tail) {
    text += (line.is_string() ? line.get<std::string>() : line.dump()) + "\n";
  }
  out += "<h4>Log tail</h4><pre class=\"log\">" + EscapeHtml(text) + "</pre>";
}

void RenderEvents(std::string& out, const json& events) {
  size_t client = 0;
  std::string rows;
  for (const json& e : events) {
    if (Str(e, "kind") == "client") {
      ++client;
      continue;
    }
    std::optional<double> t = Num(e, "t_ms");
    rows += fmt::format(R"(<tr><td class="mono">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>)",
                        t ? fmt::format("{:.1f}", *t) : "—", EscapeHtml(Str(e, "node")),
                        EscapeHtml(Str(e, "kind")), EscapeHtml(Str(e, "detail")));
  }
  if (rows.empty()) return;
  out += fmt::format(
      R"(<details class="more"><summary>events ({} client change{} shown as the client )"
      R"(row only)</summary><table class="events"><thead><tr><th>t ms</th><th>node</th>)"
      "<th>kind</th><th>detail</th></tr></thead><tbody>",
      client, client == 1 ? "" : "s");
  out += rows + "</tbody></table></details>";
}

void RenderScenario(std::string& out, const json& s, size_t index, bool open) {
  std::string verdict = Verdict(s);
  std::string name = Str(s, "name");
  std::string summary = OwnerChange(s) + " · failover " + MsUnit(Num(s, "failover_ms")) +
                        " · outage " + MsUnit(Num(s, "outage_ms"));
  if (Bool(s, "outage_ongoing").value_or(false)) summary += " (ongoing)";
  if (SplitBrain(s)) summary += " · split brain";
  out += fmt::format(
      R"(<section class="scn {0}" id="s-{1}"><details{2}><summary>{3})"
      R"(<span class="sname">{4}</span><span class="ssum">{5}</span></summary><div class="sbody">)",
      verdict, index, open ? R"( open="open")" : "", VerdictBadge(verdict), EscapeHtml(name),
      EscapeHtml(summary));
  if (!Str(s, "fault").empty()) {
    out += "<p class=\"fault\"><b>fault:</b> " + EscapeHtml(Str(s, "fault")) + "</p>";
  }
  if (!Str(s, "error").empty()) {
    out += "<p class=\"error-msg\"><b>not judged:</b> " + EscapeHtml(Str(s, "error")) + "</p>";
  }
  if (verdict == "inconclusive") {
    out += "<p class=\"inc-msg\"><b>inconclusive:</b> " + EscapeHtml(Str(s, "verdict_reason")) +
           "</p>";
  }
  RenderFacts(out, s);
  RenderVipTable(out, Array(s, "vips"));
  out += "<div class=\"tlwrap\">" +
         RenderTimelineSvg(BuildTimelineModel(s), fmt::format("tl-{}", index)) + "</div>";
  const json& failures = Array(s, "failures");
  if (!failures.empty()) {
    out += "<h4>Failures</h4>";
    RenderStringList(out, failures, "failures");
  }
  RenderSteps(out, Array(s, "steps"));
  if (s.contains("prediction")) RenderPrediction(out, s["prediction"]);
  RenderLogTail(out, Array(s, "log_tail"));
  const json& checks = Array(s, "checks");
  if (!checks.empty()) {
    out += fmt::format(R"(<details class="more"><summary>checks ({})</summary>)", checks.size());
    RenderStringList(out, checks, "checks");
    out += "</details>";
  }
  if (!Str(s, "description").empty()) {
    out += "<h4>Description</h4><p class=\"desc\">" + EscapeHtml(Str(s, "description")) + "</p>";
  }
  RenderEvents(out, Array(s, "events"));
  out += "</div></details></section>";
}

}  // namespace

std::string RenderHtml(const json& report) {
  const json& scenarios = Array(report, "scenarios");
  size_t failed = 0;
  for (const json& s : scenarios) failed += Verdict(s) == "fail" || Verdict(s) == "error";
  std::string out;
  out.reserve(16384 + scenarios.size() * 12000);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>";
  out += fmt::format("<title>viplab report: {} scenario{}, {} failed</title>", scenarios.size(),
                     scenarios.size() == 1 ? "" : "s", failed);
  out += std::string("<style>") + kHtmlReportCss + "</style></head><body><main>";
  std::string latency = RenderLatency(scenarios);
  RenderHeader(out, report, scenarios, !latency.empty());
  RenderSummary(out, scenarios);
  out += latency;
  out += R"(<section id="scenarios"><h2>Scenarios</h2>)"
         R"(<div class="controls"><button type="button" id="expand-all">expand all</button>)"
         R"(<button type="button" id="collapse-all">collapse all</button></div>)";
  out += RenderTimelineLegendSvg();
  bool open_all = scenarios.size() <= kHtmlOpenAllUpTo;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    RenderScenario(out, scenarios[i], i + 1, open_all || Verdict(scenarios[i]) != "pass");
  }
  out += "</section></main><script>";
  out += kHtmlReportScript;
  out += "</script></body></html>\n";
  return out;
}

void WriteHtmlReport(const std::filesystem::path& path, const json& report) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << RenderHtml(report);
  out.close();
  if (!out) throw SystemError::FromErrno(errno, fmt::format("could not write '{}'", path.string()));
}

}  // namespace viplab
