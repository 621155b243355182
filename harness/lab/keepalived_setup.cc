#include "harness/lab/keepalived_setup.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>

#include "daemon/service.h"

namespace viplab {

namespace {

ServiceSpec IdentitySpec(const Scenario& s, const NodeSpec& node,
                         const ServiceIdentityArgs& service) {
  ServiceSpec spec;
  spec.kind = service.kind;
  spec.lab = service.lab_prefix;
  spec.node = node.name;
  spec.port = s.service_port;
  return spec;
}

// Node i's address on the segment its interface `ifname` is cabled to (the first segment's
// address when the scenario has no deployment filled in).
Ipv4Address AddressOn(const Scenario& s, size_t index, const std::string& ifname) {
  const SegmentSpec* segment = s.SegmentOf(s.nodes.at(index).name, ifname);
  if (segment == nullptr) return s.NodeAddress(index).address();
  return s.NodeAddress(index, segment->name).address();
}

size_t NodeIndex(const Scenario& s, const std::string& name) {
  for (size_t i = 0; i < s.nodes.size(); ++i) {
    if (s.nodes[i].name == name) return i;
  }
  throw std::out_of_range(fmt::format("instance node '{}' is not a node of {}", name, s.name));
}

// Names of vrrp_script blocks: instances whose script checks are the same (interval, fall, rise;
// the weight goes on the reference) share one block; the first is "chk_service", a different one
// "chk_service_<instance>". Stable: depends only on the scenario.
class ScriptNames {
 public:
  std::string NameFor(const CheckSpec& check, const std::string& instance) {
    const auto key = std::make_tuple(check.interval, check.fall, check.rise);
    auto it = names_.find(key);
    if (it != names_.end()) return it->second;
    std::string name = names_.empty() ? "chk_service" : "chk_service_" + instance;
    names_.emplace(key, name);
    return name;
  }

 private:
  std::map<std::tuple<double, int, int>, std::string> names_;
};

struct InstanceContext {
  const Scenario& s;
  size_t node_index;
  const ServiceIdentityArgs& service;
  const NodePaths& paths;
  ScriptNames& script_names;
};

void AddCheck(const InstanceContext& c, const CheckSpec& check, VrrpInstanceConfig& vi) {
  switch (check.type) {
    case CheckType::kScript: {
      VrrpScriptConfig script;
      script.name = c.script_names.NameFor(check, vi.name);
      // The probe must finish well inside the interval, or keepalived counts a timeout.
      const int timeout_ms =
          std::clamp(static_cast<int>(std::lround(check.interval * 500)), 50, 500);
      script.command = fmt::format("{} http 127.0.0.1 {} --timeout-ms {}", c.paths.check_binary,
                                   c.s.service_port, timeout_ms);
      script.interval = check.interval;
      script.fall = check.fall;
      script.rise = check.rise;
      script.weight = check.weight;
      vi.script = script;
      break;
    }
    case CheckType::kProcess: {
      // One service per node: every instance tracks the same process, so the block is shared.
      TrackProcessConfig track;
      track.process_name = "haproxy";
      track.param_args = ServiceIdentity(IdentitySpec(c.s, c.s.nodes.at(c.node_index), c.service));
      track.weight = check.weight;
      vi.track_process = track;
      break;
    }
    case CheckType::kNone:
      break;
  }
}

VrrpInstanceConfig InstanceConfig(const InstanceContext& c, const InstanceSpec& instance,
                                  const InstanceNodeSpec& settings) {
  VrrpInstanceConfig vi;
  vi.name = instance.name;
  vi.state = settings.state;
  vi.interface = instance.interface;
  vi.virtual_router_id = instance.virtual_router_id;
  vi.priority = settings.priority;
  vi.advert_int = settings.advert_int;
  vi.version = c.s.vrrp_version;
  vi.nopreempt = settings.nopreempt;
  vi.preempt_delay = settings.preempt_delay;
  for (const VipSpec& vip : instance.vips) {
    // The instance's own interface renders as before (`dev <interface>` from the instance).
    const bool own = vip.interface.empty() || vip.interface == instance.interface;
    vi.virtual_ipaddresses.emplace_back(vip.address.ToString(), own ? "" : vip.interface);
  }
  for (const TrackInterfaceSpec& track : instance.track_interfaces) {
    TrackInterfaceConfig t;
    t.interface = track.interface;
    t.weight = track.weight;
    vi.track_interfaces.push_back(std::move(t));
  }
  if (instance.unicast) {
    vi.unicast_src_ip = AddressOn(c.s, c.node_index, instance.interface).ToString();
    for (const InstanceNodeSpec& peer : instance.nodes) {
      const size_t index = NodeIndex(c.s, peer.node);
      if (index == c.node_index) continue;
      vi.unicast_peers.push_back(AddressOn(c.s, index, instance.interface).ToString());
    }
  }
  AddCheck(c, settings.check, vi);
  return vi;
}

// The words of one config line without its comment (keepalived 2.2.7 lib/parser.c, decomment:
// `#` or `!` outside double quotes starts a comment, a backslash escapes the next character);
// braces separate words too.
std::vector<std::string> WordsOf(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\' && i + 1 < line.size()) {
      word.push_back(line[++i]);
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '#' || c == '!')) break;
    if (!quoted && (c == ' ' || c == '\t' || c == '{' || c == '}' || c == '\r')) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      continue;
    }
    word.push_back(c);
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

}  // namespace

bool ConfigUsesTrackProcess(std::string_view keepalived_conf) {
  size_t start = 0;
  while (start <= keepalived_conf.size()) {
    size_t end = keepalived_conf.find('\n', start);
    if (end == std::string_view::npos) end = keepalived_conf.size();
    for (const std::string& word : WordsOf(keepalived_conf.substr(start, end - start))) {
      if (word == "track_process" || word == "vrrp_track_process") return true;
    }
    start = end + 1;
  }
  return false;
}

KeepalivedConfig BuildKeepalivedConfig(const Scenario& s, size_t node_index,
                                       const ServiceIdentityArgs& service, const NodePaths& paths) {
  const NodeSpec& node = s.nodes.at(node_index);
  KeepalivedConfig config;
  config.router_id = node.name;
  config.notify_fifo = paths.notify_fifo;
  ScriptNames script_names;
  const InstanceContext context{s, node_index, service, paths, script_names};
  const bool legacy = s.instances.empty() || s.single_instance();
  const std::vector<InstanceSpec> instances =
      legacy ? std::vector<InstanceSpec>{SingleInstanceView(s)} : s.instances;
  std::vector<std::string> mine;  // the instances this node runs
  for (const InstanceSpec& instance : instances) {
    const InstanceNodeSpec* settings = instance.FindNode(node.name);
    if (settings == nullptr) continue;
    config.instances.push_back(InstanceConfig(context, instance, *settings));
    mine.push_back(instance.name);
  }
  // A sync group is rendered only when the node runs every one of its instances (keepalived
  // rejects a group naming an instance it does not know).
  for (const SyncGroupSpec& group : s.sync_groups) {
    const bool all_mine = std::all_of(
        group.instances.begin(), group.instances.end(),
        [&mine](const std::string& i) { return std::count(mine.begin(), mine.end(), i) > 0; });
    if (!all_mine || group.instances.empty()) continue;
    SyncGroupConfig g;
    g.name = group.name;
    g.instances = group.instances;
    config.sync_groups.push_back(std::move(g));
  }
  return config;
}

}  // namespace viplab
