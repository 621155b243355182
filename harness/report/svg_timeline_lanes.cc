// The timeline of a scenario with several VIPs or VRRP instances (harness/report/svg_timeline.h,
// TimelineModel::vip_lanes and ::bands): which VIP and instance each event belongs to, an owner
// and client lane per VIP, a state band per node and instance.
#include <algorithm>
#include <set>

#include "harness/report/svg_timeline.h"
#include "harness/report/svg_timeline_events.h"

namespace viplab::timeline_detail {
namespace {

using nlohmann::json;

std::string StringOf(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// Appends the names in `extra` that `list` lacks, in natural order.
void AppendSorted(std::vector<std::string>& list, const std::set<std::string>& extra) {
  std::vector<std::string> added;
  for (const std::string& name : extra) {
    if (!name.empty() && std::find(list.begin(), list.end(), name) == list.end()) {
      added.push_back(name);
    }
  }
  std::sort(added.begin(), added.end(), NaturalLess);
  list.insert(list.end(), added.begin(), added.end());
}

bool IsVipKind(const std::string& kind) {
  return kind == "vip_added" || kind == "vip_removed" || kind == "client";
}

}  // namespace

std::string LaneKeys::InstanceOf(const Event& e) const {
  if (!e.instance.empty()) return e.instance;
  return instances.empty() ? "" : instances.front();
}

std::string LaneKeys::VipOf(const Event& e) const {
  if (!e.vip.empty()) return e.vip;
  if (e.kind == "vip_added" || e.kind == "vip_removed") {
    // The detail is the address with its length ("10.77.0.201/24").
    std::string address = e.detail.substr(0, e.detail.find('/'));
    if (std::find(vips.begin(), vips.end(), address) != vips.end()) return address;
  }
  return vips.empty() ? "" : vips.front();
}

LaneKeys ReadLaneKeys(const json& scenario, const std::vector<Event>& events) {
  LaneKeys keys;
  auto it = scenario.is_object() ? scenario.find("vips") : scenario.end();
  if (scenario.is_object() && it != scenario.end() && it->is_array()) {
    for (const json& v : *it) {
      if (!v.is_object()) continue;
      std::string vip = StringOf(v, "vip"), instance = StringOf(v, "instance");
      if (!vip.empty() && !keys.vip_instance.count(vip)) {
        keys.vips.push_back(vip);
        keys.vip_instance[vip] = instance;
      }
      if (!instance.empty() && std::find(keys.instances.begin(), keys.instances.end(), instance) ==
                                   keys.instances.end()) {
        keys.instances.push_back(instance);
      }
    }
  }
  std::set<std::string> event_vips, event_instances;
  for (const Event& e : events) {
    if (IsVipKind(e.kind)) event_vips.insert(e.vip);
    if (e.kind == "state") event_instances.insert(e.instance);
  }
  AppendSorted(keys.vips, event_vips);
  AppendSorted(keys.instances, event_instances);
  return keys;
}

std::vector<Event> FirstInstanceEvents(const LaneKeys& keys, const std::vector<Event>& events) {
  if (keys.instances.size() <= 1) return events;
  std::vector<Event> out;
  for (const Event& e : events) {
    if (e.kind != "state" || keys.InstanceOf(e) == keys.instances.front()) out.push_back(e);
  }
  return out;
}

namespace {

// The events of one VIP: its vip_added, vip_removed and client events and every other kind
// (power events change every VIP's ownership).
std::vector<Event> VipEvents(const LaneKeys& keys, const std::vector<Event>& events,
                             const std::string& vip) {
  std::vector<Event> out;
  for (const Event& e : events) {
    if (!IsVipKind(e.kind) || keys.VipOf(e) == vip) out.push_back(e);
  }
  return out;
}

// A band per node and instance the node has state events of; the first instance when none.
void BuildBands(TimelineModel& model, const LaneKeys& keys, const std::vector<Event>& events) {
  for (const std::string& node : model.nodes) {
    std::set<std::string> seen;
    for (const Event& e : events) {
      if (e.kind == "state" && e.node == node) seen.insert(keys.InstanceOf(e));
    }
    size_t before = model.bands.size();
    for (const std::string& instance : keys.instances) {
      if (!seen.count(instance) && !(seen.empty() && instance == keys.instances.front())) {
        continue;
      }
      std::vector<Event> own;
      for (const Event& e : events) {
        if (e.kind != "state" || keys.InstanceOf(e) == instance) own.push_back(e);
      }
      model.bands.push_back({node, instance, StateSpans(node, own, model.t_min, model.t_max)});
    }
    if (model.bands.size() == before) {  // only if keys.instances is empty: cannot happen
      model.bands.push_back({node, "", model.states[node]});
    }
  }
}

}  // namespace

void BuildLanes(TimelineModel& model, const LaneKeys& keys, const std::vector<Event>& events,
                double tolerance_ms) {
  if (!keys.several()) return;
  model.split_brain = false;
  for (const std::string& vip : keys.vips) {
    std::vector<Event> own = VipEvents(keys, events, vip);
    VipLane lane;
    lane.vip = vip;
    auto it = keys.vip_instance.find(vip);
    lane.instance = it != keys.vip_instance.end() ? it->second : "";
    lane.owners = OwnerSpans(own, model.t_min, model.t_max, tolerance_ms, lane.split_brain);
    lane.client = ClientSpans(own, model.t_max);
    model.split_brain = model.split_brain || lane.split_brain;
    model.vip_lanes.push_back(std::move(lane));
  }
  if (!model.vip_lanes.empty()) {
    model.owners = model.vip_lanes.front().owners;
    model.client = model.vip_lanes.front().client;
  }
  if (keys.instances.size() > 1) BuildBands(model, keys, events);
}

}  // namespace viplab::timeline_detail
