// vrrp_instance as keepalived 2.2.7 reads it, line by line (vrrp_parser.c vrrp_*_handler and
// init_vrrp_keywords; defaults from vrrp_data.c alloc_vrrp). Addresses and the checks after the
// last line are in instance_complete.cc.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string_view>

#include "harness/kconf/instance_internal.h"

namespace viplab::kconf::internal {
namespace {

// Keywords init_vrrp_keywords installs under vrrp_instance that viplab does not model.
constexpr std::string_view kInstanceUnmodelled[] = {"use_vmac_addr",
                                                    "use_ipvlan",
                                                    "unicast_fault_no_peer",
                                                    "check_unicast_src",
                                                    "old_unicast_checksum",
                                                    "vrf",
                                                    "mcast_src_ip",
                                                    "mcast_dst_ip",
                                                    "track_src_ip",
                                                    "unicast_ttl",
                                                    "promote_secondaries",
                                                    "linkbeat_use_polling",
                                                    "skip_check_adv_addr",
                                                    "debug",
                                                    "notify_master_rx_lower_pri",
                                                    "smtp_alert",
                                                    "notify_priority_changes",
                                                    "lvs_sync_daemon_interface",
                                                    "down_timer_adverts",
                                                    "lower_prio_no_advert",
                                                    "higher_prio_send_advert",
                                                    "kernel_rx_buf_size"};
constexpr std::string_view kInstanceGarp[] = {"garp_master_delay",     "garp_master_refresh",
                                              "garp_master_repeat",    "garp_master_refresh_repeat",
                                              "garp_lower_prio_delay", "garp_lower_prio_repeat",
                                              "garp_extra_if",         "vmac_garp_intvl"};

template <typename List>
bool In(const List& list, const std::string& word) {
  return std::find(std::begin(list), std::end(list), word) != std::end(list);
}

void ReadState(Reader& reader, const ConfNode& line, VrrpInstance& vrrp) {
  // vrrp_state_handler: exactly "MASTER" or "BACKUP" (case matters); BACKUP after MASTER is
  // ignored; anything else is BACKUP with a complaint.
  const std::string& word = reader.Arg(line, 0);
  if (word == "MASTER") {
    vrrp.state = "MASTER";
  } else if (word == "BACKUP") {
    if (vrrp.state == "MASTER") return reader.Warn(line, "state already MASTER: BACKUP ignored");
    vrrp.state = "BACKUP";
  } else {
    reader.Warn(line, fmt::format("unknown state '{}': keepalived uses BACKUP", word));
    vrrp.state = "BACKUP";
  }
  vrrp.state_where = line.where;
}

void ReadInterface(Reader& reader, const ConfNode& line, VrrpInstance& vrrp, InstanceState& state) {
  // vrrp_int_handler: a name of 16 characters or more (IFNAMSIZ) is ignored, and so is a
  // loopback interface ("cannot use a loopback interface").
  const std::string& name = reader.Arg(line, 0);
  std::string why;
  if (name.size() >= 16) {
    why = fmt::format("'{}' is longer than 15 characters (IFNAMSIZ)", name);
  } else if (name == "lo") {
    why = "'lo' is a loopback interface";
  }
  if (!why.empty()) {
    state.ignored_interface = line.where;
    state.ignored_interface_why = why;
    return reader.Warn(line, why + ": ignored");
  }
  vrrp.interface = name;
}

void ReadVrid(Reader& reader, const ConfNode& line, VrrpInstance& vrrp, InstanceState& state) {
  // vrrp_vrid_handler: 1..255 (read_unsigned, no tolerance); else the line is ignored.
  NumberRead read = ReadUnsigned(reader.Arg(line, 0), 1, 255, false);
  if (!read.accepted) {
    reader.Warn(line, fmt::format("VRID '{}' not valid (1..255): ignored", line.args[0]));
    state.bad_vrid = line.where;
    state.bad_vrid_word = line.args[0];
    return;
  }
  vrrp.virtual_router_id = static_cast<int>(read.value);
}

void ReadPriority(Reader& reader, const ConfNode& line, VrrpInstance& vrrp, InstanceState& state) {
  // vrrp_prio_handler: 1..255 (no tolerance), else the default 100 (VRRP_PRIO_DFL).
  NumberRead read = ReadUnsigned(reader.Arg(line, 0), 1, 255, false);
  if (!read.accepted) {
    reader.Warn(line, fmt::format("priority '{}' not valid (1..255): using 100", line.args[0]));
    read.value = 100;
  }
  vrrp.priority = static_cast<int>(read.value);
  vrrp.priority_where = line.where;
  state.priority_set = true;
}

void ReadAdvert(Reader& reader, const ConfNode& line, InstanceState& state) {
  // vrrp_adv_handler: seconds with up to 6 decimals in [0.01, 255]; else ignored (1 s stays).
  NumberRead read = ReadDecimal(reader.Arg(line, 0), kTimerHz / 100, 255 * kTimerHz, 6, true);
  if (!read.accepted || read.value <= 0) {
    return reader.Warn(line, fmt::format("advert interval '{}' not valid: ignored", line.args[0]));
  }
  state.advert_us = read.value;
}

void ReadVersion(Reader& reader, const ConfNode& line, VrrpInstance& vrrp) {
  // vrrp_version_handler: 2 or 3; a version conflicting with one already set (native_ipv6) or 2
  // with IPv6 is ignored.
  NumberRead read = ReadInt(reader.Arg(line, 0), 2, 3, true);
  if (!read.accepted) return reader.Warn(line, "version must be 2 or 3: ignored");
  int version = static_cast<int>(read.value);
  if ((vrrp.version && *vrrp.version != version) || (version == 2 && vrrp.ipv6)) {
    return reader.Warn(line, fmt::format("version {} conflicts with IPv6: ignored", version));
  }
  vrrp.version = version;
}

void ReadPreemptDelay(Reader& reader, const ConfNode& line, VrrpInstance& vrrp) {
  // vrrp_preempt_delay_handler: seconds (6 decimals) in [0, 1000] (TIMER_MAX_SEC), else 0.
  NumberRead read = ReadDecimal(reader.Arg(line, 0), 0, 1000 * kTimerHz, 6, true);
  if (!read.accepted) {
    reader.Warn(line, "preempt_delay must be in [0, 1000]: using 0");
    read.value = 0;
  }
  vrrp.preempt_delay_s = static_cast<double>(read.value) / kTimerHz;
  vrrp.preempt_delay_where = line.where;
}

bool ValidDevName(const std::string& name) {
  // vrrp_parser.c dev_name_valid (from the kernel's dev_valid_name).
  if (name.empty() || name.size() >= 16 || name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    return c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c));
  });
}

