// Rendering keepalived.conf (keepalived 2.2.7 syntax) from a plain description of one node.
// The renderer is pure: same input, same text, so unit tests compare it with expected files.
#pragma once

#include <optional>
#include <string>
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

struct VrrpInstanceConfig {
  std::string name = "VI_1";
  std::string state = "BACKUP";  // MASTER or BACKUP
  std::string interface = "eth0";
  int virtual_router_id = 51;
  int priority = 100;
  double advert_int = 1;  // seconds; v3 allows centiseconds
  int version = 2;        // 2 or 3
  bool nopreempt = false;
  std::optional<double> preempt_delay;           // seconds
  std::vector<std::string> virtual_ipaddresses;  // "10.77.0.200/24"
  std::optional<std::string> unicast_src_ip;
  std::vector<std::string> unicast_peers;
  std::optional<VrrpScriptConfig> script;
  std::optional<TrackProcessConfig> track_process;
};

struct KeepalivedConfig {
  std::string router_id;    // global_defs router_id (the node name)
  std::string notify_fifo;  // path as seen by keepalived; empty: none
  std::vector<VrrpInstanceConfig> instances;
};

std::string RenderKeepalivedConfig(const KeepalivedConfig& config);

}  // namespace viplab
