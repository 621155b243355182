// The rules across the nodes of a set: the nodes of an instance must agree on what goes on the
// wire, VRIDs must not collide on a segment, unicast peers must be the other nodes, priorities
// should differ.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "harness/lint/internal/rules.h"

namespace viplab::lint::internal {
namespace {

using kconf::VrrpInstance;

// The authentication keepalived puts on the wire: none in VRRPv3 or without a password
// (vrrp.c vrrp_complete_instance), the password cut to 8 characters (vrrp_parser.c
// vrrp_auth_pass_handler).
std::string WireAuth(const Member& member) {
  const VrrpInstance& instance = *member.instance;
  if (!instance.auth_type || member.node->config.VersionOf(instance) == 3 || !instance.auth_pass ||
      instance.auth_pass->empty()) {
    return "none";
  }
  return fmt::format("{} {}", *instance.auth_type, instance.auth_pass->substr(0, 8));
}

std::string VipSet(const VrrpInstance& instance) {
  std::set<std::string> vips;
  for (const kconf::VirtualAddress& vip : instance.vips) {
    vips.insert(fmt::format("{}/{}", vip.address, vip.prefix_len.value_or(vip.ipv6 ? 128 : 32)));
  }
  return vips.empty() ? "(none)" : fmt::format("{}", fmt::join(vips, " "));
}

struct Attribute {
  const char* name;
  const char* basis;
  std::string (*value)(const Member&);
  // Only VRRPv2 must agree: VRRPv3 backups take the master's advert interval from its adverts
  // (vrrp_state_backup, update_master_adver_int); a version mismatch is reported on its own.
  bool v2_only = false;
};

const Attribute kAttributes[] = {
    {"virtual_router_id", "vrrp.c vrrp_check_packet (an advert of another VRID is not ours)",
     [](const Member& m) { return std::to_string(m.instance->virtual_router_id); }},
    {"advert_int",
     "vrrp.c vrrp_check_packet (VRRPv2: \"advertisement interval mismatch\", the advert is "
     "dropped)",
     [](const Member& m) { return fmt::format("{:g} s", m.instance->advert_int_s); }, true},
    {"version", "vrrp.c vrrp_check_packet (\"wrong version\": the advert is dropped)",
     [](const Member& m) { return std::to_string(m.node->config.VersionOf(*m.instance)); }},
    {"authentication",
     "vrrp.c vrrp_check_packet (\"received a %d auth, expecting %d\" / \"received an invalid "
     "passwd\": the advert is dropped)",
     [](const Member& m) { return WireAuth(m); }},
    {"virtual_ipaddress",
     "vrrp.c vrrp_check_packet (\"ip address associated with VRID %d not present in MASTER "
     "advert\"; otherwise each node brings up different VIPs)",
     [](const Member& m) { return VipSet(*m.instance); }},
};

void Disagreements(const InstanceGroup& group, std::vector<Finding>& out) {
  if (group.members.size() < 2) return;
  const bool any_v3 = std::any_of(group.members.begin(), group.members.end(), [](const Member& m) {
    return m.node->config.VersionOf(*m.instance) == 3;
  });
  for (const Attribute& attribute : kAttributes) {
    if (attribute.v2_only && any_v3) continue;
    std::set<std::string> values;
    std::string listed;
    for (const Member& member : group.members) {
      const std::string value = attribute.value(member);
      values.insert(value);
      listed += fmt::format("{}{} {}", listed.empty() ? "" : ", ", member.node->name, value);
    }
    if (values.size() < 2) continue;
    Finding finding = MakeFinding("KA005", "nodes-disagree", Severity::kError);
    finding.instance = group.name;
    finding.where = group.members.front().instance->where;
    finding.message = fmt::format(
        "{}: the nodes disagree on {}: {}; they do not form one VRRP "
        "router (split brain)",
        group.name, attribute.name, listed);
    finding.basis = attribute.basis;
    finding.fix = fmt::format("the same {} on every node of {}", attribute.name, group.name);
    out.push_back(std::move(finding));
  }
}

// Same interface name, VRID and family under different instance names: two VRRP routers that
// take each other's adverts (vrrp.c vrrp_check_packet: the VRID is what identifies a router).
void DuplicateVrids(const kconf::ConfigSet& set, std::vector<Finding>& out) {
  std::map<std::tuple<std::string, int, bool>, std::vector<Member>> segments;
  for (const kconf::ConfigNode& node : set.nodes) {
    for (const VrrpInstance& instance : node.config.instances) {
      if (instance.interface.empty() || instance.virtual_router_id == 0) continue;
      segments[{instance.interface, instance.virtual_router_id, instance.ipv6}].push_back(
          Member{.node = &node, .instance = &instance});
    }
  }
  for (const auto& [key, members] : segments) {
    std::set<std::string> names;
    std::string listed;
    for (const Member& member : members) {
      if (names.insert(member.instance->name).second) {
        listed += fmt::format("{}{} on {} ({})", listed.empty() ? "" : ", ", member.instance->name,
                              member.node->name, kconf::ToString(member.instance->where));
      }
    }
    if (names.size() < 2) continue;
    Finding finding = MakeFinding("KA006", "duplicate-vrid", Severity::kError);
    finding.node = members.front().node->name;
    finding.where = members.front().instance->where;
    finding.message = fmt::format(
        "virtual_router_id {} is used by {} instances on interface {} "
        "({}): {}",
        std::get<1>(key), names.size(), std::get<0>(key), std::get<2>(key) ? "IPv6" : "IPv4",
        listed);
    finding.basis = "vrrp.c vrrp_check_packet; RFC 3768/5798 (one VRID per router on a LAN)";
    finding.fix =
        "a distinct virtual_router_id per instance on a segment (or the same instance "
        "name on every node when they are one router)";
    out.push_back(std::move(finding));
  }
}

Finding PeerFinding(const Member& member, std::string message, std::string fix) {
  Finding finding = MakeFinding("KA007", "unicast-peers-mismatch", Severity::kError);
  finding.node = member.node->name;
  finding.instance = member.instance->name;
  finding.where =
      member.instance->unicast_where.line ? member.instance->unicast_where : member.instance->where;
  finding.message = std::move(message);
  finding.basis =
      "vrrp.c vrrp_send_adv (unicast adverts go to the listed peers only) and "
      "vrrp_check_packet (\"unicast source address %s not a unicast peer\")";
  finding.fix = std::move(fix);
  return finding;
}

void UnicastPeers(const InstanceGroup& group, std::vector<Finding>& out) {
  const bool unicast = std::any_of(group.members.begin(), group.members.end(), [](const Member& m) {
    return !m.instance->unicast_peers.empty();
  });
  if (group.members.size() < 2 || !unicast) return;
  for (const Member& member : group.members) {
    const VrrpInstance& instance = *member.instance;
    if (instance.unicast_peers.empty()) {
      out.push_back(
          PeerFinding(member,
                      fmt::format("{} {}: no unicast_peer while the other nodes send unicast: it "
                                  "multicasts and hears nobody",
                                  member.node->name, instance.name),
                      "unicast_peer { the other nodes' unicast_src_ip } on every node"));
      continue;
    }
    const std::set<std::string> peers(instance.unicast_peers.begin(), instance.unicast_peers.end());
    std::set<std::string> expected;
    bool all_known = true;
    for (const Member& other : group.members) {
      if (&other == &member) continue;
      if (other.instance->unicast_src_ip) {
        expected.insert(*other.instance->unicast_src_ip);
      } else {
        all_known = false;
      }
    }
    std::vector<std::string> missing, extra;
    for (const std::string& address : expected) {
      if (!peers.contains(address)) missing.push_back(address);
    }
    for (const std::string& peer : peers) {
      const bool self = instance.unicast_src_ip && *instance.unicast_src_ip == peer;
      if (self || (all_known && !expected.contains(peer))) extra.push_back(peer);
    }
    if (missing.empty() && extra.empty()) continue;
    out.push_back(PeerFinding(
        member,
        fmt::format("{} {}: unicast_peer {} but the other nodes' unicast_src_ip are {}{}{}",
                    member.node->name, instance.name, fmt::join(peers, " "),
                    expected.empty() ? "(none)" : fmt::format("{}", fmt::join(expected, " ")),
                    missing.empty() ? "" : fmt::format("; missing {}", fmt::join(missing, " ")),
                    extra.empty() ? "" : fmt::format("; not a peer {}", fmt::join(extra, " "))),
        fmt::format("unicast_peer {{ {} }} on {}", fmt::join(expected, " "), member.node->name)));
  }
}

void EqualPriorities(const InstanceGroup& group, std::vector<Finding>& out) {
  std::map<int, std::vector<const Member*>> by_priority;
  for (const Member& member : group.members) {
    by_priority[member.instance->priority].push_back(&member);
  }
  for (const auto& [priority, members] : by_priority) {
    if (members.size() < 2) continue;
    std::vector<std::string> names;
    for (const Member* member : members) names.push_back(member->node->name);
    Finding finding = MakeFinding("KA008", "equal-priorities", Severity::kWarning);
    finding.instance = group.name;
    finding.where = members.front()->instance->priority_where.line
                        ? members.front()->instance->priority_where
                        : members.front()->instance->where;
    finding.message = fmt::format(
        "{}: {} all have priority {}: the tie is broken by the higher source IP address, not by "
        "the configuration",
        group.name, fmt::join(names, ", "), priority);
    finding.basis =
        "vrrp.c vrrp_state_master_rx (\"same priority %d but higher IP address than "
        "ours\") and vrrp_state_backup (an advert of priority >= ours keeps BACKUP)";
    finding.fix = "distinct priorities per node (e.g. 150, 100, 50), the intended master highest";
    out.push_back(std::move(finding));
  }
}

}  // namespace

void ConsistencyRules(const kconf::ConfigSet& set, std::vector<Finding>& out) {
  for (const InstanceGroup& group : GroupInstances(set)) {
    Disagreements(group, out);
    UnicastPeers(group, out);
    EqualPriorities(group, out);
  }
  DuplicateVrids(set, out);
}

}  // namespace viplab::lint::internal
