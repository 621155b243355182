#include <fmt/format.h>

#include <stdexcept>

#include "harness/model/instance_settings.h"
#include "harness/model/internal/scenario_parse.h"
#include "harness/model/scenario.h"

namespace viplab {

const InstanceNodeSpec* InstanceSpec::FindNode(std::string_view node) const {
  for (const InstanceNodeSpec& n : nodes) {
    if (n.node == node) return &n;
  }
  return nullptr;
}

const SegmentSpec& Scenario::Segment(std::string_view segment) const {
  for (const SegmentSpec& s : segments) {
    if (s.name == segment) return s;
  }
  throw std::out_of_range(fmt::format("no segment '{}' in {}", segment, name));
}

Ipv4Prefix Scenario::NodeAddress(size_t index, std::string_view segment) const {
  const Ipv4Prefix& net = Segment(segment).subnet;
  if (index < nodes.size()) {
    for (const InterfaceSpec& i : nodes[index].interfaces) {
      if (i.segment == segment && i.address) return *i.address;
    }
  }
  return Ipv4Prefix(net.Host(static_cast<uint32_t>(11 + index)), net.length());
}

Ipv4Prefix Scenario::ClientAddress(std::string_view segment) const {
  const SegmentSpec& s = Segment(segment);
  if (s.client_address) return *s.client_address;
  const Ipv4Prefix& net = s.subnet;
  return Ipv4Prefix(net.Host(net.UsableHosts()), net.length());
}

const SegmentSpec* Scenario::SegmentOf(std::string_view node, std::string_view ifname) const {
  const NodeSpec* n = FindNode(node);
  if (n == nullptr) return nullptr;
  for (const InterfaceSpec& i : n->interfaces) {
    if (i.name == ifname) return &Segment(i.segment);
  }
  return nullptr;
}

const InstanceSpec* Scenario::FindInstance(std::string_view instance) const {
  for (const InstanceSpec& i : instances) {
    if (i.name == instance) return &i;
  }
  return nullptr;
}

bool Scenario::single_instance() const {
  if (segments.size() != 1 || instances.size() != 1 || !sync_groups.empty()) return false;
  const InstanceSpec& i = instances.front();
  if (i.vips.size() != 1 || !i.track_interfaces.empty()) return false;
  if (!i.vips.front().interface.empty() && i.vips.front().interface != i.interface) return false;
  for (const NodeSpec& n : nodes) {
    if (n.interfaces.size() != 1) return false;
  }
  return true;
}

std::vector<VipRef> AllVips(const Scenario& scenario) {
  std::vector<VipRef> vips;
  for (const InstanceSpec& i : scenario.instances) {
    for (const VipSpec& v : i.vips) vips.push_back({&i, &v});
  }
  return vips;
}

InstanceSpec SingleInstanceView(const Scenario& s) {
  InstanceSpec instance;
  instance.name = s.instances.empty() ? "VI_1" : s.instances.front().name;
  instance.interface = s.interface;
  instance.virtual_router_id = s.virtual_router_id;
  instance.unicast = s.unicast;
  instance.vips = {{s.vip, ""}};
  for (const NodeSpec& n : s.nodes) {
    InstanceNodeSpec in;
    in.node = n.name;
    in.priority = n.priority;
    in.state = n.state;
    in.nopreempt = n.nopreempt;
    in.preempt_delay = n.preempt_delay;
    in.advert_int = n.advert_int;
    in.check = n.check;
    instance.nodes.push_back(std::move(in));
  }
  return instance;
}

void FillSingleInstanceView(Scenario& s) {
  const InstanceSpec& first = s.instances.front();
  s.vip = first.vips.front().address;
  s.interface = first.interface;
  s.subnet = s.SegmentOf(first.nodes.front().node, first.interface)->subnet;
  s.virtual_router_id = first.virtual_router_id;
  s.unicast = first.unicast;
  for (NodeSpec& node : s.nodes) {
    const InstanceNodeSpec* in = first.FindNode(node.name);
    if (in == nullptr) continue;
    node = WithInstanceSettings(std::move(node), *in);
  }
}

NodeSpec WithInstanceSettings(NodeSpec node, const InstanceNodeSpec& settings) {
  node.priority = settings.priority;
  node.state = settings.state;
  node.nopreempt = settings.nopreempt;
  node.preempt_delay = settings.preempt_delay;
  node.advert_int = settings.advert_int;
  node.check = settings.check;
  return node;
}

void scenario_internal::DeploymentFromLegacy(Scenario& s) {
  s.segments = {{"lan", s.subnet}};
  for (NodeSpec& n : s.nodes) n.interfaces = {{s.interface, "lan"}};
  s.instances.clear();
  s.instances = {SingleInstanceView(s)};
  s.sync_groups.clear();
}

}  // namespace viplab
