// Interfaces, segments and addresses of a mapped configuration set (mapping.h: the rules).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "harness/kconf/internal/mapping_parts.h"
#include "netns/error.h"

namespace viplab::kconf::mapping_internal {
namespace {

constexpr size_t kMaxIfname = 15;  // IFNAMSIZ - 1 (linux/if.h): the kernel refuses longer names

// One node's addresses on one interface, as its config names them.
struct Evidence {
  std::optional<Ipv4Address> own;  // unicast_src_ip
  std::vector<Ipv4Address> peers;  // unicast_peer
  std::vector<Ipv4Prefix> vips;    // VIPs with their length (/32 when written without one)
  std::vector<bool> vip_has_length;
};

// One interface of one node.
struct Port {
  size_t node = 0;
  std::string ifname;
  Evidence evidence;
  std::optional<Ipv4Prefix> candidate;  // the subnet its addresses suggest
};

// Interfaces of one name that share a subnet: one segment.
struct Group {
  std::string ifname;
  std::optional<Ipv4Prefix> subnet;  // unset: the configs name no address on it
  std::vector<size_t> ports;
};

uint32_t Mask(int length) { return length == 0 ? 0 : ~uint32_t{0} << (32 - length); }

Ipv4Prefix Normal(Ipv4Address a, int length) {
  return Ipv4Prefix(Ipv4Address(a.host_order() & Mask(length)), length);
}

// The smallest prefix holding both.
Ipv4Prefix Widen(const Ipv4Prefix& a, const Ipv4Prefix& b) {
  int length = std::min(a.length(), b.length());
  while (length > 0 && ((a.address().host_order() ^ b.address().host_order()) & Mask(length))) {
    --length;
  }
  return Normal(a.address(), length);
}

bool Overlap(const Ipv4Prefix& a, const Ipv4Prefix& b) {
  return a.Contains(b.Network()) || b.Contains(a.Network());
}

Ipv4Address ParseAddress(const std::string& text, const SourceLocation& where) {
  try {
    return Ipv4Address::Parse(text);
  } catch (const std::invalid_argument&) {
    throw InputError(fmt::format("{}: '{}' is not an IPv4 address", ToString(where), text));
  }
}

void CheckIfname(const std::string& name, const SourceLocation& where) {
  if (name.size() > kMaxIfname) {
    throw InputError(
        fmt::format("{}: interface name '{}' has {} characters; Linux allows at most {} (IFNAMSIZ)",
                    ToString(where), name, name.size(), kMaxIfname));
  }
}

// Every interface the config names, in order of first mention: instance `interface` (also the
// base of use_vmac), VIP `dev`, track_interface of instances and sync groups.
std::vector<std::string> InterfaceNames(const KeepalivedConfig& config) {
  std::vector<std::string> names;
  auto add = [&names](const std::string& name, const SourceLocation& where) {
    CheckIfname(name, where);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const VrrpInstance& in : config.instances) {
    if (in.ipv6) continue;
    if (in.interface.empty()) {
      throw InputError(
          fmt::format("{}: vrrp_instance {} names no interface", ToString(in.where), in.name));
    }
    add(in.interface, in.where);
    if (in.use_vmac && !in.use_vmac->empty()) CheckIfname(*in.use_vmac, in.where);
    for (const auto* list : {&in.vips, &in.vips_excluded}) {
      for (const VirtualAddress& v : *list) {
        if (!v.ipv6 && v.dev) add(*v.dev, v.where);
      }
    }
    for (const TrackRef& t : in.track_interfaces) add(t.name, t.where);
  }
  for (const SyncGroup& g : config.sync_groups) {
    for (const TrackRef& t : g.track_interfaces) add(t.name, t.where);
  }
  return names;
}

Evidence EvidenceOf(const KeepalivedConfig& config, const std::string& ifname) {
  Evidence e;
  for (const VrrpInstance& in : config.instances) {
    if (in.ipv6) continue;
    if (in.interface == ifname) {
      if (in.unicast_src_ip && !e.own) e.own = ParseAddress(*in.unicast_src_ip, in.unicast_where);
      for (const std::string& p : in.unicast_peers) {
        e.peers.push_back(ParseAddress(p, in.unicast_where));
      }
    }
    for (const auto* list : {&in.vips, &in.vips_excluded}) {
      for (const VirtualAddress& v : *list) {
        if (v.ipv6 || v.dev.value_or(in.interface) != ifname) continue;
        const Ipv4Address a = ParseAddress(v.address, v.where);
        e.vips.emplace_back(a, v.prefix_len.value_or(32));
        e.vip_has_length.push_back(v.prefix_len.has_value());
      }
    }
  }
  return e;
}

// The subnet one interface's addresses suggest: the smallest prefix (at most /24) holding the
// unicast addresses, the VIPs' own subnets and the /24 (or --subnet) around VIPs written without
// a length. Addresses too far apart for one /16: the first one's alone (unicast first).
std::optional<Ipv4Prefix> Candidate(const Evidence& e, const MappingOptions& options) {
  auto around = [&options](Ipv4Address a) {
    if (options.subnet && options.subnet->Contains(a)) {
      return Normal(options.subnet->address(), options.subnet->length());
    }
    return Normal(a, 24);
  };
  std::vector<Ipv4Prefix> items;
  if (e.own) items.push_back(around(*e.own));
  for (Ipv4Address p : e.peers) items.push_back(around(p));
  for (size_t i = 0; i < e.vips.size(); ++i) {
    const Ipv4Prefix& v = e.vips[i];
    items.push_back(e.vip_has_length[i] && v.length() < 32
                        ? Normal(v.address(), std::min(v.length(), 24))
                        : around(v.address()));
  }
  if (items.empty()) return std::nullopt;
  Ipv4Prefix all = items.front();
  for (const Ipv4Prefix& p : items) all = Widen(all, p);
  return all.length() >= 16 ? all : items.front();
}

// Groups of one name whose subnets overlap once widened are one group.
void MergeOverlapping(std::vector<Group>& groups) {
  for (size_t i = 0; i < groups.size(); ++i) {
    for (size_t j = i + 1; j < groups.size(); ++j) {
      if (groups[i].ifname != groups[j].ifname || !Overlap(*groups[i].subnet, *groups[j].subnet)) {
        continue;
      }
      groups[i].subnet = Widen(*groups[i].subnet, *groups[j].subnet);
      groups[i].ports.insert(groups[i].ports.end(), groups[j].ports.begin(), groups[j].ports.end());
      std::sort(groups[i].ports.begin(), groups[i].ports.end());
      groups.erase(groups.begin() + static_cast<long>(j));
      j = i;  // look again: the widened subnet may overlap an earlier one
    }
  }
}

// Groups the ports of each interface name by subnet; ports without addresses join the name's
// first group (or an open one).
std::vector<Group> GroupPorts(const std::vector<Port>& ports) {
  std::vector<Group> groups;
  for (size_t i = 0; i < ports.size(); ++i) {
    const Port& p = ports[i];
    if (!p.candidate) continue;
    auto it = std::find_if(groups.begin(), groups.end(), [&p](const Group& g) {
      return g.ifname == p.ifname && Overlap(*g.subnet, *p.candidate);
    });
    if (it == groups.end()) {
      groups.push_back({p.ifname, p.candidate, {i}});
    } else {
      it->subnet = Widen(*it->subnet, *p.candidate);
      it->ports.push_back(i);
    }
  }
  MergeOverlapping(groups);
  for (size_t i = 0; i < ports.size(); ++i) {
    const Port& p = ports[i];
    if (p.candidate) continue;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&p](const Group& g) { return g.ifname == p.ifname; });
    if (it == groups.end()) {
      groups.push_back({p.ifname, std::nullopt, {i}});
    } else {
      it->ports.push_back(i);
    }
  }
  return groups;
}

