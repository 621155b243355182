// Maps a scenario node to the keepalived configuration viplab renders for it. Pure: the same
// scenario always gives the same text, which unit tests pin down.
#pragma once

#include <string>
#include <vector>

#include "daemon/keepalived_config.h"
#include "daemon/service.h"
#include "harness/model/scenario.h"

namespace viplab {

// Paths as seen from inside the node's sandbox.
struct NodePaths {
  std::string check_binary = "/etc/keepalived/bin/viplab-check";
  std::string notify_fifo = "/tmp/viplab-notify.fifo";
};

// What identifies the node's service process: the lab prefix (concurrent labs share one PID
// namespace), the node name and the kind of service.
struct ServiceIdentityArgs {
  std::string lab_prefix;
  ServiceKind kind = ServiceKind::kStandin;
};

KeepalivedConfig BuildKeepalivedConfig(const Scenario& scenario, size_t node_index,
                                       const ServiceIdentityArgs& service,
                                       const NodePaths& paths = {});

}  // namespace viplab
