// Topology: the network of one lab. A switch namespace holds a Linux bridge; every node namespace
// and one client namespace is joined to it by a veth pair (switch port in the switch namespace,
// the scenario's interface name, e.g. eth0, in the node). Nodes and the client get their subnet
// addresses; loopback is up everywhere. With `sandboxes`, each node also gets its NodeSandbox
// (private /run, /tmp, /etc/keepalived; hostname = node name).
//
// Build() creates all of it or nothing: a failure part-way tears down what was made. The
// destructor removes everything (sandboxes, then namespaces; veths die with their namespaces).
// Names: namespaces "<prefix><node>", "<prefix>sw", "<prefix>client"; the bridge "<prefix>br";
// switch ports "<prefix><node>" (or "<prefix>p<i>" when that exceeds 15 characters).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netns/ipv4.h"
#include "netns/network_namespace.h"
#include "netns/node_sandbox.h"
#include "netns/route_socket.h"

namespace viplab {

struct TopologySpec {
  std::string prefix;              // "vl-3-"
  std::string interface = "eth0";  // node-side interface name
  struct Host {
    std::string name;
    Ipv4Prefix address;
  };
  std::vector<Host> nodes;
  Host client{"client", {}};
  // Directory for node sandboxes (<dir>/<node>); empty: no sandboxes (benchmarks).
  std::filesystem::path sandbox_dir;
};

class Topology {
 public:
  struct Member {
    std::string name;  // node name or "client"
    std::string port;  // switch-side veth name
    Ipv4Prefix address;
    std::unique_ptr<NetworkNamespace> ns;
    std::unique_ptr<RouteSocket> socket;
    std::optional<NodeSandbox> sandbox;
  };

  static std::unique_ptr<Topology> Build(const TopologySpec& spec);
  ~Topology();  // Remove(), ignoring its problems
  // Removes the sandboxes and namespaces now (idempotent) and returns what could not be removed
  // (one message per namespace); never throws. The topology is unusable afterwards.
  std::vector<std::string> Remove() noexcept;
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  const TopologySpec& spec() const { return spec_; }
  NetworkNamespace& switch_ns() { return *switch_ns_; }
  RouteSocket& switch_socket() { return *switch_socket_; }
  const std::string& bridge() const { return bridge_; }
  Member& node(const std::string& name);  // throws std::out_of_range
  Member& client() { return *client_; }
  std::vector<Member*> nodes();

 private:
  explicit Topology(TopologySpec spec) : spec_(std::move(spec)) {}
  void AddMember(Member& member, size_t index, bool is_node);
  TopologySpec spec_;
  std::unique_ptr<NetworkNamespace> switch_ns_;
  std::unique_ptr<RouteSocket> switch_socket_;
  std::string bridge_;
  std::vector<std::unique_ptr<Member>> nodes_;
  std::unique_ptr<Member> client_;
};

}  // namespace viplab
