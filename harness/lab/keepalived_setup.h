// Maps a scenario node to the keepalived configuration viplab renders for it. Pure: the same
// scenario always gives the same text, which unit tests pin down.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/keepalived_config.h"
#include "daemon/service.h"
#include "harness/model/scenario.h"

namespace viplab {

// Paths as seen from inside the node's sandbox.
struct NodePaths {
  std::string check_binary = "/etc/keepalived/bin/viplab-check";
  std::string notify_fifo = "/tmp/viplab-notify.fifo";
  // LabOptions::pid_namespaces: runs a command inside the node (`<nsenter> killall -0 haproxy`);
  // harmless when keepalived already runs there (daemon/nsenter/main.cc).
  std::string nsenter_binary = "/etc/keepalived/bin/viplab-nsenter";
};

// What identifies the node's service process: the lab prefix (concurrent labs share one PID
// namespace), the node name and the kind of service.
struct ServiceIdentityArgs {
  std::string lab_prefix;
  ServiceKind kind = ServiceKind::kStandin;
};

// True when a keepalived.conf text uses track_process: the word `vrrp_track_process` or
// `track_process` outside comments (an unescaped `#` or `!` outside double quotes ends a line:
// keepalived 2.2.7 lib/parser.c, decomment). keepalived then has to stay in the host PID
// namespace (the process-event connector ignores listeners in any other, docs/vrrp-timing.md):
// with LabOptions::pid_namespaces the lab runs it there, and every script line it runs has to go
// through NodePaths::nsenter_binary to see only its node; without track_process the lab runs
// keepalived inside the node's PID namespace.
bool ConfigUsesTrackProcess(std::string_view keepalived_conf);

KeepalivedConfig BuildKeepalivedConfig(const Scenario& scenario, size_t node_index,
                                       const ServiceIdentityArgs& service,
                                       const NodePaths& paths = {});

}  // namespace viplab
