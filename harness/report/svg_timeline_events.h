// Internal to the timeline model (svg_timeline_model.cc, svg_timeline_lanes.cc): the report's
// events as the model reads them, the span builders both files share, and the split into VIPs
// and VRRP instances of a scenario with several of them.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/report/svg_timeline.h"

namespace viplab::timeline_detail {

// One report event; `instance` and `vip` are "" when the event does not name them.
struct Event {
  double t = 0;
  std::string node;
  std::string kind;
  std::string detail;
  std::string instance;
  std::string vip;
};

// The scenario's events with a number t_ms, sorted by time (stable).
std::vector<Event> ReadEvents(const nlohmann::json& scenario);

// The VIP owner spans over [t_min, t_max] of `events` (vip_added, vip_removed and power; one VIP),
// episodes of two or more owners labelled; `split_brain` is set when one is split brain.
std::vector<TimelineSpan> OwnerSpans(const std::vector<Event>& events, double t_min, double t_max,
                                     double tolerance_ms, bool& split_brain);

// The client spans (served by a node / failed) of the client events in `events`.
std::vector<TimelineSpan> ClientSpans(const std::vector<Event>& events, double t_max);

// The VRRP state spans of `node` from the state and process_exit events in `events`.
std::vector<TimelineSpan> StateSpans(const std::string& node, const std::vector<Event>& events,
                                     double t_min, double t_max);

// The VIPs and instances a scenario names: its `vips` list first (in order), then those only
// events name (natural order). Events without them belong to the first.
struct LaneKeys {
  std::vector<std::string> vips;
  std::map<std::string, std::string> vip_instance;  // from the `vips` list
  std::vector<std::string> instances;
  bool several() const { return vips.size() > 1 || instances.size() > 1; }
  std::string InstanceOf(const Event& e) const;  // "" when no instance is known
  std::string VipOf(const Event& e) const;       // "" when no VIP is known
};
LaneKeys ReadLaneKeys(const nlohmann::json& scenario, const std::vector<Event>& events);

// The events of the first instance (events without `instance` included).
std::vector<Event> FirstInstanceEvents(const LaneKeys& keys, const std::vector<Event>& events);

// Fills model.vip_lanes (and owners, client, split_brain from them) when keys.several(), and
// model.bands when there are several instances. model.nodes and the range must be set.
void BuildLanes(TimelineModel& model, const LaneKeys& keys, const std::vector<Event>& events,
                double tolerance_ms);

}  // namespace viplab::timeline_detail
