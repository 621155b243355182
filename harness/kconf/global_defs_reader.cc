// global_defs as keepalived 2.2.7 reads it (keepalived/core/global_parser.c).
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string_view>

#include "harness/kconf/reader_internal.h"

namespace viplab::kconf::internal {
namespace {

// Every other keyword global_parser.c init_global_keywords installs under global_defs (all build
// options on): accepted by keepalived, not modelled by viplab.
constexpr std::string_view kGlobalUnmodelled[] = {"process_names",
                                                  "process_name",
                                                  "vrrp_process_name",
                                                  "checker_process_name",
                                                  "lvs_process_name",
                                                  "bfd_process_name",
                                                  "notification_email_from",
                                                  "smtp_server",
                                                  "smtp_helo_name",
                                                  "smtp_connect_timeout",
                                                  "notification_email",
                                                  "smtp_alert",
                                                  "startup_script",
                                                  "startup_script_timeout",
                                                  "shutdown_script",
                                                  "shutdown_script_timeout",
                                                  "min_auto_priority_delay",
                                                  "smtp_alert_vrrp",
                                                  "smtp_alert_checker",
                                                  "checker_log_all_failures",
                                                  "no_email_faults",
                                                  "default_interface",
                                                  "disable_local_igmp",
                                                  "lvs_timeouts",
                                                  "lvs_flush",
                                                  "lvs_flush_on_stop",
                                                  "lvs_flush_onstop",
                                                  "lvs_sync_daemon",
                                                  "vrrp_mcast_group4",
                                                  "vrrp_mcast_group6",
                                                  "vrrp_down_timer_adverts",
                                                  "vrrp_min_garp",
                                                  "vrrp_lower_prio_no_advert",
                                                  "vrrp_higher_prio_send_advert",
                                                  "vrrp_iptables",
                                                  "vrrp_ipsets",
                                                  "nftables",
                                                  "nftables_priority",
                                                  "nftables_ifindex",
                                                  "nftables_ipvs",
                                                  "nftables_ipvs_priority",
                                                  "nftables_ipvs_start_fwmark",
                                                  "nftables_counters",
                                                  "vrrp_check_unicast_src",
                                                  "vrrp_priority",
                                                  "vrrp_no_swap",
                                                  "vrrp_rt_priority",
                                                  "vrrp_cpu_affinity",
                                                  "vrrp_rlimit_rttime",
                                                  "vrrp_rlimit_rtime",
                                                  "vrrp_notify_fifo",
                                                  "vrrp_notify_fifo_script",
                                                  "vrrp_notify_priority_changes",
                                                  "fifo_write_vrrp_states_on_reload",
                                                  "lvs_notify_fifo",
                                                  "lvs_notify_fifo_script",
                                                  "checker_priority",
                                                  "checker_no_swap",
                                                  "checker_rt_priority",
                                                  "checker_cpu_affinity",
                                                  "checker_rlimit_rttime",
                                                  "checker_rlimit_rtime",
                                                  "bfd_priority",
                                                  "bfd_no_swap",
                                                  "bfd_rt_priority",
                                                  "bfd_cpu_affinity",
                                                  "bfd_rlimit_rttime",
                                                  "bfd_rlimit_rtime",
                                                  "snmp_socket",
                                                  "enable_traps",
                                                  "enable_snmp_vrrp",
                                                  "enable_snmp_keepalived",
                                                  "enable_snmp_rfc",
                                                  "enable_snmp_rfcv2",
                                                  "enable_snmp_rfcv3",
                                                  "enable_snmp_checker",
                                                  "enable_dbus",
                                                  "dbus_service_name",
                                                  "vrrp_netlink_cmd_rcv_bufs",
                                                  "vrrp_netlink_cmd_rcv_bufs_force",
                                                  "vrrp_netlink_monitor_rcv_bufs",
                                                  "vrrp_netlink_monitor_rcv_bufs_force",
                                                  "process_monitor_rcv_bufs",
                                                  "process_monitor_rcv_bufs_force",
                                                  "lvs_netlink_cmd_rcv_bufs",
                                                  "lvs_netlink_cmd_rcv_bufs_force",
                                                  "lvs_netlink_monitor_rcv_bufs",
                                                  "lvs_netlink_monitor_rcv_bufs_force",
                                                  "rs_init_notifies",
                                                  "no_checker_emails",
                                                  "vrrp_rx_bufs_policy",
                                                  "vrrp_rx_bufs_multiplier",
                                                  "vrrp_startup_delay",
                                                  "log_unknown_vrids",
                                                  "vmac_prefix",
                                                  "vmac_addr_prefix",
                                                  "umask",
                                                  "random_seed",
                                                  "reload_check_config",
                                                  "reload_time_file",
                                                  "reload_repeat",
                                                  "reload_file",
                                                  "include_check"};
constexpr std::string_view kGlobalUnmodelledMore[] = {"config_save_dir", "tmp_config_directory",
                                                      "data_use_instance"};

bool IsGarp(const std::string& keyword) {
  // vrrp_garp_master_delay/repeat/refresh/refresh_repeat, vrrp_garp_lower_prio_delay/repeat,
  // vrrp_garp_interval, vrrp_gna_interval, vrrp_garp_extra_if, vrrp_vmac_garp_intvl.
  return keyword.starts_with("vrrp_garp_") || keyword == "vrrp_gna_interval" ||
         keyword == "vrrp_vmac_garp_intvl";
}

bool IsKnownUnmodelled(const std::string& keyword) {
  auto in = [&](const auto& list) {
    return std::find(std::begin(list), std::end(list), keyword) != std::end(list);
  };
  return in(kGlobalUnmodelled) || in(kGlobalUnmodelledMore);
}

void ReadGlobalValue(Reader& reader, GlobalDefs& global, const ConfNode& line) {
  const std::string& k = line.keyword;
  if (k == "router_id") {
    // global_parser.c routerid_handler: without a name, "routerid name missing - ignoring".
    if (line.args.empty()) return reader.Warn(line, "router_id without a name: ignored");
    global.router_id = line.args[0];
  } else if (k == "script_user") {
    // global_parser.c script_user_handler: USER [GROUP].
    if (line.args.empty()) return reader.Warn(line, "no script user named: ignored");
    global.script_user = Join(line.args);
  } else if (k == "vrrp_version") {
    // global_parser.c vrrp_version_handler: 2 or 3, anything else ignored.
    NumberRead read = ReadInt(reader.Arg(line, 0), 2, 3, true);
    if (!read.accepted) return reader.Warn(line, "version must be 2 or 3: ignored");
    global.vrrp_version = static_cast<int>(read.value);
  } else if (k == "notify_fifo") {
    if (line.args.empty()) return reader.Warn(line, "no notify_fifo name: ignored");
    if (!global.notify_fifo) global.notify_fifo = line.args[0];
  } else if (k == "notify_fifo_script") {
    if (line.args.empty()) return reader.Warn(line, "no notify_fifo_script: ignored");
    if (!global.notify_fifo_script) global.notify_fifo_script = line.args[0];
  } else if (k == "max_auto_priority") {
    // global_parser.c max_auto_priority_handler: no value = the SCHED_RR maximum (99 on Linux);
    // -1..99 else ignored.
    if (line.args.empty()) {
      global.max_auto_priority = 99;
      return;
    }
    NumberRead read = ReadInt(line.args[0], -1, 99, true);
    if (!read.accepted) return reader.Warn(line, "must be in [0, 99] or -1: ignored");
    global.max_auto_priority = static_cast<int>(read.value);
  }
}

}  // namespace

void ReadGlobalDefs(Reader& reader, const ConfNode& node) {
  GlobalDefs& global = reader.config().global;
  global.where = node.where;
  for (const ConfNode& line : node.children) {
    const std::string& k = line.keyword;
    if (k == "router_id" || k == "script_user" || k == "vrrp_version" || k == "notify_fifo" ||
        k == "notify_fifo_script" || k == "max_auto_priority") {
      ReadGlobalValue(reader, global, line);
    } else if (k == "enable_script_security") {
      global.enable_script_security = true;
    } else if (k == "vrrp_strict") {
      global.vrrp_strict = true;
    } else if (k == "vrrp_skip_check_adv_addr") {
      global.vrrp_skip_check_adv_addr = true;
    } else if (k == "dynamic_interfaces") {
      global.dynamic_interfaces = true;
    } else if (IsGarp(k)) {
      global.garp.push_back(RefOf(line));
    } else if (IsKnownUnmodelled(k)) {
      reader.Unmodelled(line);
    } else {
      reader.Unknown(line);
    }
  }
}

}  // namespace viplab::kconf::internal
