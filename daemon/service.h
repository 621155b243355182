// Service: the load balancer a node's keepalived protects, either
//  - the haproxy stand-in built by this project (binary `haproxy` in the build directory, so its
//    process name is "haproxy"): it answers every HTTP request with the node's name and prints
//    "READY <port>" on stdout once it listens; argv "haproxy --lab <prefix> --node <name> ...", or
//  - Debian's real haproxy in master-worker mode with a rendered haproxy.cfg answering the same
//    way; argv "haproxy -L <prefix><name> -Ws -f <cfg>"; ready when it sends READY=1 to
//    NOTIFY_SOCKET (haproxy's systemd readiness protocol), which StartService provides.
// In both, argv[0] and the leading arguments naming the node are what track_process matches
// (param_match partial) to tell the nodes' services apart in the shared PID namespace.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "daemon/process.h"

namespace viplab {

class NodeInit;
class NodeSandbox;

enum class ServiceKind { kStandin, kHaproxy };

struct ServiceSpec {
  ServiceKind kind = ServiceKind::kStandin;
  std::string lab;  // lab prefix ("vl-3-"): makes the command line unique among concurrent labs
  std::string node;
  std::filesystem::path standin_binary;  // kStandin: <build>/haproxy
  std::filesystem::path haproxy_binary;  // kHaproxy: e.g. /usr/sbin/haproxy
  // kHaproxy: the config path as the service sees it (inside the sandbox), and a directory, as
  // the harness sees it, that the service sees as `notify_dir_inside` (for NOTIFY_SOCKET).
  std::string haproxy_config = "/etc/keepalived/haproxy.cfg";
  std::filesystem::path notify_dir;
  std::string notify_dir_inside = "/tmp";
  int port = 80;
  std::string bind_address;  // --bind; empty: all addresses of the node (tests: "127.0.0.1")
  int netns_fd = -1;
  const NodeSandbox* sandbox = nullptr;
  // The node's PID namespace (pid_namespaces labs): the service runs inside it, in the mount
  // namespace with the node's /proc. nullptr: the host's PID namespace, the sandbox's mounts.
  const NodeInit* init = nullptr;
  std::filesystem::path log_file;
  std::filesystem::path cgroup_dir;
};

// The arguments after argv[0] ("--lab", lab, "--node", node, "--port", ... or "-L", lab + node,
// "-Ws", ...).
std::vector<std::string> ServiceArguments(const ServiceSpec& spec);
// The leading arguments that identify this lab's node's service among all processes of the PID
// namespace: track_process matches them exactly (param_match partial).
std::vector<std::string> ServiceIdentity(const ServiceSpec& spec);

// Where Debian's haproxy is (PATH, then /usr/sbin), or nullopt when it is not installed.
std::optional<std::filesystem::path> FindHaproxy();

// Starts the service and waits (on its stdout pipe) until it reports it listens. Throws
// SystemError with the service log tail if it exits or does not report within `timeout`.
Process StartService(const ServiceSpec& spec,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace viplab