void ReadUseVmac(Reader& reader, const ConfNode& line, VrrpInstance& vrrp) {
  // vrrp_vmac_handler: up to two words, a MAC (has ':') and/or an interface name.
  if (!vrrp.use_vmac) vrrp.use_vmac = "";
  for (size_t i = 0; i < line.args.size() && i < 2; ++i) {
    const std::string& word = line.args[i];
    if (word.find(':') != std::string::npos) continue;  // a MAC address: not modelled
    if (!vrrp.use_vmac->empty()) {
      reader.Warn(line, "VMAC interface name already given: ignored");
    } else if (!ValidDevName(word)) {
      reader.Warn(line, fmt::format("VMAC name '{}' too long or invalid: ignored", word));
    } else {
      vrrp.use_vmac = word;
    }
  }
}

void ReadAuthentication(Reader& reader, const ConfNode& node, VrrpInstance& vrrp) {
  for (const ConfNode& line : node.children) {
    if (line.keyword == "auth_type") {
      // vrrp_auth_type_handler: AH or PASS, else ignored.
      const std::string& type = reader.Arg(line, 0);
      if (type == "AH" || type == "PASS") {
        vrrp.auth_type = type;
      } else {
        reader.Warn(line, fmt::format("unknown authentication type '{}': ignored", type));
      }
    } else if (line.keyword == "auth_pass") {
      // vrrp_auth_pass_handler: at most 8 characters (the auth_data field).
      std::string pass = reader.Arg(line, 0);
      if (pass.size() > 8) {
        reader.Warn(line, "auth_pass truncated to 8 characters");
        pass.resize(8);
      }
      vrrp.auth_pass = pass;
    } else {
      reader.Unknown(line);
    }
  }
}

