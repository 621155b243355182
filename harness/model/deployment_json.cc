// The instances form of a scenario file: `segments`, `nodes[].interfaces`, `instances`,
// `sync_groups` (README "Scenario files: deployments"). Every problem is an InputError naming
// the file and the field.
#include <fmt/format.h>

#include <map>
#include <regex>
#include <set>

#include "harness/model/internal/scenario_parse.h"

namespace viplab::scenario_internal {
namespace {

const std::regex kIfname(R"([A-Za-z0-9._-]{1,15})");

VipSpec ParseVip(JsonFields& inf, const nlohmann::json& item, size_t index) {
  if (item.is_string()) {
    try {
      return {Ipv4Prefix::Parse(item.get<std::string>()), ""};
    } catch (const std::exception&) {
      inf.Fail(
          fmt::format("vips[{}]", index),
          fmt::format("'{}' is not an IPv4 prefix like 10.77.0.200/24", item.get<std::string>()));
    }
  }
  if (!item.is_object()) {
    inf.Fail(fmt::format("vips[{}]", index),
             "must be a prefix (\"10.77.0.200/24\") or {\"address\": ..., \"interface\": ...}");
  }
  JsonFields vf = inf.Element(item, "vips", index);
  VipSpec vip{ParsePrefix(vf, "address"), vf.Optional<std::string>("interface").value_or("")};
  vf.Done();
  return vip;
}

InstanceNodeSpec ParseInstanceNode(JsonFields& nf, const std::string& node, double advert_int,
                                   const CheckSpec& check, int version,
                                   std::vector<std::string>& warnings) {
  InstanceNodeSpec n;
  n.node = node;
  n.priority = nf.Required<int>("priority");
  if (n.priority < 1 || n.priority > 255) {
    nf.Fail("priority", fmt::format("{} is outside 1..255", n.priority));
  }
  n.state = nf.Optional<std::string>("state").value_or("BACKUP");
  if (n.state != "BACKUP" && n.state != "MASTER") {
    nf.Fail("state", fmt::format("'{}' is not MASTER or BACKUP", n.state));
  }
  n.nopreempt = nf.Optional<bool>("nopreempt").value_or(false);
  n.preempt_delay = nf.Optional<double>("preempt_delay");
  if (n.preempt_delay && (*n.preempt_delay < 0 || *n.preempt_delay > 1000)) {
    nf.Fail("preempt_delay", "must be in 0..1000 s");
  }
  WarnClearedPreemption(nf, {n.state, n.nopreempt, n.preempt_delay}, warnings);
  n.advert_int = nf.Optional<double>("advert_int").value_or(advert_int);
  CheckAdvertInt(nf, "advert_int", n.advert_int, version);
  n.check = check;
  if (nf.Has("check")) {
    JsonFields c = nf.Object("check");
    ParseCheck(c, n.check);
  }
  nf.Done();
  return n;
}

// The segment that interface `ifname` of every node of `instance` is cabled to; all must agree.
const SegmentSpec& SegmentOfInstance(JsonFields& inf, const char* key, const Scenario& s,
                                     const InstanceSpec& instance, const std::string& ifname) {
  const SegmentSpec* segment = nullptr;
  for (const InstanceNodeSpec& n : instance.nodes) {
    const SegmentSpec* seg = s.SegmentOf(n.node, ifname);
    if (seg == nullptr) {
      inf.Fail(key, fmt::format("node {} has no interface '{}' (see nodes[].interfaces)", n.node,
                                ifname));
    }
    if (segment != nullptr && segment != seg) {
      inf.Fail(key, fmt::format("'{}' is on segment {} on one node and {} on another", ifname,
                                segment->name, seg->name));
    }
    segment = seg;
  }
  return *segment;
}

void CheckVipAddress(JsonFields& inf, size_t index, const Scenario& s, const SegmentSpec& seg,
                     const VipSpec& vip) {
  const std::string key = fmt::format("vips[{}]", index);
  const Ipv4Address a = vip.address.address();
  if (!seg.subnet.Contains(a)) {
    inf.Fail(key, fmt::format("{} is not inside subnet {} of segment {}", vip.address.ToString(),
                              seg.subnet.ToString(), seg.name));
  }
  if (a == seg.subnet.Broadcast()) {
    inf.Fail(key, fmt::format("{} is the broadcast address of segment {}", a.ToString(), seg.name));
  }
  bool host = a == s.ClientAddress(seg.name).address();
  for (size_t i = 0; i < s.nodes.size(); ++i) host |= a == s.NodeAddress(i, seg.name).address();
  if (host) {
    inf.Fail(key, fmt::format("{} collides with a lab host address (nodes use .11 upwards, the "
                              "client the last usable address)",
                              a.ToString()));
  }
}

void ParseInstanceNodes(JsonFields& inf, const Scenario& s, double advert_int,
                        const CheckSpec& check, InstanceSpec& instance,
                        std::vector<std::string>& warnings) {
  JsonFields nodes = inf.Object("nodes");
  for (const NodeSpec& node : s.nodes) {
    if (!nodes.Has(node.name.c_str())) continue;
    JsonFields nf = nodes.Object(node.name.c_str());
    instance.nodes.push_back(
        ParseInstanceNode(nf, node.name, advert_int, check, s.vrrp_version, warnings));
  }
  nodes.Done();  // any other key is not a node
  if (instance.nodes.empty()) inf.Fail("nodes", "must list at least one node of the scenario");
}

void ParseTrackInterfaces(JsonFields& inf, const Scenario& s, InstanceSpec& instance) {
  if (!inf.Has("track_interface")) return;
  std::vector<JsonFields> items = inf.Array("track_interface");
  for (JsonFields& tf : items) {
    TrackInterfaceSpec t;
    t.interface = tf.Required<std::string>("interface");
    t.weight = tf.Optional<int>("weight").value_or(0);
    if (t.weight < -253 || t.weight > 253) {
      tf.Fail("weight", fmt::format("{} is outside -253..253", t.weight));
    }
    SegmentOfInstance(tf, "interface", s, instance, t.interface);
    tf.Done();
    instance.track_interfaces.push_back(t);
  }
}

InstanceSpec ParseInstance(JsonFields& inf, size_t index, const Scenario& s, double advert_int,
                           const CheckSpec& default_check, std::vector<std::string>& warnings) {
  static const std::regex kName(R"([A-Za-z0-9_.-]{1,32})");
  InstanceSpec instance;
  instance.name = inf.Optional<std::string>("name").value_or(fmt::format("VI_{}", index + 1));
  if (!std::regex_match(instance.name, kName)) {
    inf.Fail("name", "must be 1-32 of letters, digits, _ . -");
  }
  instance.interface =
      inf.Optional<std::string>("interface").value_or(s.nodes.front().interfaces.front().name);
  instance.virtual_router_id =
      inf.Optional<int>("virtual_router_id").value_or(static_cast<int>(51 + index));
  if (instance.virtual_router_id < 1 || instance.virtual_router_id > 255) {
    inf.Fail("virtual_router_id", "must be in 1..255");
  }
  instance.unicast = inf.Optional<bool>("unicast").value_or(false);
  const double advert = inf.Optional<double>("advert_int").value_or(advert_int);
  CheckAdvertInt(inf, "advert_int", advert, s.vrrp_version);
  CheckSpec check = default_check;
  if (inf.Has("check")) {
    JsonFields c = inf.Object("check");
    ParseCheck(c, check);
  }
  ParseInstanceNodes(inf, s, advert, check, instance, warnings);
  SegmentOfInstance(inf, "interface", s, instance, instance.interface);
  const nlohmann::json& vips = inf.Raw("vips");
  if (!vips.is_array() || vips.empty()) inf.Fail("vips", "must be a non-empty JSON array");
  for (size_t i = 0; i < vips.size(); ++i) {
    VipSpec vip = ParseVip(inf, vips[i], i);
    const std::string ifname = vip.interface.empty() ? instance.interface : vip.interface;
    const std::string key = fmt::format("vips[{}]", i);
    CheckVipAddress(inf, i, s, SegmentOfInstance(inf, key.c_str(), s, instance, ifname), vip);
    instance.vips.push_back(std::move(vip));
  }
  ParseTrackInterfaces(inf, s, instance);
  inf.Done();
  return instance;
}

// VIPs unique across instances; one router id per segment (VRRP packets of two instances with
// the same id on one segment would be taken for each other's).
void CheckAcrossInstances(JsonFields& f, const Scenario& s) {
  std::set<Ipv4Address> vips;
  std::map<std::pair<std::string, int>, std::string> vrids;
  for (size_t i = 0; i < s.instances.size(); ++i) {
    const InstanceSpec& in = s.instances[i];
    const std::string key = fmt::format("instances[{}]", i);
    for (const VipSpec& v : in.vips) {
      if (!vips.insert(v.address.address()).second) {
        f.Fail(key, fmt::format("VIP {} is used twice", v.address.address().ToString()));
      }
    }
    const std::string segment = s.SegmentOf(in.nodes.front().node, in.interface)->name;
    auto [it, added] = vrids.emplace(std::pair{segment, in.virtual_router_id}, in.name);
    if (!added) {
      f.Fail(key, fmt::format("virtual_router_id {} is also used by {} on segment {}",
                              in.virtual_router_id, it->second, segment));
    }
  }
}

// keepalived 2.2.7 vrrp_complete_instance (vrrp.c) reports a configuration error for every
// weighted track_interface, track_script (and track_file, track_bfd) of a sync group member
// ("ignoring ... weight due to SYNC group") unless the group sets sgroup_tracking_weight, which
// this model does not render; `keepalived --config-test` then fails. Weighted track_process
// entries are accepted.
void CheckSyncGroupWeights(const JsonFields& f, const InstanceSpec& instance,
                           const std::string& group) {
  std::string what;
  for (const TrackInterfaceSpec& t : instance.track_interfaces) {
    if (what.empty() && t.weight != 0)
      what = fmt::format("track_interface {} weight {}", t.interface, t.weight);
  }
  for (const InstanceNodeSpec& n : instance.nodes) {
    if (what.empty() && n.check.type == CheckType::kScript && n.check.weight != 0) {
      what = fmt::format("a track_script with weight {} on {}", n.check.weight, n.node);
    }
  }
  if (what.empty()) return;
  f.Fail("instances",
         fmt::format("{} is in sync group {} and has {}: keepalived 2.2.7 rejects weighted "
                     "tracking in a sync group (vrrp.c, vrrp_complete_instance: \"ignoring ... "
                     "weight due to SYNC group\", a configuration error: --config-test fails); "
                     "use weight 0 (FAULT) or take it out of the group",
                     instance.name, group, what));
}

void ParseSyncGroups(JsonFields& f, Scenario& s) {
  if (!f.Has("sync_groups")) return;
  std::set<std::string> grouped, names;
  for (JsonFields& gf : f.Array("sync_groups")) {
    SyncGroupSpec g;
    g.name = gf.Required<std::string>("name");
    if (!names.insert(g.name).second) gf.Fail("name", fmt::format("'{}' is used twice", g.name));
    const nlohmann::json& members = gf.Raw("instances");
    if (!members.is_array() || members.empty()) {
      gf.Fail("instances", "must be a non-empty array of instance names");
    }
    for (const nlohmann::json& m : members) {
      const std::string name = m.is_string() ? m.get<std::string>() : "";
      if (s.FindInstance(name) == nullptr) {
        gf.Fail("instances", fmt::format("'{}' is not an instance of this scenario", m.dump()));
      }
      if (!grouped.insert(name).second) {
        gf.Fail("instances", fmt::format("{} is already in a sync group", name));
      }
      g.instances.push_back(name);
      CheckSyncGroupWeights(gf, *s.FindInstance(name), g.name);
    }
    gf.Done();
    s.sync_groups.push_back(std::move(g));
  }
}

}  // namespace

void ParseSegments(JsonFields& f, Scenario& s) {
  static const std::regex kName(R"([a-z][a-z0-9-]{0,14})");
  if (!f.Has("segments")) {
    s.segments = {{"lan", ParsePrefix(f, "subnet")}};
    CheckSubnet(f, "subnet", s.segments.front().subnet);
    return;
  }
  if (f.Has("subnet")) f.Fail("subnet", "cannot be combined with segments (give each a subnet)");
  std::vector<JsonFields> items = f.Array("segments");
  if (items.empty() || items.size() > 8) f.Fail("segments", "must list 1..8 segments");
  for (JsonFields& sf : items) {
    SegmentSpec seg{sf.Required<std::string>("name"), ParsePrefix(sf, "subnet")};
    if (!std::regex_match(seg.name, kName)) {
      sf.Fail("name", "must be 1-15 of a-z 0-9 - starting with a letter");
    }
    CheckSubnet(sf, "subnet", seg.subnet);
    for (const SegmentSpec& other : s.segments) {
      if (other.name == seg.name) sf.Fail("name", fmt::format("'{}' is used twice", seg.name));
      if (other.subnet.Contains(seg.subnet.Network()) ||
          seg.subnet.Contains(other.subnet.Network())) {
        sf.Fail("subnet", fmt::format("{} overlaps segment {}", seg.subnet.ToString(), other.name));
      }
    }
    sf.Done();
    s.segments.push_back(std::move(seg));
  }
}

void ParseInterfaces(JsonFields& nf, NodeSpec& node, const Scenario& s,
                     const std::string& default_ifname) {
  if (!nf.Has("interfaces")) {
    node.interfaces = {{default_ifname, s.segments.front().name}};
    return;
  }
  std::vector<JsonFields> items = nf.Array("interfaces");
  if (items.empty()) nf.Fail("interfaces", "must list at least one interface");
  std::set<std::string> names;
  for (JsonFields& itf : items) {
    InterfaceSpec i{itf.Required<std::string>("name"),
                    itf.Optional<std::string>("segment").value_or(s.segments.front().name)};
    if (!std::regex_match(i.name, kIfname) || i.name == "lo") {
      itf.Fail("name", fmt::format("'{}' is not a valid interface name", i.name));
    }
    if (!names.insert(i.name).second) itf.Fail("name", fmt::format("'{}' is used twice", i.name));
    bool known = false;
    for (const SegmentSpec& seg : s.segments) known |= seg.name == i.segment;
    if (!known)
      itf.Fail("segment", fmt::format("'{}' is not a segment of this scenario", i.segment));
    itf.Done();
    node.interfaces.push_back(std::move(i));
  }
}

void ParseInstances(JsonFields& f, Scenario& s, double advert_int, const CheckSpec& default_check) {
  std::vector<JsonFields> items = f.Array("instances");
  if (items.empty() || items.size() > 32) f.Fail("instances", "must list 1..32 instances");
  for (size_t i = 0; i < items.size(); ++i) {
    InstanceSpec in = ParseInstance(items[i], i, s, advert_int, default_check, s.warnings);
    if (s.FindInstance(in.name) != nullptr) {
      items[i].Fail("name", fmt::format("'{}' is used twice", in.name));
    }
    s.instances.push_back(std::move(in));
  }
  CheckAcrossInstances(f, s);
  ParseSyncGroups(f, s);
  FillSingleInstanceView(s);
}

}  // namespace viplab::scenario_internal