// Open segments get --subnet, else the first free 10.77.0.0/24, 10.78.0.0/24, ...
void PlaceOpenGroups(std::vector<Group>& groups, const MappingOptions& options) {
  auto free = [&groups](const Ipv4Prefix& p) {
    return std::none_of(groups.begin(), groups.end(),
                        [&p](const Group& g) { return g.subnet && Overlap(*g.subnet, p); });
  };
  for (Group& g : groups) {
    if (g.subnet) continue;
    if (options.subnet) {
      const Ipv4Prefix s = Normal(options.subnet->address(), options.subnet->length());
      if (free(s)) {
        g.subnet = s;
        continue;
      }
    }
    for (uint32_t k = 0; k < 100 && !g.subnet; ++k) {
      const Ipv4Prefix s(Ipv4Address((10u << 24) | ((77u + k) << 16)), 24);
      if (free(s)) g.subnet = s;
    }
    if (!g.subnet) throw InputError(fmt::format("no free subnet for interface {}", g.ifname));
  }
}

std::string SegmentBase(const std::string& ifname) {
  std::string name;
  for (char c : ifname) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (ok) {
      name += l;
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
  }
  if (name.empty() || name[0] < 'a' || name[0] > 'z') name = "if-" + name;
  return name.substr(0, 12);
}

// Segment names after the interface ("eth0"); a second subnet of one name is "eth0-2".
std::vector<std::string> SegmentNames(const std::vector<Group>& groups) {
  std::vector<std::string> names;
  for (const Group& g : groups) {
    const std::string base = SegmentBase(g.ifname);
    std::string name = base;
    for (int k = 2; std::find(names.begin(), names.end(), name) != names.end(); ++k) {
      name = fmt::format("{}-{}", base, k);
    }
    names.push_back(name);
  }
  return names;
}

struct Placed {
  std::vector<std::optional<Ipv4Address>> address;  // per port
  std::vector<bool> from_config;
};

