// Rendering keepalived.conf (keepalived 2.2.7 syntax) from a plain description of one node.
// The renderer is pure: same input, same text, so unit tests compare it with expected files.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace viplab {

// vrrp_script: `command` is run every `interval` s; weight 0 means FAULT after `fall` failures.
struct VrrpScriptConfig {
  std::string name = "chk_service";
  std::string command;  // full command line, e.g. "/abs/viplab-check http 127.0.0.1 80"
  double interval = 1;
  int fall = 1;
  int rise = 1;
  int weight = 0;
  std::optional<double> timeout;  // seconds; keepalived's default (interval) when unset
};

// vrrp_track_process: matches `process_name` with inline parameters `param_args`
// (param_match partial), so nodes that share one PID namespace track only their own service.
// keepalived 2.2.7 compares `process_name` with argv[0] (not comm) once parameters are given, so
// the service must be started with exactly that argv[0] (StartService passes "haproxy").
struct TrackProcessConfig {
  std::string name = "track_service";
  std::string process_name = "haproxy";
  std::vector<std::string> param_args;  // e.g. {"--node", "lb1"}
  int weight = 0;                       // 0: FAULT on quorum loss
  int quorum = 1;
  std::optional<double> delay;  // seconds
};

// One line of virtual_ipaddress: `address dev <dev>`; an empty `dev` means the instance's own
// interface. Converts from the address alone, so {"10.77.0.200/24"} lists stay valid.
struct VirtualIpConfig {
  VirtualIpConfig(std::string address_in = {}, std::string dev_in = {})  // NOLINT: implicit
      : address(std::move(address_in)), dev(std::move(dev_in)) {}
  VirtualIpConfig(const char* address_in) : address(address_in) {}  // NOLINT: implicit
  std::string address;                                              // "10.78.0.201/24"
  std::string dev;
};

// One line of track_interface: weight 0 renders no weight (FAULT when the interface is down).
struct TrackInterfaceConfig {
  std::string interface;
  int weight = 0;
};

// vrrp_sync_group <name> { group { <instances> } }.
struct SyncGroupConfig {
  std::string name;
  std::vector<std::string> instances;
};

struct VrrpInstanceConfig {
  std::string name = "VI_1";
  std::string state = "BACKUP";  // MASTER or BACKUP
  std::string interface = "eth0";
  int virtual_router_id = 51;
  int priority = 100;
  double advert_int = 1;  // seconds; v3 allows centiseconds
  int version = 2;        // 2 or 3
  bool nopreempt = false;
  std::optional<double> preempt_delay;               // seconds
  std::vector<VirtualIpConfig> virtual_ipaddresses;  // "10.77.0.200/24"
  std::optional<std::string> unicast_src_ip;
  std::vector<std::string> unicast_peers;
  std::optional<VrrpScriptConfig> script;
  std::optional<TrackProcessConfig> track_process;
  std::vector<TrackInterfaceConfig> track_interfaces;
};

struct KeepalivedConfig {
  std::string router_id;    // global_defs router_id (the node name)
  std::string notify_fifo;  // path as seen by keepalived; empty: none
  // vrrp_script / vrrp_track_process blocks are written once per name: instances that share a
  // check share the name; two different definitions under one name throw std::invalid_argument.
  std::vector<VrrpInstanceConfig> instances;
  std::vector<SyncGroupConfig> sync_groups;  // written before the instances
};

std::string RenderKeepalivedConfig(const KeepalivedConfig& config);

}  // namespace viplab
