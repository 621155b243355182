#include "harness/lab/keepalived_setup.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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

}  // namespace

KeepalivedConfig BuildKeepalivedConfig(const Scenario& s, size_t node_index,
                                       const ServiceIdentityArgs& service, const NodePaths& paths) {
  const NodeSpec& node = s.nodes.at(node_index);
  KeepalivedConfig config;
  config.router_id = node.name;
  config.notify_fifo = paths.notify_fifo;

  VrrpInstanceConfig vi;
  vi.name = "VI_1";
  vi.state = node.state;
  vi.interface = s.interface;
  vi.virtual_router_id = s.virtual_router_id;
  vi.priority = node.priority;
  vi.advert_int = node.advert_int;
  vi.version = s.vrrp_version;
  vi.nopreempt = node.nopreempt;
  vi.preempt_delay = node.preempt_delay;
  vi.virtual_ipaddresses = {s.vip.ToString()};
  if (s.unicast) {
    vi.unicast_src_ip = s.NodeAddress(node_index).address().ToString();
    for (size_t i = 0; i < s.nodes.size(); ++i) {
      if (i != node_index) vi.unicast_peers.push_back(s.NodeAddress(i).address().ToString());
    }
  }
  switch (node.check.type) {
    case CheckType::kScript: {
      VrrpScriptConfig script;
      // The probe must finish well inside the interval, or keepalived counts a timeout.
      const int timeout_ms =
          std::clamp(static_cast<int>(std::lround(node.check.interval * 500)), 50, 500);
      script.command = fmt::format("{} http 127.0.0.1 {} --timeout-ms {}", paths.check_binary,
                                   s.service_port, timeout_ms);
      script.interval = node.check.interval;
      script.fall = node.check.fall;
      script.rise = node.check.rise;
      script.weight = node.check.weight;
      vi.script = script;
      break;
    }
    case CheckType::kProcess: {
      TrackProcessConfig track;
      track.process_name = "haproxy";
      track.param_args = ServiceIdentity(IdentitySpec(s, node, service));
      track.weight = node.check.weight;
      vi.track_process = track;
      break;
    }
    case CheckType::kNone:
      break;
  }
  config.instances.push_back(std::move(vi));
  return config;
}

}  // namespace viplab