// Node addresses of one segment: the config's unicast_src_ip, else the one address the other
// nodes list as a peer that nobody claims, else assigned .11 + node index (the next free one).
void PlaceAddresses(const Group& g, const std::vector<Port>& ports, Placed& placed,
                    std::set<Ipv4Address>& used) {
  std::set<Ipv4Address> owns;
  for (size_t i : g.ports) {
    if (ports[i].evidence.own) owns.insert(*ports[i].evidence.own);
  }
  for (size_t i : g.ports) {
    const Evidence& e = ports[i].evidence;
    std::optional<Ipv4Address> own = e.own;
    if (!own) {
      std::set<Ipv4Address> candidates;
      for (size_t j : g.ports) {
        if (j == i) continue;
        for (Ipv4Address p : ports[j].evidence.peers) candidates.insert(p);
      }
      for (Ipv4Address a : owns) candidates.erase(a);
      for (Ipv4Address a : e.peers) candidates.erase(a);
      if (candidates.size() == 1 && g.subnet->Contains(*candidates.begin())) {
        own = *candidates.begin();
        owns.insert(*own);
      }
    }
    if (own) {
      placed.address[i] = own;
      placed.from_config[i] = true;
      used.insert(*own);
    }
  }
  for (size_t i : g.ports) {
    if (placed.address[i]) continue;
    for (uint32_t n = 11 + static_cast<uint32_t>(ports[i].node); n <= g.subnet->UsableHosts();
         ++n) {
      const Ipv4Address a = g.subnet->Host(n);
      if (used.insert(a).second) {
        placed.address[i] = a;
        break;
      }
    }
    if (!placed.address[i]) {
      throw InputError(fmt::format("no free address for interface {} in {}", ports[i].ifname,
                                   g.subnet->ToString()));
    }
  }
}

std::set<Ipv4Address> AddressesOf(const Group& g, const std::vector<Port>& ports) {
  std::set<Ipv4Address> used;
  for (size_t i : g.ports) {
    const Evidence& e = ports[i].evidence;
    if (e.own) used.insert(*e.own);
    used.insert(e.peers.begin(), e.peers.end());
    for (const Ipv4Prefix& v : e.vips) used.insert(v.address());
  }
  return used;
}

// The client: the last usable host unless a VIP or node uses it, then the next free one below.
std::optional<Ipv4Prefix> ClientOf(const Ipv4Prefix& subnet, const std::set<Ipv4Address>& used) {
  for (uint32_t n = subnet.UsableHosts(); n >= 1; --n) {
    const Ipv4Address a = subnet.Host(n);
    if (used.count(a) != 0) continue;
    if (n == subnet.UsableHosts()) return std::nullopt;
    return Ipv4Prefix(a, subnet.length());
  }
  throw InputError(fmt::format("no free address for the client in {}", subnet.ToString()));
}

}  // namespace

std::string SegmentOf(const Mapping& mapping, std::string_view node, std::string_view ifname) {
  for (const MappedInterface& i : mapping.interfaces) {
    if (i.node == node && i.name == ifname) return i.segment;
  }
  return "";
}

void MapNetwork(const ConfigSet& set, const MappingOptions& options, Mapping& mapping) {
  std::vector<Port> ports;
  for (size_t n = 0; n < set.nodes.size(); ++n) {
    const KeepalivedConfig& config = set.nodes[n].config;
    for (const std::string& ifname : InterfaceNames(config)) {
      Port p{n, ifname, EvidenceOf(config, ifname), std::nullopt};
      p.candidate = Candidate(p.evidence, options);
      ports.push_back(std::move(p));
    }
  }
  std::vector<Group> groups = GroupPorts(ports);
  PlaceOpenGroups(groups, options);
  const std::vector<std::string> names = SegmentNames(groups);
  Placed placed{std::vector<std::optional<Ipv4Address>>(ports.size()),
                std::vector<bool>(ports.size(), false)};
  std::vector<std::string> segment_of(ports.size());
  for (size_t k = 0; k < groups.size(); ++k) {
    std::set<Ipv4Address> used = AddressesOf(groups[k], ports);
    PlaceAddresses(groups[k], ports, placed, used);
    SegmentSpec segment{names[k], *groups[k].subnet};
    segment.client_address = ClientOf(*groups[k].subnet, used);
    mapping.scenario.segments.push_back(std::move(segment));
    for (size_t i : groups[k].ports) segment_of[i] = names[k];
  }
  for (const ConfigNode& node : set.nodes) {
    NodeSpec spec;
    spec.name = node.name;
    mapping.scenario.nodes.push_back(std::move(spec));
  }
  for (size_t i = 0; i < ports.size(); ++i) {
    const Port& p = ports[i];
    const int length = mapping.scenario.Segment(segment_of[i]).subnet.length();
    MappedInterface m{set.nodes[p.node].name, p.ifname, segment_of[i],
                      Ipv4Prefix(*placed.address[i], length), placed.from_config[i]};
    InterfaceSpec spec{p.ifname, segment_of[i]};
    spec.address = m.address;
    mapping.scenario.nodes[p.node].interfaces.push_back(std::move(spec));
    mapping.interfaces.push_back(std::move(m));
  }
}

}  // namespace viplab::kconf::mapping_internal
