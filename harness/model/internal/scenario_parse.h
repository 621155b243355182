// Internals of the scenario loader (scenario.cc, scenario_fields.cc, deployment_json.cc), shared
// by its parts and by nothing else.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/model/json_fields.h"
#include "harness/model/scenario.h"

namespace viplab::scenario_internal {

// `check`: type, interval, fall, rise, weight (keepalived 2.2.7's whole-second intervals).
void ParseCheck(JsonFields& f, CheckSpec& check);
// VRRPv2: whole seconds 1..255; VRRPv3: centiseconds 0.01..40.95.
void CheckAdvertInt(JsonFields& f, const char* key, double value, int version);
// The preemption settings of one node's instance, for WarnClearedPreemption.
struct Preemption {
  const std::string& state;
  bool nopreempt;
  const std::optional<double>& preempt_delay;
};
// Warnings for what keepalived 2.2.7 clears (nopreempt and preempt_delay with state MASTER, ...).
void WarnClearedPreemption(const JsonFields& f, const Preemption& node,
                           std::vector<std::string>& warnings);
Ipv4Prefix ParsePrefix(JsonFields& f, const char* key);
// A subnet that can hold the lab: /24 or larger, no host bits, no unusable range.
void CheckSubnet(JsonFields& f, const char* key, const Ipv4Prefix& subnet);
// Legacy form: the VIP inside the subnet, usable, not a host address.
void ValidateAddresses(JsonFields& f, Scenario& s);

// Instances form (deployment_json.cc). `segments` (or the legacy `subnet`) into s.segments.
void ParseSegments(JsonFields& f, Scenario& s);
// A node's `interfaces` (default: one interface `default_ifname` on the first segment).
void ParseInterfaces(JsonFields& nf, NodeSpec& node, const Scenario& s,
                     const std::string& default_ifname);
// `instances` and `sync_groups`, validated against the nodes and segments; then the legacy view
// (Scenario::vip, nodes' priorities, ...) from the first instance.
void ParseInstances(JsonFields& f, Scenario& s, double advert_int, const CheckSpec& default_check);

// Fills segments, node interfaces and the single instance "VI_1" from the legacy fields (vip,
// subnet, interface, virtual_router_id, unicast, each node's priority, state, preemption, advert
// and check), which must already be set (deployment.cc).
void DeploymentFromLegacy(Scenario& s);

}  // namespace viplab::scenario_internal
