// Lab's machine verbs (lab.h): power off and on, pause and resume one node.
#include "harness/lab/lab.h"
#include "netns/address.h"
#include "netns/impairment.h"
#include "netns/link.h"

namespace viplab {

void Lab::PowerOff(const std::string& node_name) {
  const TimePoint at = Now();
  Node& n = node(node_name);
  Topology::Member& member = topology_->node(node_name);
  // The link goes down as soon as every process has its SIGKILL, without waiting for them to be
  // gone (milliseconds): none can react to it, and the kernel stops answering for the node at
  // once.
  n.cgroup.Kill(std::chrono::seconds(5), [&] {
    for (const Topology::Interface& ifc : member.interfaces) {
      SetLinkUp(*member.socket, ifc.name, false);
    }
  });
  if (n.init) {
    // The init died too, but the kernel completes its exit only once every process of its PID
    // namespace is reaped, and keepalived there is our child: reap it (and the service), then
    // the init, so the power-on can boot a new one.
    if (n.keepalived) n.keepalived->process().WaitFor(std::chrono::seconds(5));
    if (n.service) n.service->WaitFor(std::chrono::seconds(5));
    n.init.reset();
  }
  n.power = Node::Power::kOff;
  if (on_power) on_power(node_name, "off", at);
}

void Lab::PowerOn(const std::string& node_name) {
  Node& n = node(node_name);
  Topology::Member& member = topology_->node(node_name);
  // A cold boot configures only the node's own address: whatever else is left (the VIP) goes
  // before the link is up, so it never reaches the segment.
  for (const Topology::Interface& ifc : member.interfaces) {
    for (const Ipv4Prefix& address : ListAddresses(*member.socket, ifc.name)) {
      if (address != ifc.address) RemoveAddress(*member.socket, ifc.name, address);
    }
  }
  const TimePoint at = Now();
  for (const Topology::Interface& ifc : member.interfaces) {
    SetLinkUp(*member.socket, ifc.name, true);
  }
  n.power = Node::Power::kOn;
  if (on_power) on_power(node_name, "on", at);
  StartService(node_name);
  StartKeepalived({node_name});
}

void Lab::Pause(const std::string& node_name) {
  const TimePoint at = Now();
  Node& n = node(node_name);
  Topology::Member& member = topology_->node(node_name);
  for (const Topology::Interface& ifc : member.interfaces) {
    LinkSilence silence;
    silence.interface = ifc.name;
    silence.Apply(*member.ns);
  }
  n.cgroup.Freeze(true);
  n.power = Node::Power::kPaused;
  if (on_power) on_power(node_name, "paused", at);
}

void Lab::Resume(const std::string& node_name) {
  const TimePoint at = Now();
  Node& n = node(node_name);
  Topology::Member& member = topology_->node(node_name);
  for (const Topology::Interface& ifc : member.interfaces) {
    LinkSilence silence;
    silence.interface = ifc.name;
    silence.Remove(*member.ns);
  }
  n.cgroup.Freeze(false);
  n.power = Node::Power::kOn;
  if (on_power) on_power(node_name, "resumed", at);
}

}  // namespace viplab
