// A keepalived.conf read into what viplab understands of it (keepalived 2.2.7 semantics).
//
// ReadKeepalivedConfig walks a ConfTree: every VRRP keyword the corpus uses is read into the
// structs below with its source location; defaults are keepalived 2.2.7's (vrrp_parser.c,
// vrrp_data.c: priority 100, advert_int 1 s, version 2, script interval 1 s, rise 1, fall 1,
// weight 0, ...). Nothing is dropped silently:
//   - sections viplab does not exercise (LVS `virtual_server`/`virtual_server_group`, BFD,
//     `static_ipaddress`/`static_routes`, IPv6 instances) are listed in `not_exercised`;
//   - keywords keepalived accepts but viplab does not model (`notification_email`, `smtp_server`,
//     `vrrp_iptables`, `mcast_src_ip`, ...) are kept in `unmodelled` (the lists are the
//     install_keyword calls of 2.2.7's parsers for that block);
//   - keywords keepalived does not know either (`lvs_id`: gone long before 2.2.7) are kept in
//     `unknown` (keepalived logs and ignores them; lint reports them as `info`).
// What keepalived logs and corrects while loading (a priority outside 1..255 becomes 100, a bad
// advert_int is ignored, a track_script naming a script not defined above it is dropped, an
// auth_pass over 8 characters is cut, ...) is read as keepalived uses it and listed in
// `warnings`. Only what makes keepalived 2.2.7 refuse the configuration is an InputError
// "<file>:<line>: <keyword>: <what>": a keyword without its value (lib/parser.c null_strvec), an
// instance without a valid VRID or without an interface (vrrp.c chk_min_cfg), VRRPv3 or strict
// mode without a VIP, unicast peers in strict mode, two instances with one VRID on one interface
// (vrrp.c vrrp_complete_instance, check_vrid_conflicts).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/kconf/conf_tree.h"

