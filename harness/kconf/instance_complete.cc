// The address lines of vrrp_instance, and what keepalived 2.2.7 decides once every line is read
// (vrrp.c chk_min_cfg, vrrp_complete_instance, check_vrid_conflicts).
#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "harness/kconf/instance_internal.h"

namespace viplab::kconf::internal {
namespace {

// 4 or 6 when `text` is an address of that family (inet_pton, as keepalived parses them), else 0.
int FamilyOf(const std::string& text) {
  unsigned char buffer[16];
  if (inet_pton(AF_INET, text.c_str(), buffer) == 1) return 4;
  if (inet_pton(AF_INET6, text.c_str(), buffer) == 1) return 6;
  return 0;
}

// The instance's family is set by its first address; a later one of the other family is
// ignored (vrrp_data.c alloc_vrrp_vip / alloc_vrrp_unicast_peer, vrrp_parser.c
// vrrp_srcip_handler).
bool TakeFamily(Reader& reader, const ConfNode& line, InstanceState& state, int family) {
  if (state.family == 0) state.family = family;
  if (state.family == family) return true;
  reader.Warn(line, fmt::format("'{}' is not of the instance's address family: ignored",
                                line.keyword == "unicast_src_ip" ? line.args[0] : line.keyword));
  return false;
}

// The words after the address: dev, label and the rest as written. False: keepalived drops it.
bool ReadVipOptions(Reader& reader, const ConfNode& e, VirtualAddress& vip) {
  static const std::vector<std::string> kWithValue = {"dev",   "scope", "broadcast",    "brd",
                                                      "label", "peer",  "preferred_lft"};
  static const std::vector<std::string> kFlags = {
      "home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin", "no_track", "use_vmac"};
  for (size_t i = 0; i < e.args.size(); ++i) {
    const std::string& word = e.args[i];
    if (std::find(kFlags.begin(), kFlags.end(), word) != kFlags.end()) {
      vip.other.push_back(word);
      continue;
    }
    if (std::find(kWithValue.begin(), kWithValue.end(), word) == kWithValue.end()) {
      reader.Warn(e, fmt::format("unknown address option '{}': ignored", word));
      continue;
    }
    if (i + 1 >= e.args.size()) {
      reader.Warn(e, fmt::format("no {} value for {}: address dropped", word, e.keyword));
      return false;
    }
    const std::string& value = e.args[++i];
    if (word == "dev") {
      if (vip.dev) {
        reader.Warn(e, "dev given twice: address dropped");
        return false;
      }
      vip.dev = value;
    } else if (word == "label") {
      if (value.size() >= 16) {
        reader.Warn(e, "label over 15 chars: address dropped");
        return false;
      }
      vip.label = value;
    } else if ((word == "brd" || word == "broadcast") && vip.ipv6) {
      reader.Warn(e, "broadcast for an IPv6 address: address dropped");
      return false;
    } else {
      vip.other.push_back(word);
      vip.other.push_back(value);
    }
  }
  if (vip.ipv6 && vip.label) {
    reader.Warn(e, "no label on IPv6 addresses: label ignored");
    vip.label.reset();
  }
  return true;
}

std::optional<VirtualAddress> ReadVip(Reader& reader, const ConfNode& e) {
  // vrrp_ipaddress.c parse_ipaddress: ':' makes it IPv6; "/LEN" outside 0..32 (128) is the full
  // length; an address inet_pton refuses is skipped.
  VirtualAddress vip;
  vip.where = e.where;
  vip.ipv6 = e.keyword.find(':') != std::string::npos;
  int full = vip.ipv6 ? 128 : 32;
  size_t slash = e.keyword.find('/');
  vip.address = e.keyword.substr(0, slash);
  if (slash != std::string::npos) {
    NumberRead read = ReadUnsigned(e.keyword.substr(slash + 1), 0, full, true);
    if (!read.accepted) {
      reader.Warn(e, fmt::format("invalid prefix length: using /{}", full));
      read.value = full;
    }
    vip.prefix_len = static_cast<int>(read.value);
  }
  if (FamilyOf(vip.address) != (vip.ipv6 ? 6 : 4)) {
    reader.Warn(e, fmt::format("invalid address '{}': skipped", e.keyword));
    return std::nullopt;
  }
  if (!ReadVipOptions(reader, e, vip)) return std::nullopt;
  return vip;
}

}  // namespace

void ReadUnicastSrc(Reader& reader, const ConfNode& line, VrrpInstance& vrrp,
                    InstanceState& state) {
  state.unicast_configured = true;
  const std::string& address = reader.Arg(line, 0);
  int family = FamilyOf(address);
  if (family == 0) {
    return reader.Warn(line, fmt::format("malformed address '{}': ignored", address));
  }
  if (!TakeFamily(reader, line, state, family)) return;
  vrrp.unicast_src_ip = address;
  state.saddr_from_config = true;
  if (vrrp.unicast_where.line == 0) vrrp.unicast_where = line.where;
}

void ReadUnicastPeers(Reader& reader, const ConfNode& node, VrrpInstance& vrrp,
                      InstanceState& state) {
  state.unicast_configured = true;
  vrrp.unicast_where = node.where;
  for (const ConfNode& e : node.children) {
    int family = FamilyOf(e.keyword);
    if (family == 0) {
      reader.Warn(e, fmt::format("malformed peer address '{}': skipped", e.keyword));
      continue;
    }
    if (!TakeFamily(reader, e, state, family)) continue;
    vrrp.unicast_peers.push_back(e.keyword);
    if (!e.args.empty()) reader.Unmodelled(e);  // min_ttl / max_ttl
  }
}

void ReadVips(Reader& reader, const ConfNode& node, VrrpInstance& vrrp, InstanceState& state) {
  bool excluded = node.keyword == "virtual_ipaddress_excluded";
  for (const ConfNode& e : node.children) {
    std::optional<VirtualAddress> vip = ReadVip(reader, e);
    if (!vip) continue;
    if (excluded) {
      vrrp.vips_excluded.push_back(std::move(*vip));
      continue;
    }
    if (!TakeFamily(reader, e, state, vip->ipv6 ? 6 : 4)) continue;
    if (vip->ipv6) vrrp.ipv6 = true;
    vrrp.vips.push_back(std::move(*vip));
  }
}

}  // namespace viplab::kconf::internal
