// Maps a scenario node to the keepalived configuration viplab renders for it. Pure: the same
// scenario always gives the same text, which unit tests pin down.
#pragma once

#include <string>
#include <vector>

#include "daemon/keepalived_config.h"
#include "daemon/service.h"
#include "harness/scenario.h"

namespace viplab {

// Paths as seen from inside the node's sandbox.
struct NodePaths {
  std::string check_binary = "/etc/keepalived/bin/viplab-check";
  std::string notify_fifo = "/tmp/viplab-notify.fifo";
};

// The leading arguments that identify a node's service process, e.g. "--node lb1 --port":
// track_process matches them exactly (param_match partial); the option after the name ends the
// match, so lb1 never matches lb10.
std::vector<std::string> ServiceMatchArgs(const std::string& node_name, int port,
                                          ServiceKind service = ServiceKind::kStandin);

KeepalivedConfig BuildKeepalivedConfig(const Scenario& scenario, size_t node_index,
                                       const NodePaths& paths = {},
                                       ServiceKind service = ServiceKind::kStandin);

}  // namespace viplab