namespace viplab::kconf {

// A keyword that was read but is not modelled, or not known: keyword, its words, where.
struct LineRef {
  std::string keyword;
  std::vector<std::string> args;
  SourceLocation where;
};

// Something keepalived 2.2.7 logs and corrects or ignores while loading (a value out of range it
// replaces by its default, a track_script naming no script, a fraction it rounds): the line, the
// keyword and what keepalived does instead. lint reports them; they never stop a load.
struct ConfigWarning {
  std::string keyword;
  std::string what;
  SourceLocation where;
};

// A part of the config viplab reads but does not exercise in a lab, and why.
struct NotExercised {
  std::string what;  // "virtual_server 10.0.0.1 80", "vrrp_instance V6 (IPv6)"
  std::string why;
  SourceLocation where;
};

struct GlobalDefs {
  std::optional<std::string> router_id;
  bool enable_script_security = false;
  std::optional<std::string> script_user;  // "root" or "user group"
  std::optional<int> vrrp_version;         // global default for instances
  bool vrrp_strict = false;
  bool vrrp_skip_check_adv_addr = false;
  bool dynamic_interfaces = false;
  std::optional<std::string> notify_fifo;
  std::optional<std::string> notify_fifo_script;
  std::optional<int> max_auto_priority;
  std::vector<LineRef> garp;  // vrrp_garp_* / vrrp_gna_* as written
  SourceLocation where;
};

// vrrp_script NAME { script ...; interval; timeout; weight [reverse]; rise; fall; user }
struct VrrpScript {
  std::string name;
  std::string script;  // the command line as keepalived runs it (quotes removed)
  // The argv keepalived executes (ScriptArgv of the `script` line: its quoting and escapes);
  // empty when the tree carries no raw line (trees built in code).
  std::vector<std::string> argv;
  SourceLocation script_where;
  double interval_s = 1;            // 2.2.7: whole seconds; "2.5" runs every 2 s (a warning)
  std::optional<double> timeout_s;  // unset: keepalived uses the interval
  int weight = 0;
  bool weight_reverse = false;
  int rise = 1;
  int fall = 1;
  std::optional<std::string> user;
  SourceLocation where;
};

// vrrp_track_process NAME { process; param_match; weight [reverse]; quorum; quorum_max; delay;
// terminate_delay; fork_delay }
struct TrackProcess {
  std::string name;
  std::string process;
  std::vector<std::string> parameters;  // `process` words after the name
  std::optional<std::string> param_match;
  int weight = 0;
  bool weight_reverse = false;
  int quorum = 1;
  std::optional<int> quorum_max;
  std::optional<double> delay_s;
  SourceLocation where;
};

// vrrp_track_file NAME { file; weight [reverse]; init_file [VALUE] [overwrite] }
struct TrackFile {
  std::string name;
  std::string file;
  int weight = 1;  // keepalived 2.2.7: default weight 1 for track files
  bool weight_reverse = false;
  std::optional<int> init_value;
  SourceLocation where;
};

// An entry of track_script / track_process / track_file / track_interface (an instance's or a
// sync group's): the tracked object's name and an optional weight override ("weight -4
// [reverse]"). No override: the object's own weight (scripts, processes, files) or 0, i.e. FAULT
// when it fails (interfaces).
struct TrackRef {
  std::string name;
  std::optional<int> weight;
  bool reverse = false;
  SourceLocation where;
};

// One address of virtual_ipaddress / virtual_ipaddress_excluded:
// "ADDR[/LEN] [dev IF] [label L] [brd B] [scope S] ...".
struct VirtualAddress {
  std::string address;            // as written, without the length
  std::optional<int> prefix_len;  // none: /32 to keepalived
  bool ipv6 = false;
  std::optional<std::string> dev;  // none: the instance's interface
  std::optional<std::string> label;
  std::vector<std::string> other;  // brd/scope/... words as written
  SourceLocation where;
};

struct NotifyScripts {
  std::optional<LineRef> master, backup, fault, stop, deleted, notify;  // args[0] = command line
};

struct VrrpInstance {
  std::string name;
  SourceLocation where;
  // "MASTER" / "BACKUP" as keepalived takes it (vrrp_state_handler: exact, case-sensitive;
  // anything else is BACKUP with a warning); none when not written.
  std::optional<std::string> state;
  SourceLocation state_where;
  std::string interface;      // required: missing is an InputError
  int virtual_router_id = 0;  // required (1..255): missing is an InputError
  int priority = 100;  // not written: 255 with state MASTER, else 100 (vrrp_complete_instance)
  SourceLocation priority_where;
  double advert_int_s = 1;     // as keepalived runs it: VRRPv2 whole seconds, VRRPv3 10 ms steps
  std::optional<int> version;  // none: global_defs vrrp_version, else 2
  bool nopreempt = false;
  SourceLocation nopreempt_where;
  std::optional<double> preempt_delay_s;
  SourceLocation preempt_delay_where;
  bool accept = false;  // not written: on unless strict mode (vrrp_complete_instance)
  bool dont_track_primary = false;
  bool strict = false;                  // `strict_mode` / global vrrp_strict
  std::optional<std::string> use_vmac;  // "" = use_vmac without a name
  bool vmac_xmit_base = false;
  // PASS / AH; none also when keepalived drops it (strict mode, VRRPv3, no auth_pass: a warning)
  std::optional<std::string> auth_type;
  std::optional<std::string> auth_pass;
  std::optional<std::string> unicast_src_ip;
  std::vector<std::string> unicast_peers;  // addresses as written
  SourceLocation unicast_where;
  std::vector<VirtualAddress> vips;
  std::vector<VirtualAddress> vips_excluded;
  std::vector<LineRef> virtual_routes;
  std::vector<LineRef> virtual_rules;
  // What keepalived tracks (entries it ignores are warnings): a sync group member without
  // sync_group_tracking_weight and the address owner (priority 255) do not track weighted
  // scripts; their weighted interfaces get weight 0 / are not tracked (vrrp_complete_instance).
  std::vector<TrackRef> track_scripts;
  // Weighted track_script entries keepalived does not track (vrrp.c vrrp_complete_instance: a
  // sync group member without sync_group_tracking_weight, or priority 255); removed from
  // track_scripts by the reader, kept here so lint can name the trap.
  std::vector<TrackRef> ignored_track_scripts;
  std::vector<TrackRef> track_processes;
  std::vector<TrackRef> track_files;
  std::vector<TrackRef> track_interfaces;
  NotifyScripts notify;
  std::vector<LineRef> garp;  // garp_* as written
  bool ipv6 = false;          // native_ipv6 or IPv6 VIPs
};

struct SyncGroup {
  std::string name;
  std::vector<std::string> members;
  std::vector<TrackRef> track_scripts;
  std::vector<TrackRef> track_processes;
  std::vector<TrackRef> track_files;
  std::vector<TrackRef> track_interfaces;
  NotifyScripts notify;
  bool tracking_weight = false;  // sync_group_tracking_weight: members keep their weights
  SourceLocation where;
};

struct KeepalivedConfig {
  ConfTree tree;
  GlobalDefs global;
  std::vector<VrrpScript> scripts;
  std::vector<TrackProcess> track_processes;
  std::vector<TrackFile> track_files;
  std::vector<VrrpInstance> instances;
  std::vector<SyncGroup> sync_groups;
  std::vector<NotExercised> not_exercised;
  std::vector<LineRef> unmodelled;
  std::vector<LineRef> unknown;
  std::vector<ConfigWarning> warnings;

  const VrrpScript* FindScript(std::string_view name) const;
  const TrackProcess* FindTrackProcess(std::string_view name) const;
  const TrackFile* FindTrackFile(std::string_view name) const;
  const VrrpInstance* FindInstance(std::string_view name) const;
  // The sync group `instance` is a member of, or nullptr.
  const SyncGroup* GroupOf(std::string_view instance) const;
  // The version an instance speaks: its own, else global_defs', else 2.
  int VersionOf(const VrrpInstance& instance) const;
};

// Throws InputError "<file>:<line>: <keyword>: <what>" for values keepalived refuses.
KeepalivedConfig ReadKeepalivedConfig(ConfTree tree);

}  // namespace viplab::kconf
