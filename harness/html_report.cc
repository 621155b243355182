#include "harness/html_report.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <fstream>
#include <optional>

#include "harness/html_escape.h"
#include "harness/latency_chart.h"
#include "harness/svg_timeline.h"
#include "netns/error.h"

namespace viplab {
namespace {

using nlohmann::json;

// Static CSS and JS are raw strings (no fmt: their braces would need escaping). The CDATA
// markers sit in comments so the page parses both as HTML and as XML.
constexpr const char* kCss = R"css(/*<![CDATA[*/
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f6f7f9;--card:#fff;--pass:#15803d;
--fail:#dc2626;--err:#7c3aed;--accent:#0e7490}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
main{max-width:1280px;margin:0 auto;padding:20px 24px 60px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h4{font-size:13px;margin:14px 0 4px;text-transform:uppercase;letter-spacing:.04em;
color:var(--muted)}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}
.meta{color:var(--muted);margin:0}
.totals{display:flex;gap:10px;margin:12px 0 0;flex-wrap:wrap}
.total{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:6px 14px;
min-width:110px}
.total b{display:block;font-size:22px;line-height:1.2}
.total.pass b{color:var(--pass)}.total.fail b{color:var(--fail)}.total.err b{color:var(--err)}
.controls{display:flex;gap:14px;align-items:center;margin:14px 0 6px;color:var(--muted)}
.controls button{font:inherit;font-size:13px;padding:3px 10px;border:1px solid #cbd5e1;
border-radius:6px;background:#fff;cursor:pointer}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 16px;
margin-bottom:12px}
.ctitle{font-weight:600;margin:0}
.csub{color:var(--muted);font-size:12.5px;margin:0 0 8px}
nav.toc{display:flex;gap:16px;margin:10px 0 0;font-size:13px}
.tag{display:inline-block;font-size:10.5px;font-weight:700;border-radius:3px;padding:0 4px;
margin-left:6px;color:#fff;background:var(--fail)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);
background:#f9fafb;white-space:nowrap}
#summary-table{background:var(--card);border:1px solid var(--line)}
#summary-table th{position:sticky;top:0;z-index:1}
#summary-table tbody tr:hover{background:#f0f9ff}
#summary-table td.num,#summary-table th.num{text-align:right;font-variant-numeric:tabular-nums}
th[data-sort]{cursor:pointer;user-select:none}
th[data-sort]:hover{color:var(--fg)}
th[data-sort]::after{content:"\2195";opacity:.35;margin-left:4px}
th[aria-sort=ascending]::after{content:"\25B2";opacity:.9}
th[aria-sort=descending]::after{content:"\25BC";opacity:.9}
.badge{display:inline-block;min-width:44px;text-align:center;font-size:11px;font-weight:700;
letter-spacing:.04em;border-radius:4px;padding:1px 6px;color:#fff}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}
.badge.error{background:var(--err)}
.ongoing{color:var(--fail);font-size:11px}
.dim{color:var(--muted)}
body.failed-only tr.row.pass,body.failed-only section.scn.pass{display:none}
section.scn{margin:10px 0;background:var(--card);border:1px solid var(--line);border-radius:10px}
section.scn.fail,section.scn.error{border-left:4px solid var(--fail)}
section.scn>details>summary{cursor:pointer;padding:9px 14px;display:flex;gap:10px;
align-items:baseline;flex-wrap:wrap;list-style:none}
section.scn>details>summary::-webkit-details-marker{display:none}
section.scn>details>summary::before{content:"\25B6";font-size:10px;color:var(--muted)}
section.scn>details[open]>summary::before{content:"\25BC"}
.sname{font-weight:600;font-size:15px}
.ssum{color:var(--muted);font-size:13px}
.sbody{padding:0 16px 14px}
.fault{margin:2px 0 8px}
.error-msg{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;padding:6px 10px;
border-radius:6px}
dl.facts{display:flex;flex-wrap:wrap;gap:4px 18px;margin:6px 0 10px}
dl.facts div{display:flex;gap:5px}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.desc{color:#4b5563;font-size:13px;max-width:980px}
.tlwrap{overflow-x:auto;margin:8px 0}
ul.failures{color:#991b1b;margin:4px 0}
ol.reasons{margin:4px 0;padding-left:22px}
ol.reasons li{margin:2px 0}
table.steps td,table.events td{font-size:13px}
table.steps tr.fail td{background:#fef2f2}
table.steps tr.skipped td{color:var(--muted)}
pre.log{background:#111827;color:#e5e7eb;padding:8px 10px;border-radius:6px;overflow-x:auto;
max-height:360px;margin:4px 0}
details.more>summary{cursor:pointer;color:var(--muted);font-size:13px;margin-top:8px}
svg{display:block;max-width:100%;height:auto}
svg text{font-family:system-ui,"DejaVu Sans",sans-serif;font-size:10px;fill:#374151}
svg .rl{text-anchor:end;font-size:11px;fill:#374151}
svg .rs{font-size:9px;fill:#6b7280}
svg .sl{text-anchor:middle;fill:#1f2937;pointer-events:none}
svg .sl.lt{fill:#fff}
svg .tick{text-anchor:middle;fill:#6b7280}
svg .axl{text-anchor:end;fill:#6b7280;font-style:italic}
svg .grid{stroke:#eef0f3;stroke-width:1}
svg .grid0{stroke:#cbd5e1}
svg .base{stroke:#9ca3af}
.st-INIT{fill:#e5e7eb}.st-BACKUP{fill:#93c5fd}.st-MASTER{fill:#16a34a}.st-FAULT{fill:#f59e0b}
.st-STOP{fill:#6b7280}.st-EXITED{fill:#374151}.st-OTHER{fill:#c4b5fd}
.own-n0{fill:#0e7490}.own-n1{fill:#7c3aed}.own-n2{fill:#b45309}.own-n3{fill:#be185d}
.own-n4{fill:#1d4ed8}.own-n5{fill:#4d7c0f}.own-x{fill:#475569}
.own.split{fill:#dc2626;stroke:#7f1d1d;stroke-width:1}
.own-none{fill:#fafafa;stroke:#d1d5db;stroke-dasharray:3 3}
.cl-n0{fill:#a5f3fc}.cl-n1{fill:#ddd6fe}.cl-n2{fill:#fde68a}.cl-n3{fill:#fbcfe8}
.cl-n4{fill:#bfdbfe}.cl-n5{fill:#d9f99d}.cl-x{fill:#e2e8f0}.cl-failed{fill:#ef4444}
.outage{fill:#ef4444;fill-opacity:.09;pointer-events:none}
.mk line{stroke-width:1.5}
.mk-fault line{stroke:#dc2626}.mk-fault text{fill:#dc2626;font-weight:700}
.mk-clear line{stroke:#2563eb;stroke-dasharray:4 3}.mk-clear text{fill:#2563eb;font-weight:700}
.mk line.hit{stroke:transparent;stroke-width:8;stroke-dasharray:none}
.adv{stroke:#475569;stroke-width:1.2}.adv0{stroke:#dc2626;stroke-width:2}
.advbad{stroke:#f59e0b;stroke-width:2;stroke-dasharray:2 2}
svg .advl{font-size:9px;fill:#334155;font-weight:600}
svg .advl0{fill:#dc2626}
.ev{stroke:#fff;stroke-width:1}.ev-exit{fill:#111827}.ev-link{fill:#7c3aed}
.ev-garp{fill:#f59e0b;stroke:#78350f}
.stripe{fill:#f8fafc}
.bar{fill:#0e7490}
.bar:hover{fill:#155e75}
.rng{stroke:#94a3b8;stroke-width:3;stroke-linecap:round}
.med{stroke:#111827;stroke-width:2}
.dot{fill:#0e7490;stroke:#fff;stroke-width:1}
.dot-fail{fill:#dc2626}
svg .none{fill:#9ca3af;font-style:italic}
svg .stat{fill:#4b5563;font-size:10px}
svg.legend{margin:4px 0 8px}
svg .lg{font-size:11px}
/*]]>*/)css";

constexpr const char* kScript = R"js(//<![CDATA[
(function () {
  "use strict";
  function sortValue(row, col, type) {
    var cell = row.cells[col];
    var v = cell ? cell.getAttribute("data-v") : null;
    if (v === null) v = cell ? cell.textContent : "";
    if (type === "num") return v === "" ? NaN : parseFloat(v);
    return v;
  }
  function sortBy(th) {
    var table = th.closest("table");
    var tbody = table.tBodies[0];
    var col = Array.prototype.indexOf.call(th.parentNode.children, th);
    var type = th.getAttribute("data-sort");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {
      var va = sortValue(a, col, type), vb = sortValue(b, col, type), c;
      if (type === "num") {
        var na = isNaN(va), nb = isNaN(vb);
        if (na || nb) c = na === nb ? 0 : (na ? 1 : -1);  /* empty cells last either way */
        else c = ascending ? va - vb : vb - va;
      } else {
        c = String(va).localeCompare(String(vb), undefined, {numeric: true});
        if (!ascending) c = -c;
      }
      return c || (+a.getAttribute("data-i")) - (+b.getAttribute("data-i"));
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
    table.querySelectorAll("th[data-sort]").forEach(function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  document.querySelectorAll("table.sortable th[data-sort]").forEach(function (th) {
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); }
    });
  });
  var only = document.getElementById("only-failed");
  if (only) only.addEventListener("change", function () {
    document.body.classList.toggle("failed-only", only.checked);
  });
  function setOpen(open) {
    document.querySelectorAll("section.scn > details").forEach(function (d) { d.open = open; });
  }
  var expand = document.getElementById("expand-all");
  if (expand) expand.addEventListener("click", function () { setOpen(true); });
  var collapse = document.getElementById("collapse-all");
  if (collapse) collapse.addEventListener("click", function () { setOpen(false); });
  /* Following a link to a collapsed scenario opens it. */
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    var details = target ? target.querySelector("details") : null;
    if (details) details.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  document.body.setAttribute("data-rendered", "1");
})();
//]]>)js";

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

// "pass", "fail" or "error" (not judged: `error` set).
std::string Verdict(const json& s) {
  if (!Str(s, "error").empty()) return "error";
  return Bool(s, "passed").value_or(false) ? "pass" : "fail";
}

std::string VerdictBadge(const std::string& verdict) {
  std::string label = verdict == "pass" ? "PASS" : verdict == "fail" ? "FAIL" : "ERROR";
  return fmt::format(R"(<span class="badge {}">{}</span>)", verdict, label);
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
  size_t passed = 0, failed = 0, errors = 0;
  for (const json& s : scenarios) {
    std::string v = Verdict(s);
    (v == "pass" ? passed : v == "fail" ? failed : errors)++;
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
    // Verdict sorts failures first: error < fail < pass.
    std::string verdict_key = verdict == "error" ? "0" : verdict == "fail" ? "1" : "2";
    out += fmt::format(
        R"(<tr class="row {0}" data-i="{1}" data-name="{2}" data-failover="{3}">)"
        R"(<td class="num" data-v="{1}">{1}</td>)"
        R"(<td data-v="{2}"><a href="#s-{1}">{2}</a></td>)"
        R"(<td data-v="{4}">{5}</td><td>{6}</td>)"
        R"(<td class="num" data-v="{3}">{7}</td><td class="num" data-v="{8}">{9}</td>)"
        R"(<td>{10}</td></tr>)",
        verdict, i + 1, EscapeHtml(name), SortNumber(failover), verdict_key, VerdictBadge(verdict),
        EscapeHtml(OwnerChange(s)) + (Bool(s, "split_brain").value_or(false)
                                          ? R"(<span class="tag">split brain</span>)"
                                          : ""),
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
  if (std::optional<double> dual = Num(s, "dual_owner_ms")) {
    Fact(out, "two owners", MsUnit(dual));
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
  if (Bool(s, "split_brain").value_or(false)) summary += " · split brain";
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
  RenderFacts(out, s);
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
  for (const json& s : scenarios) failed += Verdict(s) != "pass";
  std::string out;
  out.reserve(16384 + scenarios.size() * 12000);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>";
  out += fmt::format("<title>viplab report: {} scenario{}, {} failed</title>", scenarios.size(),
                     scenarios.size() == 1 ? "" : "s", failed);
  out += std::string("<style>") + kCss + "</style></head><body><main>";
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
  out += kScript;
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
