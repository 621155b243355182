// The timeline model of the HTML report (BuildTimelineModel, declared in
// harness/report/svg_timeline.h): VRRP state bands, advert lanes, VIP owner spans and the client
// row, read from one report scenario's events. The rendering is in svg_timeline.cc.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "harness/model/ownership.h"
#include "harness/report/svg_timeline.h"
#include "harness/report/svg_timeline_events.h"

namespace viplab {
namespace timeline_detail {

using nlohmann::json;

namespace {

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

}  // namespace

std::vector<Event> ReadEvents(const json& scenario) {
  std::vector<Event> events;
  auto it = scenario.is_object() ? scenario.find("events") : scenario.end();
  if (!scenario.is_object() || it == scenario.end() || !it->is_array()) return events;
  for (const json& e : *it) {
    if (!e.is_object() || !e.contains("t_ms") || !e["t_ms"].is_number()) continue;
    events.push_back({e["t_ms"].get<double>(), StringField(e, "node"), StringField(e, "kind"),
                      StringField(e, "detail"), StringField(e, "instance"), StringField(e, "vip")});
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.t < b.t; });
  return events;
}

namespace {

bool IsNodeKind(const std::string& kind) {
  return kind == "state" || kind == "vip_added" || kind == "vip_removed" ||
         kind == "process_exit" || kind == "link" || kind == "fault" || kind == "clear" ||
         kind == "power";
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

// "prio 150 v3 int 50cs vrid 51" -> "51"; "" when there is no "vrid N".
std::string ParseVrid(const std::string& detail) {
  size_t at = detail.find("vrid ");
  if (at == std::string::npos) return "";
  size_t start = at + 5, end = start;
  while (end < detail.size() && end - start < 3 &&
         std::isdigit(static_cast<unsigned char>(detail[end]))) {
    ++end;
  }
  return detail.substr(start, end - start);
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

// Labels the owner spans of each episode of two or more owners "split brain" (longer than the
// tolerance) or "handover"; returns whether one is split brain.
bool LabelEpisodes(std::vector<TimelineSpan>& spans, double tolerance_ms) {
  bool split_brain = false;
  for (size_t i = 0; i < spans.size();) {
    size_t j = i;
    while (j < spans.size() && spans[j].owners.size() >= 2) ++j;
    if (j == i) {
      ++i;
      continue;
    }
    const bool split = IsSplitBrain(spans[j - 1].t1 - spans[i].t0, tolerance_ms);
    split_brain = split_brain || split;
    for (size_t k = i; k < j; ++k) spans[k].label = split ? "split brain" : "handover";
    i = j;
  }
  return split_brain;
}

}  // namespace
}  // namespace timeline_detail

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

namespace timeline_detail {

// The VIP owner row (harness/model/ownership.h: a node off or paused owns nothing, its VIP is
// stale), with each episode of two or more owners labelled split brain or handover.
std::vector<TimelineSpan> OwnerSpans(const std::vector<Event>& events, double t_min, double t_max,
                                     double tolerance_ms, bool& split_brain) {
  Ownership ownership;
  std::vector<TimelineSpan> owners;
  owners.push_back({t_min, t_min, "", {}, ""});
  for (const Event& e : events) {
    if (!IsNodeName(e.node) || !ownership.Apply(e.kind, e.node, e.detail)) continue;
    std::vector<std::string> sorted(ownership.owners().begin(), ownership.owners().end());
    std::sort(sorted.begin(), sorted.end(), NaturalLess);
    std::vector<std::string> stale(ownership.stale().begin(), ownership.stale().end());
    StartSpan(owners,
              {e.t, e.t, "", sorted,
               stale.empty() ? "" : fmt::format("stale VIP on {}", fmt::join(stale, ", "))});
  }
  CloseSpans(owners, t_max);
  split_brain = LabelEpisodes(owners, tolerance_ms) || split_brain;
  return owners;
}

// One node's VRRP state band.
std::vector<TimelineSpan> StateSpans(const std::string& node, const std::vector<Event>& events,
                                     double t_min, double t_max) {
  std::vector<TimelineSpan> spans;
  spans.push_back({t_min, t_min, "INIT", {}, ""});
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
  CloseSpans(spans, t_max);
  return spans;
}

// Client: served by a node / failed (reasons merged while it keeps failing).
std::vector<TimelineSpan> ClientSpans(const std::vector<Event>& events, double t_max) {
  std::vector<TimelineSpan> client;
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
    if (!client.empty() && client.back().label == span.label &&
        client.back().owners == span.owners) {
      std::string& detail = client.back().detail;
      if (span.label == "failed" && detail.find(span.detail) == std::string::npos &&
          detail.size() < 200) {
        detail += "; " + span.detail;
      }
      continue;
    }
    StartSpan(client, std::move(span));
  }
  CloseSpans(client, t_max);
  return client;
}

namespace {

// Markers and adverts: node marks only for `nodes`; advert lanes (one per sender, or per sender
// and VRID when `by_vrid`) of the nodes first (in node order), then of other senders (natural
// order).
void BuildMarksAndAdverts(TimelineModel& model, const std::vector<Event>& events,
                          const std::set<std::string>& nodes, bool by_vrid) {
  std::map<std::pair<std::string, std::string>, AdvertLane> lanes;  // (sender, vrid) -> lane
  for (const Event& e : events) {
    if (e.kind == "fault") {
      model.faults.push_back({e.t, e.node, e.kind, e.detail});
    } else if (e.kind == "clear") {
      model.clears.push_back({e.t, e.node, e.kind, e.detail});
    } else if ((e.kind == "process_exit" || e.kind == "link" || e.kind == "garp" ||
                e.kind == "power") &&
               nodes.count(e.node)) {
      model.node_marks.push_back({e.t, e.node, e.kind, e.detail});
    } else if (e.kind == "advert") {
      std::string sender = e.node.empty() ? "?" : e.node;
      std::string vrid = by_vrid ? ParseVrid(e.detail) : "";
      AdvertLane& lane = lanes[{sender, vrid}];
      lane.sender = sender;
      lane.vrid = vrid;
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
  auto rank = [&](const std::string& sender) {
    auto it = std::find(model.nodes.begin(), model.nodes.end(), sender);
    return static_cast<size_t>(it - model.nodes.begin());  // nodes.size() for other senders
  };
  for (auto& [key, lane] : lanes) model.adverts.push_back(std::move(lane));
  std::stable_sort(model.adverts.begin(), model.adverts.end(),
                   [&](const AdvertLane& a, const AdvertLane& b) {
                     size_t ra = rank(a.sender), rb = rank(b.sender);
                     if (ra != rb) return ra < rb;
                     if (a.sender != b.sender) return NaturalLess(a.sender, b.sender);
                     return NaturalLess(a.vrid, b.vrid);
                   });
}

}  // namespace
}  // namespace timeline_detail

TimelineModel BuildTimelineModel(const nlohmann::json& scenario) {
  using namespace timeline_detail;
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

  const LaneKeys keys = ReadLaneKeys(scenario, events);
  const std::vector<Event> first_instance = FirstInstanceEvents(keys, events);
  for (const std::string& node : model.nodes) {
    model.states[node] = StateSpans(node, first_instance, model.t_min, model.t_max);
  }

  const double tolerance =
      NumberField(scenario, "split_brain_tolerance_ms", kDefaultSplitBrainToleranceMs);
  model.owners = OwnerSpans(events, model.t_min, model.t_max, tolerance, model.split_brain);

  model.client = ClientSpans(events, model.t_max);

  BuildMarksAndAdverts(model, events, nodes, keys.instances.size() > 1);
  BuildLanes(model, keys, events, tolerance);
  return model;
}

}  // namespace viplab
