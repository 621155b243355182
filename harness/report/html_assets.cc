#include "harness/report/html_assets.h"

namespace viplab {

// Static CSS and JS are raw strings (no fmt: their braces would need escaping). The CDATA
// markers sit in comments so the page parses both as HTML and as XML.
const char* const kHtmlReportCss = R"css(/*<![CDATA[*/
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f6f7f9;--card:#fff;--pass:#15803d;
--fail:#dc2626;--err:#7c3aed;--inc:#b45309;--accent:#0e7490}
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
.total.inc b{color:var(--inc)}
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
.badge.error{background:var(--err)}.badge.inconclusive{background:var(--inc)}
.ongoing{color:var(--fail);font-size:11px}
.dim{color:var(--muted)}
body.failed-only tr.row.pass,body.failed-only section.scn.pass{display:none}
section.scn{margin:10px 0;background:var(--card);border:1px solid var(--line);border-radius:10px}
section.scn.fail,section.scn.error{border-left:4px solid var(--fail)}
section.scn.inconclusive{border-left:4px solid var(--inc)}
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
.inc-msg{background:#fffbeb;border:1px solid #fde68a;color:#92400e;padding:6px 10px;
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
.own.split{fill:#dc2626;stroke:#7f1d1d;stroke-width:1}.own.handover{fill:#f59e0b}
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

const char* const kHtmlReportScript = R"js(//<![CDATA[
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

}  // namespace viplab
