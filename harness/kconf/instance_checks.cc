// What keepalived 2.2.7 decides about each instance once every line is read: defaults that
// depend on other lines, and what makes it refuse the configuration (vrrp.c vrrp_complete_init:
// chk_min_cfg, vrrp_complete_instance, check_vrid_conflicts; a false return stops the VRRP
// process with KEEPALIVED_EXIT_CONFIG, vrrp_daemon.c start_vrrp).
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "harness/kconf/reader_internal.h"

namespace viplab::kconf::internal {
namespace {

void CompleteAdvert(Reader& reader, VrrpInstance& vrrp, const InstanceState& state) {
  // vrrp_complete_instance: 1 s by default; VRRPv2 rounds to whole seconds, VRRPv3 to 10 ms.
  long long us = state.advert_us ? state.advert_us : kTimerHz;
  int version = reader.config().VersionOf(vrrp);
  long long unit = version == 2 ? kTimerHz : kTimerHz / 100;
  if (us % unit != 0) {
    long long rounded = (us + unit / 2) / unit * unit;
    if (rounded == 0) rounded = unit;
    reader.config().warnings.push_back(
        ConfigWarning{.keyword = "advert_int",
                      .what = fmt::format("{}: VRRPv{} advert interval {} s rounded to {} s",
                                          vrrp.name, version, static_cast<double>(us) / kTimerHz,
                                          static_cast<double>(rounded) / kTimerHz),
                      .where = vrrp.where});
    us = rounded;
  }
  vrrp.advert_int_s = static_cast<double>(us) / kTimerHz;
}

void CheckMinimum(Reader& reader, const VrrpInstance& vrrp, const InstanceState& state) {
  // chk_min_cfg: a VRID and an interface are required (2.2.7 checks the interface before it
  // knows about unicast, so unicast instances need one too).
  if (vrrp.virtual_router_id == 0) {
    if (state.bad_vrid) {
      reader.Fail(*state.bad_vrid, "virtual_router_id",
                  fmt::format("'{}' not valid (1..255) and no other VRID for {}: keepalived "
                              "refuses to load",
                              state.bad_vrid_word, vrrp.name));
    }
    reader.Fail(
        vrrp.where, "vrrp_instance",
        fmt::format("{}: virtual_router_id not set: keepalived refuses to load", vrrp.name));
  }
  if (vrrp.interface.empty() && state.ignored_interface) {
    reader.Fail(*state.ignored_interface, "interface",
                fmt::format("{}: keepalived ignores it and refuses {} without an interface",
                            state.ignored_interface_why, vrrp.name));
  }
  if (vrrp.interface.empty()) {
    reader.Fail(vrrp.where, "vrrp_instance",
                fmt::format("{}: no (usable) interface: keepalived refuses to load", vrrp.name));
  }
}

void CheckComplete(Reader& reader, const VrrpInstance& vrrp) {
  // vrrp_complete_instance: VRRPv3 and strict mode need a VIP; strict mode refuses unicast on
  // an interface that can multicast (every lab interface can).
  int version = reader.config().VersionOf(vrrp);
  if (vrrp.vips.empty()) {
    if (version == 3 || vrrp.strict) {
      reader.Fail(vrrp.where, "vrrp_instance",
                  fmt::format("{}: no VIP; VRRPv3 and strict mode need one: keepalived refuses "
                              "to load",
                              vrrp.name));
    }
    reader.config().warnings.push_back(
        ConfigWarning{.keyword = "vrrp_instance",
                      .what = fmt::format("{}: no VIP specified", vrrp.name),
                      .where = vrrp.where});
  }
  if (vrrp.strict && !vrrp.unicast_peers.empty()) {
    reader.Fail(vrrp.unicast_where, "unicast_peer",
                fmt::format("{}: unicast peers are not supported in strict mode: keepalived "
                            "refuses to load",
                            vrrp.name));
  }
}

bool SharePeer(const VrrpInstance& a, const VrrpInstance& b) {
  for (const std::string& peer : a.unicast_peers) {
    for (const std::string& other : b.unicast_peers) {
      if (peer == other) return true;
    }
  }
  return false;
}

void CheckVridConflicts(Reader& reader) {
  // check_vrid_conflicts: two multicast instances with one VRID and family on one interface
  // (default group), or two unicast ones with the same source address sharing a peer.
  auto& list = reader.config().instances;
  auto& states = reader.states();
  for (size_t i = 0; i < list.size(); ++i) {
    for (size_t j = i + 1; j < list.size(); ++j) {
      const VrrpInstance& a = list[i];
      const VrrpInstance& b = list[j];
      if (a.virtual_router_id != b.virtual_router_id || a.ipv6 != b.ipv6) continue;
      bool unicast_a = !a.unicast_peers.empty();
      if (unicast_a != !b.unicast_peers.empty() || a.interface != b.interface) continue;
      // Unicast: the same source (equal unicast_src_ip, or both the interface's address) and a
      // shared peer; multicast: the default group on both.
      bool conflict = unicast_a ? (a.unicast_src_ip == b.unicast_src_ip && SharePeer(a, b))
                                : (!states[i].has_mcast_dst && !states[j].has_mcast_dst);
      if (!conflict) continue;
      reader.Fail(b.where, "vrrp_instance",
                  fmt::format("{} and {} both use VRID {} on {}: keepalived refuses to load",
                              a.name, b.name, a.virtual_router_id, a.interface));
    }
  }
}

// Why keepalived ignores the weights of `vrrp`'s own trackers, or "" (vrrp.c
// vrrp_complete_instance: a member of a sync group without sync_group_tracking_weight, or the
// address owner, priority 255).
std::string WeightsIgnoredBecause(const KeepalivedConfig& config, const VrrpInstance& vrrp) {
  const SyncGroup* group = config.GroupOf(vrrp.name);
  if (group && !group->tracking_weight) {
    return fmt::format("{} is in sync group {} (no sync_group_tracking_weight)", vrrp.name,
                       group->name);
  }
  if (vrrp.priority == 255) return fmt::format("{} has priority 255 (address owner)", vrrp.name);
  return "";
}

void WarnAt(KeepalivedConfig& config, const TrackRef& ref, std::string_view keyword,
            std::string what) {
  config.warnings.push_back(
      ConfigWarning{.keyword = std::string(keyword), .what = std::move(what), .where = ref.where});
}

void DropIgnoredWeights(KeepalivedConfig& config, VrrpInstance& vrrp) {
  // vrrp_complete_instance: weighted interfaces get weight 0 in a sync group (FAULT when down)
  // and are not tracked by an address owner; weighted scripts are not tracked at all; files with
  // the default weight 1 get 0, other weighted files are not tracked.
  std::string why = WeightsIgnoredBecause(config, vrrp);
  if (why.empty()) return;
  const SyncGroup* group = config.GroupOf(vrrp.name);
  bool sync = group && !group->tracking_weight;
  std::erase_if(vrrp.track_interfaces, [&](TrackRef& ref) {
    if (ref.weight.value_or(0) == 0) return false;
    WarnAt(config, ref, "track_interface",
           fmt::format("{}: weight of {} ignored ({}): {}", vrrp.name, ref.name,
                       sync ? "weight 0: FAULT when down" : "not tracked", why));
    if (!sync) return true;
    ref.weight = 0;
    return false;
  });
  std::erase_if(vrrp.track_scripts, [&](const TrackRef& ref) {
    const VrrpScript* script = config.FindScript(ref.name);
    int weight = ref.weight ? *ref.weight : (script ? script->weight : 0);
    if (weight == 0) return false;
    WarnAt(config, ref, "track_script",
           fmt::format("{}: weighted script {} not tracked: {}", vrrp.name, ref.name, why));
    TrackRef ignored = ref;
    ignored.weight = weight;
    vrrp.ignored_track_scripts.push_back(std::move(ignored));
    return true;
  });
  std::erase_if(vrrp.track_files, [&](TrackRef& ref) {
    const TrackFile* file = config.FindTrackFile(ref.name);
    int weight = ref.weight ? *ref.weight : (file ? file->weight : 1);
    if (weight == 0) return false;
    bool keep = weight == 1;
    WarnAt(config, ref, "track_file",
           fmt::format("{}: weighted file {} {}: {}", vrrp.name, ref.name,
                       keep ? "tracked with weight 0" : "not tracked", why));
    if (keep) ref.weight = 0;
    return !keep;
  });
}

void CompleteAuthentication(KeepalivedConfig& config, VrrpInstance& vrrp) {
  // vrrp_complete_instance: authentication is dropped in strict mode, with VRRPv3, without a
  // password, and AH with IPv6.
  if (!vrrp.auth_type) return;
  std::string why;
  if (vrrp.strict) {
    why = "strict mode does not support authentication";
  } else if (config.VersionOf(vrrp) == 3) {
    why = "VRRP version 3 does not support authentication";
  } else if (!vrrp.auth_pass || vrrp.auth_pass->empty()) {
    why = "authentication without auth_pass";
  } else if (vrrp.ipv6 && *vrrp.auth_type == "AH") {
    why = "AH authentication cannot be used with IPv6";
  }
  if (why.empty()) return;
  config.warnings.push_back(ConfigWarning{.keyword = "authentication",
                                          .what = fmt::format("{}: {}: ignored", vrrp.name, why),
                                          .where = vrrp.where});
  vrrp.auth_type.reset();
  vrrp.auth_pass.reset();
}

void CompleteAccept(KeepalivedConfig& config, VrrpInstance& vrrp, const InstanceState& state) {
  // vrrp_complete_instance: not written, accept mode is on unless strict mode (the address owner
  // always accepts); strict VRRPv2 turns it off (RFC 3768).
  if (!state.accept_set) vrrp.accept = vrrp.priority == 255 || !vrrp.strict;
  if (vrrp.accept && vrrp.priority != 255 && vrrp.strict && config.VersionOf(vrrp) == 2) {
    config.warnings.push_back(ConfigWarning{
        .keyword = "accept",
        .what = fmt::format("{}: accept mode with strict VRRPv2 is turned off", vrrp.name),
        .where = vrrp.where});
    vrrp.accept = false;
  }
}

}  // namespace

void CompleteInstances(Reader& reader) {
  KeepalivedConfig& config = reader.config();
  for (size_t i = 0; i < config.instances.size(); ++i) {
    VrrpInstance& vrrp = config.instances[i];
    const InstanceState& state = reader.states()[i];
    // vrrp_complete_instance: strict_mode unset takes global vrrp_strict.
    if (!state.strict_set) vrrp.strict = config.global.vrrp_strict;
    // vrrp_complete_instance: no priority: 255 (address owner) for state MASTER, else 100.
    if (!state.priority_set) vrrp.priority = vrrp.state == "MASTER" ? 255 : 100;
    CheckMinimum(reader, vrrp, state);
  }
  // vrrp.c vrrp_complete_init: sync groups are resolved before vrrp_complete_instance.
  CompleteSyncGroups(reader);
  for (size_t i = 0; i < config.instances.size(); ++i) {
    VrrpInstance& vrrp = config.instances[i];
    const InstanceState& state = reader.states()[i];
    CompleteAdvert(reader, vrrp, state);
    DropIgnoredWeights(config, vrrp);
    CompleteAccept(config, vrrp, state);
    CompleteAuthentication(config, vrrp);
    CheckComplete(reader, vrrp);
    if (state.unicast_configured && vrrp.unicast_peers.empty()) {
      config.warnings.push_back(ConfigWarning{
          .keyword = "unicast_peer",
          .what = fmt::format("{}: a unicast keyword without peers: keepalived uses multicast",
                              vrrp.name),
          .where = vrrp.unicast_where.line ? vrrp.unicast_where : vrrp.where});
    }
    if (vrrp.ipv6) {
      config.not_exercised.push_back(
          NotExercised{.what = fmt::format("vrrp_instance {} (IPv6)", vrrp.name),
                       .why = "IPv6 instances are not exercised (the lab is IPv4)",
                       .where = vrrp.where});
    }
  }
  CheckVridConflicts(reader);
}

}  // namespace viplab::kconf::internal
