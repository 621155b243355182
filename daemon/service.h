// Service: the load balancer a node's keepalived protects. By default the haproxy stand-in built
// by this project (binary `haproxy` in the build directory, so its process name is "haproxy"):
// it listens on the node, answers every HTTP request with the node's name, and prints
// "READY <port>" on stdout once it listens. Its argv is "haproxy --node <name> ...": argv[0] and
// the first two arguments are what track_process matches (param_match partial) to tell the
// nodes' services apart.
//
// `--service haproxy` (real haproxy) is a later option; this interface keeps the stand-in's
// command line in one place.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon/process.h"

namespace viplab {

class NodeSandbox;

struct ServiceSpec {
  std::string node;
  std::filesystem::path standin_binary;  // <build>/haproxy
  int port = 80;
  std::string bind_address;  // --bind; empty: all addresses of the node (tests: "127.0.0.1")
  int netns_fd = -1;
  const NodeSandbox* sandbox = nullptr;
  std::filesystem::path log_file;
  std::filesystem::path cgroup_dir;
};

// The arguments after argv[0] that identify this node's service ("--node", node, ...). The
// track_process renderer uses the first two.
std::vector<std::string> ServiceArguments(const ServiceSpec& spec);

// Starts the service and waits (on its stdout pipe) until it reports it listens. Throws
// SystemError with the service log tail if it exits or does not report within `timeout`.
Process StartService(const ServiceSpec& spec,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace viplab
