#include "harness/svg_timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "harness/html_escape.h"

namespace viplab {
namespace {

using nlohmann::json;

struct Event {
  double t = 0;
  std::string node;
  std::string kind;
  std::string detail;
};

std::string StringField(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

double NumberField(const json& j, const char* key, double fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

std::vector<Event> ReadEvents(const json& scenario) {
  std::vector<Event> events;
  auto it = scenario.is_object() ? scenario.find("events") : scenario.end();
  if (!scenario.is_object() || it == scenario.end() || !it->is_array()) return events;
  for (const json& e : *it) {
    if (!e.is_object() || !e.contains("t_ms") || !e["t_ms"].is_number()) continue;
    events.push_back({e["t_ms"].get<double>(), StringField(e, "node"), StringField(e, "kind"),
                      StringField(e, "detail")});
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.t < b.t; });
  return events;
}

bool IsNodeKind(const std::string& kind) {
  return kind == "state" || kind == "vip_added" || kind == "vip_removed" ||
         kind == "process_exit" || kind == "link" || kind == "fault" || kind == "clear";
}

bool IsNodeName(const std::string& node) {
  return !node.empty() && node != "client" && node != "lab";
}

std::string NormalizeState(const std::string& detail) {
  std::string s;
  for (char c : detail) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s.rfind("MASTER", 0) == 0) return "MASTER";
  for (const char* known : {"BACKUP", "FAULT", "STOP", "INIT"}) {
    if (s == known) return known;
  }
  return s.empty() ? "OTHER" : s;
}

// "prio 150 v3 int 50cs vrid 51" -> 150; -1 when there is no "prio N".
int ParsePriority(const std::string& detail) {
  size_t at = detail.find("prio");
  while (at != std::string::npos) {
    size_t i = at + 4;
    while (i < detail.size() && (detail[i] == ' ' || detail[i] == '=' || detail[i] == ':')) ++i;
    size_t start = i;
    int value = 0;
    while (i < detail.size() && std::isdigit(static_cast<unsigned char>(detail[i])) &&
           i - start < 4) {
      value = value * 10 + (detail[i] - '0');
      ++i;
    }
    if (i > start) return value;
    at = detail.find("prio", at + 4);
  }
  return -1;
}

// Appends a span starting at `t`, or relabels the last one when it starts at `t` too.
void StartSpan(std::vector<TimelineSpan>& spans, TimelineSpan span) {
  if (!spans.empty() && spans.back().t0 == span.t0) {
    spans.back() = std::move(span);
    if (spans.size() >= 2) {
      TimelineSpan& prev = spans[spans.size() - 2];
      if (prev.label == spans.back().label && prev.owners == spans.back().owners &&
          prev.detail == spans.back().detail) {
        spans.pop_back();
      }
    }
    return;
  }
  spans.push_back(std::move(span));
}

void CloseSpans(std::vector<TimelineSpan>& spans, double t_end) {
  for (size_t i = 0; i < spans.size(); ++i) {
    spans[i].t1 = i + 1 < spans.size() ? spans[i + 1].t0 : std::max(t_end, spans[i].t0);
  }
}

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

}  // namespace

bool NaturalLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      std::string_view da(a.data() + i, ie - i), db(b.data() + j, je - j);
      while (da.size() > 1 && da[0] == '0') da.remove_prefix(1);
      while (db.size() > 1 && db[0] == '0') db.remove_prefix(1);
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

double NiceStep(double span, int target_ticks) {
  if (!(span > 0) || target_ticks < 1) return 1;
  double raw = span / target_ticks;
  double magnitude = std::pow(10, std::floor(std::log10(raw)));
  double norm = raw / magnitude;
  double nice = norm < 1.5 ? 1 : norm < 2.25 ? 2 : norm < 3.5 ? 2.5 : norm < 7.5 ? 5 : 10;
  return nice * magnitude;
}

TimelineModel BuildTimelineModel(const json& scenario) {
  TimelineModel model;
  std::vector<Event> events = ReadEvents(scenario);

  model.t_min = 0;
  model.t_max = std::max(0.0, NumberField(scenario, "observed_ms", 0));
  for (const Event& e : events) {
    model.t_min = std::min(model.t_min, e.t);
    model.t_max = std::max(model.t_max, e.t);
  }

  model.view_min = model.t_min;
  bool fault_at_zero = std::any_of(events.begin(), events.end(), [](const Event& e) {
    return e.kind == "fault" && std::fabs(e.t) < 1;
  });
  if (fault_at_zero) {
    model.view_min = std::max(model.t_min, -std::max(1500.0, 0.35 * model.t_max));
  }

  std::set<std::string> nodes;
  for (const Event& e : events) {
    if (IsNodeKind(e.kind) && IsNodeName(e.node)) nodes.insert(e.node);
  }
  model.nodes.assign(nodes.begin(), nodes.end());
  std::sort(model.nodes.begin(), model.nodes.end(), NaturalLess);

  // VRRP state bands.
  for (const std::string& node : model.nodes) {
    std::vector<TimelineSpan>& spans = model.states[node];
    spans.push_back({model.t_min, model.t_min, "INIT", {}, ""});
    for (const Event& e : events) {
      if (e.node != node) continue;
      std::string next;
      if (e.kind == "state") {
        next = NormalizeState(e.detail);
      } else if (e.kind == "process_exit" && e.detail.rfind("keepalived", 0) == 0 &&
                 spans.back().label != "STOP") {
        next = "EXITED";
      } else {
        continue;
      }
      if (next != spans.back().label) StartSpan(spans, {e.t, e.t, next, {}, ""});
    }
    CloseSpans(spans, model.t_max);
  }

  // VIP owners.
  std::set<std::string> owners;
  model.owners.push_back({model.t_min, model.t_min, "", {}, ""});
  for (const Event& e : events) {
    if (!IsNodeName(e.node)) continue;
    bool changed = false;
    if (e.kind == "vip_added") changed = owners.insert(e.node).second;
    if (e.kind == "vip_removed") changed = owners.erase(e.node) > 0;
    if (!changed) continue;
    std::vector<std::string> sorted(owners.begin(), owners.end());
    std::sort(sorted.begin(), sorted.end(), NaturalLess);
    StartSpan(model.owners, {e.t, e.t, "", sorted, ""});
  }
  CloseSpans(model.owners, model.t_max);

  // Client: served by a node / failed (reasons merged while it keeps failing).
  for (const Event& e : events) {
    if (e.kind != "client") continue;
    TimelineSpan span{e.t, e.t, "", {}, ""};
    const std::string served = "served by ";
    if (e.detail.rfind(served, 0) == 0) {
      span.label = "served";
      span.owners = {e.detail.substr(served.size())};
    } else {
      span.label = "failed";
      std::string reason = e.detail.rfind("failed: ", 0) == 0 ? e.detail.substr(8) : e.detail;
      span.detail = reason;
    }
    if (!model.client.empty() && model.client.back().label == span.label &&
        model.client.back().owners == span.owners) {
      std::string& detail = model.client.back().detail;
      if (span.label == "failed" && detail.find(span.detail) == std::string::npos &&
          detail.size() < 200) {
        detail += "; " + span.detail;
      }
      continue;
    }
    StartSpan(model.client, std::move(span));
  }
  CloseSpans(model.client, model.t_max);

  // Markers and adverts.
  std::map<std::string, AdvertLane> lanes;
  for (const Event& e : events) {
    if (e.kind == "fault") {
      model.faults.push_back({e.t, e.node, e.kind, e.detail});
    } else if (e.kind == "clear") {
      model.clears.push_back({e.t, e.node, e.kind, e.detail});
    } else if ((e.kind == "process_exit" || e.kind == "link" || e.kind == "garp") &&
               nodes.count(e.node)) {
      model.node_marks.push_back({e.t, e.node, e.kind, e.detail});
    } else if (e.kind == "advert") {
      std::string sender = e.node.empty() ? "?" : e.node;
      AdvertLane& lane = lanes[sender];
      lane.sender = sender;
      int priority = ParsePriority(e.detail);
      bool dropped = e.detail.find(" ttl ") != std::string::npos ||
                     e.detail.find("bad checksum") != std::string::npos;
      if (lane.runs.empty() || lane.runs.back().priority != priority ||
          lane.runs.back().dropped != dropped) {
        lane.runs.push_back({priority, dropped, {}, e.detail});
      }
      lane.runs.back().times.push_back(e.t);
    }
  }
  for (const std::string& node : model.nodes) {
    auto it = lanes.find(node);
    if (it == lanes.end()) continue;
    model.adverts.push_back(std::move(it->second));
    lanes.erase(it);
  }
  std::vector<std::string> others;
  for (const auto& [sender, lane] : lanes) others.push_back(sender);
  std::sort(others.begin(), others.end(), NaturalLess);
  for (const std::string& sender : others) model.adverts.push_back(std::move(lanes[sender]));
  return model;
}

namespace {

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

}  // namespace

std::string RenderTimelineSvg(const TimelineModel& model, const std::string& id) {
  double view_min = std::min(std::max(model.view_min, model.t_min), model.t_max);
  double span = model.t_max - view_min;
  Scale scale{view_min, model.t_max};
  if (span <= 0) {
    scale = {view_min - 100, model.t_max + 100};
  } else {
    scale = {view_min - (view_min < model.t_min + 1e-9 ? span * 0.01 : 0),
             model.t_max + span * 0.01};
  }
  // Spans that start before the view are cut at its left edge.
  auto X = [&](double t) { return scale.X(std::max(t, scale.t_min)); };

  // Row layout.
  struct Row {
    enum Kind { kState, kAdvert, kOwner, kClient } kind;
    std::string key;
    double y, h;
  };
  std::vector<Row> rows;
  double y = kTop;
  auto add = [&](Row::Kind kind, const std::string& key, double h) {
    rows.push_back({kind, key, y, h});
    y += h + kRowGap;
  };
  std::set<std::string> lanes_drawn;
  for (const std::string& node : model.nodes) {
    add(Row::kState, node, kBandHeight);
    for (const AdvertLane& lane : model.adverts) {
      if (lane.sender == node) {
        add(Row::kAdvert, node, kAdvertHeight);
        lanes_drawn.insert(node);
      }
    }
  }
  for (const AdvertLane& lane : model.adverts) {
    if (!lanes_drawn.count(lane.sender)) add(Row::kAdvert, lane.sender, kAdvertHeight);
  }
  add(Row::kOwner, "", kOwnerHeight);
  if (!model.client.empty()) add(Row::kClient, "", kClientHeight);
  double rows_bottom = y - kRowGap;
  double height = rows_bottom + kAxisHeight;

  std::string out;
  out.reserve(8192);
  out += fmt::format(
      R"(<svg id="{}" class="tl" viewBox="0 0 {} {}" width="{}" height="{}" role="img">)",
      EscapeHtml(id), FormatCoord(kWidth), FormatCoord(height), FormatCoord(kWidth),
      FormatCoord(height));

  // Grid and axis.
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

  // Rows.
  for (const Row& row : rows) {
    switch (row.kind) {
      case Row::kState: {
        out += fmt::format(R"(<g class="band" data-node="{0}"><text class="rl" x="{1}" y="{2}">)"
                           "{0}</text>",
                           EscapeHtml(row.key), FormatCoord(kLabelRight),
                           FormatCoord(row.y + row.h / 2 + 4));
        for (const TimelineSpan& s : model.states.at(row.key)) {
          if (s.t1 <= scale.t_min) continue;
          std::string title = fmt::format("{}: {}, {}", row.key, s.label, Range(s));
          SpanRect(out, X(s.t0), X(s.t1), row.y, row.h, StateClass(s.label), title, s.label,
                   DarkState(s.label));
        }
        for (const TimelineMark& m : model.node_marks) {
          if (m.node != row.key || m.t < scale.t_min) continue;
          std::string title =
              fmt::format("{}: {}{} at {} ms", m.node, m.kind == "garp" ? "gratuitous ARP " : "",
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
        break;
      }
      case Row::kAdvert: {
        bool own = NodeIndex(model, row.key) >= 0;
        out += fmt::format(
            R"(<g class="adverts" data-sender="{}"><text class="rl rs" x="{}" y="{}">{}</text>)",
            EscapeHtml(row.key), FormatCoord(kLabelRight), FormatCoord(row.y + row.h / 2 + 3),
            EscapeHtml(own ? "adverts" : "adverts " + row.key));
        for (const AdvertLane& lane : model.adverts) {
          if (lane.sender != row.key) continue;
          double last_label_x = -1e9;
          for (const AdvertRun& run : lane.runs) {
            std::string d;
            double last_x = -1e9;
            for (double t : run.times) {
              if (t < scale.t_min) continue;
              double tx = scale.X(t);
              if (tx - last_x < 1) continue;
              d += fmt::format("M{} {}v{}", FormatCoord(tx), FormatCoord(row.y + 1),
                               FormatCoord(row.h - 2));
              last_x = tx;
            }
            std::string prio = run.priority >= 0 ? std::to_string(run.priority) : "?";
            std::string title = fmt::format(
                "{} adverts, priority {}: {} between {} and {} ms ({}){}", lane.sender, prio,
                run.times.size(), FormatMs(run.times.front()), FormatMs(run.times.back()),
                run.detail, run.dropped ? "; keepalived drops these" : "");
            std::string cls = run.dropped ? "adv advbad" : run.priority == 0 ? "adv adv0" : "adv";
            out += fmt::format(R"(<path class="{}" d="{}"><title>{}</title></path>)", cls, d,
                               EscapeHtml(title));
            if (d.empty()) continue;
            double lx = X(run.times.front()) + 2;
            if (lx - last_label_x >= 22) {
              out += fmt::format(R"(<text class="{}" x="{}" y="{}">{}</text>)",
                                 run.priority == 0 ? "advl advl0" : "advl", FormatCoord(lx),
                                 FormatCoord(row.y + row.h - 4), prio);
              last_label_x = lx;
            }
          }
        }
        out += "</g>";
        break;
      }
      case Row::kOwner: {
        out += fmt::format(R"(<g class="owners"><text class="rl" x="{}" y="{}">VIP owner</text>)",
                           FormatCoord(kLabelRight), FormatCoord(row.y + row.h / 2 + 4));
        for (const TimelineSpan& s : model.owners) {
          if (s.t1 <= scale.t_min) continue;
          std::string who = Join(s.owners, "+");
          if (s.owners.empty()) {
            SpanRect(out, X(s.t0), X(s.t1), row.y + 0.5, row.h - 1, "own-none",
                     "no VIP owner, " + Range(s), "", false);
          } else if (s.owners.size() == 1) {
            int index = NodeIndex(model, who);
            SpanRect(out, X(s.t0), X(s.t1), row.y, row.h,
                     index < 0 ? "own own-x" : fmt::format("own own-n{}", index % 6),
                     fmt::format("VIP on {}, {}", who, Range(s)), who, true);
          } else {
            SpanRect(out, X(s.t0), X(s.t1), row.y, row.h, "own split",
                     fmt::format("SPLIT BRAIN: VIP on {}, {}", who, Range(s)), "split brain " + who,
                     true, 2);
          }
        }
        out += "</g>";
        break;
      }
      case Row::kClient: {
        out += fmt::format(R"(<g class="client"><text class="rl rs" x="{}" y="{}">client</text>)",
                           FormatCoord(kLabelRight), FormatCoord(row.y + row.h / 2 + 3));
        for (const TimelineSpan& s : model.client) {
          if (s.t1 <= scale.t_min) continue;
          if (s.label == "served") {
            std::string who = s.owners.empty() ? "?" : s.owners.front();
            int index = NodeIndex(model, who);
            SpanRect(out, X(s.t0), X(s.t1), row.y, row.h,
                     index < 0 ? "cl cl-x" : fmt::format("cl cl-n{}", index % 6),
                     fmt::format("client served by {}, {}", who, Range(s)), who, false);
          } else {
            bool outage = s.t1 > model.outage_start;
            std::string label =
                outage ? fmt::format("outage {} ms", FormatMs(s.t1 - std::max(s.t0, 0.0)))
                       : "failed";
            SpanRect(out, X(s.t0), X(s.t1), row.y, row.h, "cl cl-failed",
                     fmt::format("client failed ({}), {}", s.detail, Range(s)), label, true, 1);
          }
        }
        out += "</g>";
        break;
      }
    }
  }

  // Outages after the fault, shaded across all rows.
  for (const TimelineSpan& s : model.client) {
    if (s.label != "failed" || s.t1 <= model.outage_start) continue;
    double x0 = scale.X(std::max(s.t0, model.outage_start));
    double x1 = X(s.t1);
    out += fmt::format(R"(<rect class="outage" x="{}" y="{}" width="{}" height="{}"/>)",
                       FormatCoord(x0), FormatCoord(kTop - 2), FormatCoord(std::max(x1 - x0, 1.0)),
                       FormatCoord(rows_bottom - kTop + 2));
  }

  // Fault and clear markers.
  auto marker = [&](const TimelineMark& m, const char* cls, const char* label) {
    if (m.t < scale.t_min) return;
    double tx = scale.X(m.t);
    std::string title = fmt::format("{} at {} ms{}{}", label, FormatMs(m.t),
                                    m.detail.empty() ? "" : ": ", m.detail);
    out += fmt::format(
        R"(<g class="mk {}"><title>{}</title><line class="hit" x1="{}" y1="{}" x2="{}" y2="{}"/>)"
        R"(<line x1="{}" y1="{}" x2="{}" y2="{}"/><text x="{}" y="{}">{}</text></g>)",
        cls, EscapeHtml(title), FormatCoord(tx), FormatCoord(kTop - 12), FormatCoord(tx),
        FormatCoord(rows_bottom + 3), FormatCoord(tx), FormatCoord(kTop - 12), FormatCoord(tx),
        FormatCoord(rows_bottom + 3), FormatCoord(tx + 3), FormatCoord(kTop - 6), label);
  };
  for (const TimelineMark& m : model.clears) marker(m, "mk-clear", "clear");
  for (const TimelineMark& m : model.faults) marker(m, "mk-fault", "fault");
  out += "</svg>";
  return out;
}

std::string RenderTimelineLegendSvg() {
  struct Item {
    const char* cls;
    const char* label;
  };
  const Item items[] = {{"st-INIT", "INIT"},           {"st-BACKUP", "BACKUP"},
                        {"st-MASTER", "MASTER"},       {"st-FAULT", "FAULT"},
                        {"st-STOP", "STOP"},           {"st-EXITED", "keepalived exited"},
                        {"own own-n0", "VIP owner"},   {"own split", "split brain"},
                        {"cl cl-n0", "client served"}, {"cl cl-failed", "client failed"}};
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
