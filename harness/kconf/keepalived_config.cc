#include "harness/kconf/keepalived_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <string_view>

#include "harness/kconf/reader_internal.h"

namespace viplab::kconf {
namespace {

template <typename T>
const T* FindByName(const std::vector<T>& items, std::string_view name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& t) { return t.name == name; });
  return it == items.end() ? nullptr : &*it;
}

// Top-level sections the VRRP process of keepalived 2.2.7 knows but viplab does not run, and why
// (check_parser.c init_check_keywords, bfd_parser.c init_bfd_keywords, vrrp_parser.c
// init_vrrp_keywords, global_parser.c init_global_keywords).
struct Section {
  std::string_view keyword;
  std::string_view why;
};
constexpr std::array kNotExercised = {
    Section{"virtual_server", "LVS load balancing (the checker process) is not exercised"},
    Section{"virtual_server_group", "LVS load balancing (the checker process) is not exercised"},
    Section{"SSL", "LVS checker TLS settings are not exercised"},
    Section{"bfd_instance", "BFD sessions are not exercised"},
    Section{"static_ipaddress", "static addresses are not VRRP state and are not exercised"},
    Section{"static_routes", "static routes are not VRRP state and are not exercised"},
    Section{"static_rules", "static rules are not VRRP state and are not exercised"},
    Section{"track_group", "static track groups are not exercised"},
    Section{"linkbeat_interfaces", "link-beat polling is not exercised (the lab uses netlink)"},
    Section{"linkbeat_use_polling", "link-beat polling is not exercised (the lab uses netlink)"},
    Section{"net_namespace", "the lab gives every node its own namespace already"},
    Section{"net_namespace_ipvs", "the lab gives every node its own namespace already"},
    Section{"namespace_with_ipsets", "the lab gives every node its own namespace already"},
};
// Top-level keywords keepalived accepts that change nothing viplab models.
constexpr std::string_view kRootUnmodelled[] = {"use_pid_dir", "instance", "child_wait_time",
                                                "garp_group", "interface_up_down_delays"};

void ReadTop(internal::Reader& reader, const ConfNode& node) {
  const std::string& k = node.keyword;
  if (k == "global_defs") return internal::ReadGlobalDefs(reader, node);
  if (k == "vrrp_script") return internal::ReadVrrpScript(reader, node);
  if (k == "vrrp_track_process") return internal::ReadTrackProcess(reader, node);
  // track_file; vrrp_track_file is its deprecated synonym (track_file.c add_track_file_keywords).
  if (k == "track_file" || k == "vrrp_track_file") return internal::ReadTrackFile(reader, node);
  if (k == "vrrp_sync_group") return internal::ReadSyncGroup(reader, node);
  if (k == "vrrp_instance") return internal::ReadVrrpInstance(reader, node);
  for (const Section& section : kNotExercised) {
    if (k == section.keyword) {
      std::string what = node.args.empty() ? k : fmt::format("{} {}", k, internal::Join(node.args));
      reader.NotExercised(node, std::move(what), std::string(section.why));
      return;
    }
  }
  if (std::find(std::begin(kRootUnmodelled), std::end(kRootUnmodelled), k) !=
      std::end(kRootUnmodelled)) {
    reader.Unmodelled(node);
    return;
  }
  // lib/parser.c process_stream: "Unknown keyword", logged and ignored.
  reader.Unknown(node);
}

}  // namespace

const VrrpScript* KeepalivedConfig::FindScript(std::string_view name) const {
  return FindByName(scripts, name);
}

const TrackProcess* KeepalivedConfig::FindTrackProcess(std::string_view name) const {
  return FindByName(track_processes, name);
}

const TrackFile* KeepalivedConfig::FindTrackFile(std::string_view name) const {
  return FindByName(track_files, name);
}

const VrrpInstance* KeepalivedConfig::FindInstance(std::string_view name) const {
  return FindByName(instances, name);
}

const SyncGroup* KeepalivedConfig::GroupOf(std::string_view instance) const {
  for (const SyncGroup& group : sync_groups) {
    if (std::find(group.members.begin(), group.members.end(), instance) != group.members.end()) {
      return &group;
    }
  }
  return nullptr;
}

int KeepalivedConfig::VersionOf(const VrrpInstance& instance) const {
  // vrrp.c vrrp_complete_instance: the instance's own version, else IPv6 speaks 3, else the
  // global vrrp_version (global_data.c: VRRP_VERSION_2).
  if (instance.version) return *instance.version;
  if (instance.ipv6) return 3;
  return global.vrrp_version.value_or(2);
}

KeepalivedConfig ReadKeepalivedConfig(ConfTree tree) {
  KeepalivedConfig config;
  config.tree = std::move(tree);
  internal::Reader reader(config);
  for (const ConfNode& node : config.tree.top) ReadTop(reader, node);
  internal::CompleteInstances(reader);
  return config;
}

}  // namespace viplab::kconf
