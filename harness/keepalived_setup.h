// Maps a scenario node to the keepalived configuration viplab renders for it. Pure: the same
// scenario always gives the same text, which unit tests pin down.
#pragma once

#include <string>
#include <vector>

#include "daemon/keepalived_config.h"
#include "harness/scenario.h"

namespace viplab {

// Paths as seen from inside the node's sandbox.
struct NodePaths {
  std::string check_binary = "/etc/keepalived/bin/viplab-check";
  std::string notify_fifo = "/tmp/viplab-notify.fifo";
};

// `service_match_args`: the leading arguments that identify this node's service process
// (track_process matches them with param_match initial).
KeepalivedConfig BuildKeepalivedConfig(const Scenario& scenario, size_t node_index,
                                       const NodePaths& paths,
                                       const std::vector<std::string>& service_match_args);

}  // namespace viplab