// The keywords that take a value or a block; false if `line` is none of them.
bool ReadValueLine(Reader& reader, const ConfNode& line, VrrpInstance& vrrp, InstanceState& state) {
  const std::string& k = line.keyword;
  if (k == "state") {
    ReadState(reader, line, vrrp);
  } else if (k == "interface") {
    ReadInterface(reader, line, vrrp, state);
  } else if (k == "virtual_router_id") {
    ReadVrid(reader, line, vrrp, state);
  } else if (k == "priority") {
    ReadPriority(reader, line, vrrp, state);
  } else if (k == "advert_int") {
    ReadAdvert(reader, line, state);
  } else if (k == "version") {
    ReadVersion(reader, line, vrrp);
  } else if (k == "preempt_delay") {
    ReadPreemptDelay(reader, line, vrrp);
  } else if (k == "use_vmac") {
    ReadUseVmac(reader, line, vrrp);
  } else if (k == "authentication") {
    ReadAuthentication(reader, line, vrrp);
  } else if (k == "unicast_src_ip") {
    ReadUnicastSrc(reader, line, vrrp, state);
  } else if (k == "unicast_peer") {
    ReadUnicastPeers(reader, line, vrrp, state);
  } else if (k == "virtual_ipaddress" || k == "virtual_ipaddress_excluded") {
    ReadVips(reader, line, vrrp, state);
  } else if (k == "track_script") {
    ReadTrackBlock(reader, line, vrrp.track_scripts);
  } else if (k == "track_process") {
    ReadTrackBlock(reader, line, vrrp.track_processes);
  } else if (k == "track_file") {
    ReadTrackBlock(reader, line, vrrp.track_files);
  } else if (k == "track_interface") {
    ReadTrackBlock(reader, line, vrrp.track_interfaces);
  } else {
    return ReadNotify(reader, line, vrrp.notify);
  }
  return true;
}

void ReadFlagLine(Reader& reader, const ConfNode& line, VrrpInstance& vrrp, InstanceState& state) {
  const std::string& k = line.keyword;
  if (k == "nopreempt") {
    vrrp.nopreempt = true;
    vrrp.nopreempt_where = line.where;
  } else if (k == "preempt") {
    vrrp.nopreempt = false;  // vrrp_preempt_handler: backwards compatibility
  } else if (k == "accept" || k == "no_accept") {
    vrrp.accept = k == "accept";
    state.accept_set = true;
  } else if (k == "dont_track_primary") {
    vrrp.dont_track_primary = true;
  } else if (k == "vmac_xmit_base") {
    vrrp.vmac_xmit_base = true;
  } else if (k == "native_ipv6") {
    // vrrp_native_ipv6_handler: refused when IPv4 addresses came first; else IPv6 and version 3.
    if (state.family == 4) return reader.Warn(line, "IPv4 addresses given already: ignored");
    state.family = 6;
    vrrp.ipv6 = true;
    vrrp.version = 3;
  } else if (k == "strict_mode") {
    std::optional<bool> value = line.args.empty() ? true : ReadTrueFalse(line.args[0]);
    if (!value) return reader.Warn(line, fmt::format("invalid strict_mode '{}'", line.args[0]));
    vrrp.strict = *value;
    state.strict_set = true;
  } else if (k == "virtual_routes") {
    for (const ConfNode& e : line.children) vrrp.virtual_routes.push_back(RefOf(e));
  } else if (k == "virtual_rules") {
    for (const ConfNode& e : line.children) vrrp.virtual_rules.push_back(RefOf(e));
  } else if (In(kInstanceGarp, k)) {
    vrrp.garp.push_back(RefOf(line));
  } else if (k == "track_bfd") {
    reader.NotExercised(line, fmt::format("track_bfd of vrrp_instance {}", vrrp.name),
                        "BFD sessions are not exercised");
  } else if (In(kInstanceUnmodelled, k)) {
    if (k == "unicast_fault_no_peer" || k == "check_unicast_src") state.unicast_configured = true;
    if (k == "mcast_src_ip") state.saddr_from_config = true;
    if (k == "mcast_dst_ip") state.has_mcast_dst = true;
    reader.Unmodelled(line);
  } else {
    reader.Unknown(line);
  }
}

}  // namespace

void ReadVrrpInstance(Reader& reader, const ConfNode& node) {
  // vrrp_parser.c vrrp_handler: exactly one name, not defined before; else the block is skipped.
  if (node.args.size() != 1) return reader.Warn(node, "must have one name: skipped");
  if (reader.config().FindInstance(node.args[0])) {
    return reader.Warn(node, fmt::format("instance {} already defined: skipped", node.args[0]));
  }
  VrrpInstance vrrp;
  vrrp.name = node.args[0];
  vrrp.where = node.where;
  InstanceState state;
  for (const ConfNode& line : node.children) {
    if (!ReadValueLine(reader, line, vrrp, state)) ReadFlagLine(reader, line, vrrp, state);
  }
  reader.config().instances.push_back(std::move(vrrp));
  reader.states().push_back(std::move(state));
}

}  // namespace viplab::kconf::internal
