#include "harness/report/svg_timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "harness/report/html_escape.h"

namespace viplab {
namespace {

std::string FormatMs(double ms) {
  if (std::fabs(ms) < 10 && ms != std::round(ms)) return fmt::format("{:.1f}", ms);
  std::string s = fmt::format("{:.0f}", ms);
  return s == "-0" ? "0" : s;
}

std::string Join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

// Geometry of the SVG, in viewBox units.
constexpr double kWidth = 1200;
constexpr double kLabelRight = 112;  // row labels end here (text-anchor end)
constexpr double kPlotLeft = 120;
constexpr double kPlotRight = 1188;
constexpr double kTop = 18;  // room for marker labels
constexpr double kBandHeight = 18;
constexpr double kAdvertHeight = 15;
constexpr double kOwnerHeight = 18;
constexpr double kClientHeight = 13;
constexpr double kRowGap = 5;
constexpr double kAxisHeight = 26;
constexpr double kCharWidth = 6.2;  // average glyph width at 10px, for "does the label fit"

struct Scale {
  double t_min, t_max;
  double X(double t) const {
    return kPlotLeft + (t - t_min) / (t_max - t_min) * (kPlotRight - kPlotLeft);
  }
};

const std::set<std::string>& KnownStates() {
  static const std::set<std::string> known = {"INIT",  "BACKUP", "MASTER",
                                              "FAULT", "STOP",   "EXITED"};
  return known;
}

std::string StateClass(const std::string& state) {
  return KnownStates().count(state) ? "st-" + state : "st-OTHER";
}

bool DarkState(const std::string& state) {
  return state == "MASTER" || state == "STOP" || state == "EXITED";
}

int NodeIndex(const TimelineModel& model, const std::string& node) {
  auto it = std::find(model.nodes.begin(), model.nodes.end(), node);
  return it == model.nodes.end() ? -1 : static_cast<int>(it - model.nodes.begin());
}

std::string Range(const TimelineSpan& span) {
  return fmt::format("{} → {} ms ({} ms)", FormatMs(span.t0), FormatMs(span.t1),
                     FormatMs(span.t1 - span.t0));
}

// A rect with a tooltip and, when it fits, a centred label.
void SpanRect(std::string& out, double x0, double x1, double y, double h, const std::string& cls,
              const std::string& title, const std::string& label, bool light_text,
              double min_width = 0) {
  double w = std::max(x1 - x0, min_width);
  out += fmt::format(R"(<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{}</title>)"
                     "</rect>",
                     cls, FormatCoord(x0), FormatCoord(y), FormatCoord(w), FormatCoord(h),
                     EscapeHtml(title));
  if (!label.empty() && w >= label.size() * kCharWidth + 6) {
    out += fmt::format(R"(<text class="sl{}" x="{}" y="{}">{}</text>)", light_text ? " lt" : "",
                       FormatCoord(x0 + w / 2), FormatCoord(y + h / 2 + 3.5), EscapeHtml(label));
  }
}

// The time axis of the view, with spans that start before it cut at its left edge (Clamped).
Scale ViewScale(const TimelineModel& model) {
  double view_min = std::min(std::max(model.view_min, model.t_min), model.t_max);
  double span = model.t_max - view_min;
  Scale scale{view_min, model.t_max};
  if (span <= 0) {
    scale = {view_min - 100, model.t_max + 100};
  } else {
    scale = {view_min - (view_min < model.t_min + 1e-9 ? span * 0.01 : 0),
             model.t_max + span * 0.01};
  }
  return scale;
}

double Clamped(const Scale& scale, double t) { return scale.X(std::max(t, scale.t_min)); }

// Row layout. A state row of a node's band (model.bands) has `band`; owner and client rows of
// a VIP lane (model.vip_lanes) have `lane`.
struct Row {
  enum Kind { kState, kAdvert, kOwner, kClient } kind;
  std::string key;
  double y, h;
  const StateBand* band = nullptr;
  bool marks = true;  // state row: the node's marks are drawn here (its first band)
  const VipLane* lane = nullptr;
  const AdvertLane* advert = nullptr;  // advert rows
};

// The rows top to bottom: each node's state band(s) followed by its advert lanes, advert lanes
// of senders that are not nodes, the VIP owner and the client (or each VIP's owner and client
// lanes). `bottom` is where the last one ends.
std::vector<Row> LayoutRows(const TimelineModel& model, double& bottom) {
  std::vector<Row> rows;
  double y = kTop;
  auto add = [&](Row::Kind kind, const std::string& key, double h) -> Row& {
    rows.push_back({kind, key, y, h});
    y += h + kRowGap;
    return rows.back();
  };
  for (const std::string& node : model.nodes) {
    if (model.bands.empty()) add(Row::kState, node, kBandHeight);
    bool first = true;
    for (const StateBand& band : model.bands) {
      if (band.node != node) continue;
      Row& row = add(Row::kState, node, kBandHeight);
      row.band = &band;
      row.marks = first;
      first = false;
    }
    for (const AdvertLane& lane : model.adverts) {
      if (lane.sender == node) add(Row::kAdvert, node, kAdvertHeight).advert = &lane;
    }
  }
  for (const AdvertLane& lane : model.adverts) {
    if (NodeIndex(model, lane.sender) < 0) {
      add(Row::kAdvert, lane.sender, kAdvertHeight).advert = &lane;
    }
  }
  if (model.vip_lanes.empty()) {
    add(Row::kOwner, "", kOwnerHeight);
    if (!model.client.empty()) add(Row::kClient, "", kClientHeight);
  }
  for (const VipLane& lane : model.vip_lanes) {
    add(Row::kOwner, lane.vip, kOwnerHeight).lane = &lane;
    if (!lane.client.empty()) add(Row::kClient, lane.vip, kClientHeight).lane = &lane;
  }
  bottom = y - kRowGap;
  return rows;
}

// Grid and axis.
void RenderAxis(std::string& out, const Scale& scale, double rows_bottom) {
  double step = NiceStep(scale.t_max - scale.t_min, 10);
  std::string grid, axis;
  for (double t = std::ceil(scale.t_min / step) * step; t <= scale.t_max + 1e-9; t += step) {
    double tx = scale.X(t);
    bool zero = std::fabs(t) < step / 1000;
    grid += fmt::format(R"(<line class="{}" x1="{}" y1="{}" x2="{}" y2="{}"/>)",
                        zero ? "grid grid0" : "grid", FormatCoord(tx), FormatCoord(kTop - 2),
                        FormatCoord(tx), FormatCoord(rows_bottom + 3));
    axis += fmt::format(R"(<text class="tick" x="{}" y="{}">{}</text>)", FormatCoord(tx),
                        FormatCoord(rows_bottom + 15), FormatMs(zero ? 0 : t));
  }
  out += "<g class=\"axis\">" + grid + axis;
  out += fmt::format(R"(<text class="axl" x="{}" y="{}">ms from fault</text></g>)",
                     FormatCoord(kLabelRight - 18), FormatCoord(rows_bottom + 15));
}

// A VIP lane's name: "10.77.0.201 VI_2" (the instance when known).
std::string LaneLabel(const VipLane& lane) {
  return lane.instance.empty() ? lane.vip : lane.vip + " " + lane.instance;
}

void RenderStateRow(std::string& out, const TimelineModel& model, const Scale& scale,
                    const Row& row) {
  const bool instance = row.band && !row.band->instance.empty();
  const std::string label = instance ? row.key + " " + row.band->instance : row.key;
  out += fmt::format(
      R"(<g class="band" data-node="{0}"{1}><text class="rl" x="{2}" y="{3}">)"
      "{4}</text>",
      EscapeHtml(row.key),
      instance ? fmt::format(R"( data-instance="{}")", EscapeHtml(row.band->instance)) : "",
      FormatCoord(kLabelRight), FormatCoord(row.y + row.h / 2 + 4), EscapeHtml(label));
  for (const TimelineSpan& s : row.band ? row.band->spans : model.states.at(row.key)) {
    if (s.t1 <= scale.t_min) continue;
    std::string title = fmt::format("{}: {}, {}", label, s.label, Range(s));
    SpanRect(out, Clamped(scale, s.t0), Clamped(scale, s.t1), row.y, row.h, StateClass(s.label),
             title, s.label, DarkState(s.label));
  }
  for (const TimelineMark& m : model.node_marks) {
    if (!row.marks || m.node != row.key || m.t < scale.t_min) continue;
    std::string title = fmt::format("{}: {}{} at {} ms", m.node,
                                    m.kind == "garp"    ? "gratuitous ARP "
                                    : m.kind == "power" ? "power "
                                                        : "",
                                    m.detail, FormatMs(m.t));
    out += fmt::format(
        R"(<circle class="ev ev-{}" cx="{}" cy="{}" r="{}"><title>{}</title></circle>)",
        m.kind == "link"   ? "link"
        : m.kind == "garp" ? "garp"
                           : "exit",
        FormatCoord(scale.X(m.t)), FormatCoord(m.kind == "garp" ? row.y : row.y + row.h),
        m.kind == "garp" ? "2.5" : "3.5", EscapeHtml(title));
  }
  out += "</g>";
}

// One run of adverts of the same priority: a tick per advert, its priority as label when there
// is room after the previous label (`last_label_x`).
void RenderAdvertRun(std::string& out, const AdvertLane& lane, const AdvertRun& run,
                     const Scale& scale, const Row& row, double& last_label_x) {
  std::string d;
  double last_x = -1e9;
  for (double t : run.times) {
    if (t < scale.t_min) continue;
    double tx = scale.X(t);
    if (tx - last_x < 1) continue;
    d += fmt::format("M{} {}v{}", FormatCoord(tx), FormatCoord(row.y + 1), FormatCoord(row.h - 2));
    last_x = tx;
  }
  std::string prio = run.priority >= 0 ? std::to_string(run.priority) : "?";
  std::string title =
      fmt::format("{} adverts, priority {}: {} between {} and {} ms ({}){}", lane.sender, prio,
                  run.times.size(), FormatMs(run.times.front()), FormatMs(run.times.back()),
                  run.detail, run.dropped ? "; keepalived drops these" : "");
  std::string cls = run.dropped ? "adv advbad" : run.priority == 0 ? "adv adv0" : "adv";
  out +=
      fmt::format(R"(<path class="{}" d="{}"><title>{}</title></path>)", cls, d, EscapeHtml(title));
  if (d.empty()) return;
  double lx = Clamped(scale, run.times.front()) + 2;
  if (lx - last_label_x >= 22) {
    out += fmt::format(R"(<text class="{}" x="{}" y="{}">{}</text>)",
                       run.priority == 0 ? "advl advl0" : "advl", FormatCoord(lx),
                       FormatCoord(row.y + row.h - 4), prio);
    last_label_x = lx;
  }
}

void RenderAdvertRow(std::string& out, const TimelineModel& model, const Scale& scale,
                     const Row& row) {
  bool own = NodeIndex(model, row.key) >= 0;
  const std::string& vrid = row.advert->vrid;
  out += fmt::format(
      R"(<g class="adverts" data-sender="{}"{}><text class="rl rs" x="{}" y="{}">{}</text>)",
      EscapeHtml(row.key), vrid.empty() ? "" : fmt::format(R"( data-vrid="{}")", EscapeHtml(vrid)),
      FormatCoord(kLabelRight), FormatCoord(row.y + row.h / 2 + 3),
      EscapeHtml((own ? "adverts" : "adverts " + row.key) + (vrid.empty() ? "" : " vrid " + vrid)));
  double last_label_x = -1e9;
  for (const AdvertRun& run : row.advert->runs) {
    RenderAdvertRun(out, *row.advert, run, scale, row, last_label_x);
  }
  out += "</g>";
}

void RenderOwnerRow(std::string& out, const TimelineModel& model, const Scale& scale,
                    const Row& row) {
  if (row.lane) {
    out += fmt::format(
        R"(<g class="owners" data-vip="{}" data-instance="{}"><text class="rl" x="{}" y="{}">)"
        "{}</text>",
        EscapeHtml(row.lane->vip), EscapeHtml(row.lane->instance), FormatCoord(kLabelRight),
        FormatCoord(row.y + row.h / 2 + 4), EscapeHtml(LaneLabel(*row.lane)));
  } else {
    out += fmt::format(R"(<g class="owners"><text class="rl" x="{}" y="{}">VIP owner</text>)",
                       FormatCoord(kLabelRight), FormatCoord(row.y + row.h / 2 + 4));
  }
  const std::string vip = row.lane ? "VIP " + row.lane->vip : "VIP";
  const std::string none = row.lane ? "no owner of " + vip : "no VIP owner";
  for (const TimelineSpan& s : row.lane ? row.lane->owners : model.owners) {
    if (s.t1 <= scale.t_min) continue;
    const double x0 = Clamped(scale, s.t0), x1 = Clamped(scale, s.t1);
    std::string who = Join(s.owners, "+");
    const std::string stale = s.detail.empty() ? "" : " (" + s.detail + ")";
    if (s.owners.empty()) {
      SpanRect(out, x0, x1, row.y + 0.5, row.h - 1, "own-none", none + stale + ", " + Range(s), "",
               false);
    } else if (s.owners.size() == 1) {
      int index = NodeIndex(model, who);
      SpanRect(out, x0, x1, row.y, row.h,
               index < 0 ? "own own-x" : fmt::format("own own-n{}", index % 6),
               fmt::format("{} on {}{}, {}", vip, who, stale, Range(s)), who, true);
    } else {
      const bool split = s.label == "split brain";
      SpanRect(out, x0, x1, row.y, row.h, split ? "own split" : "own handover",
               fmt::format("{}: {} on {}{}, {}", split ? "SPLIT BRAIN" : "handover overlap", vip,
                           who, stale, Range(s)),
               s.label + " " + who, true, 2);
    }
  }
  out += "</g>";
}

void RenderClientRow(std::string& out, const TimelineModel& model, const Scale& scale,
                     const Row& row) {
  out += fmt::format(R"(<g class="client"{}><text class="rl rs" x="{}" y="{}">client</text>)",
                     row.lane ? fmt::format(R"( data-vip="{}")", EscapeHtml(row.lane->vip)) : "",
                     FormatCoord(kLabelRight), FormatCoord(row.y + row.h / 2 + 3));
  const std::string client = row.lane ? "client of " + row.lane->vip : "client";
  for (const TimelineSpan& s : row.lane ? row.lane->client : model.client) {
    if (s.t1 <= scale.t_min) continue;
    const double x0 = Clamped(scale, s.t0), x1 = Clamped(scale, s.t1);
    if (s.label == "served") {
      std::string who = s.owners.empty() ? "?" : s.owners.front();
      int index = NodeIndex(model, who);
      SpanRect(out, x0, x1, row.y, row.h,
               index < 0 ? "cl cl-x" : fmt::format("cl cl-n{}", index % 6),
               fmt::format("{} served by {}, {}", client, who, Range(s)), who, false);
    } else {
      bool outage = s.t1 > model.outage_start;
      std::string label =
          outage ? fmt::format("outage {} ms", FormatMs(s.t1 - std::max(s.t0, 0.0))) : "failed";
      SpanRect(out, x0, x1, row.y, row.h, "cl cl-failed",
               fmt::format("{} failed ({}), {}", client, s.detail, Range(s)), label, true, 1);
    }
  }
  out += "</g>";
}

// Outages after the fault, shaded across all rows.
void RenderOutages(std::string& out, const TimelineModel& model, const Scale& scale,
                   double rows_bottom) {
  auto shade = [&](const std::vector<TimelineSpan>& client) {
    for (const TimelineSpan& s : client) {
      if (s.label != "failed" || s.t1 <= model.outage_start) continue;
      double x0 = scale.X(std::max(s.t0, model.outage_start));
      double x1 = Clamped(scale, s.t1);
      out += fmt::format(R"(<rect class="outage" x="{}" y="{}" width="{}" height="{}"/>)",
                         FormatCoord(x0), FormatCoord(kTop - 2),
                         FormatCoord(std::max(x1 - x0, 1.0)), FormatCoord(rows_bottom - kTop + 2));
    }
  };
  if (model.vip_lanes.empty()) shade(model.client);
  for (const VipLane& lane : model.vip_lanes) shade(lane.client);
}

// A fault or clear marker: a vertical line across all rows, labelled at the top.
void RenderMarker(std::string& out, const Scale& scale, double rows_bottom, const TimelineMark& m,
                  const char* cls, const char* label) {
  if (m.t < scale.t_min) return;
  double tx = scale.X(m.t);
  std::string title =
      fmt::format("{} at {} ms{}{}", label, FormatMs(m.t), m.detail.empty() ? "" : ": ", m.detail);
  out += fmt::format(
      R"(<g class="mk {}"><title>{}</title><line class="hit" x1="{}" y1="{}" x2="{}" y2="{}"/>)"
      R"(<line x1="{}" y1="{}" x2="{}" y2="{}"/><text x="{}" y="{}">{}</text></g>)",
      cls, EscapeHtml(title), FormatCoord(tx), FormatCoord(kTop - 12), FormatCoord(tx),
      FormatCoord(rows_bottom + 3), FormatCoord(tx), FormatCoord(kTop - 12), FormatCoord(tx),
      FormatCoord(rows_bottom + 3), FormatCoord(tx + 3), FormatCoord(kTop - 6), label);
}

}  // namespace

std::string RenderTimelineSvg(const TimelineModel& model, const std::string& id) {
  const Scale scale = ViewScale(model);
  double rows_bottom = 0;
  const std::vector<Row> rows = LayoutRows(model, rows_bottom);
  double height = rows_bottom + kAxisHeight;

  std::string out;
  out.reserve(8192);
  out += fmt::format(
      R"(<svg id="{}" class="tl" viewBox="0 0 {} {}" width="{}" height="{}" role="img">)",
      EscapeHtml(id), FormatCoord(kWidth), FormatCoord(height), FormatCoord(kWidth),
      FormatCoord(height));
  RenderAxis(out, scale, rows_bottom);
  for (const Row& row : rows) {
    switch (row.kind) {
      case Row::kState:
        RenderStateRow(out, model, scale, row);
        break;
      case Row::kAdvert:
        RenderAdvertRow(out, model, scale, row);
        break;
      case Row::kOwner:
        RenderOwnerRow(out, model, scale, row);
        break;
      case Row::kClient:
        RenderClientRow(out, model, scale, row);
        break;
    }
  }
  RenderOutages(out, model, scale, rows_bottom);
  for (const TimelineMark& m : model.clears) {
    RenderMarker(out, scale, rows_bottom, m, "mk-clear", "clear");
  }
  for (const TimelineMark& m : model.faults) {
    RenderMarker(out, scale, rows_bottom, m, "mk-fault", "fault");
  }
  out += "</svg>";
  return out;
}

std::string RenderTimelineLegendSvg() {
  struct Item {
    const char* cls;
    const char* label;
  };
  const Item items[] = {{"st-INIT", "INIT"},
                        {"st-BACKUP", "BACKUP"},
                        {"st-MASTER", "MASTER"},
                        {"st-FAULT", "FAULT"},
                        {"st-STOP", "STOP"},
                        {"st-EXITED", "keepalived exited"},
                        {"own own-n0", "VIP owner"},
                        {"own split", "split brain"},
                        {"own handover", "handover"},
                        {"cl cl-n0", "client served"},
                        {"cl cl-failed", "client failed"}};
  std::string out;
  double x = 4;
  for (const Item& item : items) {
    out += fmt::format(R"(<rect class="{}" x="{}" y="4" width="14" height="12"/>)", item.cls,
                       FormatCoord(x));
    out +=
        fmt::format(R"(<text class="lg" x="{}" y="14">{}</text>)", FormatCoord(x + 18), item.label);
    x += 30 + std::string_view(item.label).size() * 6.6;
  }
  out += fmt::format(R"(<g class="mk mk-fault"><line x1="{0}" y1="2" x2="{0}" y2="18"/></g>)",
                     FormatCoord(x + 4));
  out += fmt::format(R"(<text class="lg" x="{}" y="14">fault</text>)", FormatCoord(x + 9));
  x += 48;
  out += fmt::format(R"(<g class="mk mk-clear"><line x1="{0}" y1="2" x2="{0}" y2="18"/></g>)",
                     FormatCoord(x + 4));
  out += fmt::format(R"(<text class="lg" x="{}" y="14">clear</text>)", FormatCoord(x + 9));
  x += 48;
  out += fmt::format(R"(<path class="adv" d="M{0} 3v14M{1} 3v14"/>)", FormatCoord(x + 4),
                     FormatCoord(x + 10));
  out += fmt::format(R"(<text class="lg" x="{}" y="14">advert (priority)</text>)",
                     FormatCoord(x + 15));
  x += 125;
  return fmt::format(R"(<svg class="legend" viewBox="0 0 {0} 20" width="{0}" height="20" )"
                     R"(role="img" aria-label="legend">)",
                     FormatCoord(x)) +
         out + "</svg>";
}

}  // namespace viplab
