// Topology: the network of one lab. A switch namespace holds one Linux bridge per L2 segment;
// every node interface and every client interface is a veth pair joining its namespace to the
// bridge of its segment (switch port in the switch namespace, the interface name, e.g. eth0 or
// eth1, in the node). Nodes and the client get their addresses on each segment; loopback is up
// everywhere. A single-segment topology (no `segments`, no `interfaces`) is today's: one bridge,
// one interface `interface` per host. With `sandboxes`, each node also gets its NodeSandbox
// (private /run, /tmp, /etc/keepalived; hostname = node name).
//
// Build() creates all of it or nothing: a failure part-way tears down what was made. The
// destructor removes everything (sandboxes, then namespaces; veths die with their namespaces).
// Names: namespaces "<prefix><node>", "<prefix>sw", "<prefix>client"; the first segment's bridge
// "<prefix>br", segment k's (k >= 1) "<prefix>br<k>"; the switch port of a host's first interface
// "<prefix><host>" (or "<prefix>p<i>" when that exceeds 15 characters), of its interface j >= 1
// "<prefix>p<i>i<j>" (i: the host's index, nodes first, then the client). Every name carries the
// prefix, and bridges and ports live in the switch namespace: removing the lab's namespaces
// (Remove(), `viplab clean`) removes all of it.
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
  // Segment names in order ("lan", "storage"); empty: one segment (named "").
  std::vector<std::string> segments;
  // A host's interfaces, by host name ("client" for the client), each on a segment of
  // `segments`. A host not listed has one: `interface` with its `address` on the first segment.
  struct Interface {
    std::string name;     // inside the host: "eth1"
    std::string segment;  // one of `segments`
    Ipv4Prefix address;
  };
  std::map<std::string, std::vector<Interface>> interfaces;
  // Directory for node sandboxes (<dir>/<node>); empty: no sandboxes (benchmarks).
  std::filesystem::path sandbox_dir;
};

class Topology {
 public:
  // One interface of a host: `name` in the host, `port` its switch-side veth on the bridge of
  // `segment`.
  struct Interface {
    std::string name;
    std::string segment;
    std::string port;
    Ipv4Prefix address;
  };
  struct Member {
    std::string name;                   // node name or "client"
    std::string port;                   // switch-side veth name of the first interface
    Ipv4Prefix address;                 // the first interface's address
    std::vector<Interface> interfaces;  // interfaces[0] is the first (port, address above)
    std::unique_ptr<NetworkNamespace> ns;
    std::unique_ptr<RouteSocket> socket;
    std::optional<NodeSandbox> sandbox;
    // The interface named `ifname` ("" = the first); throws std::out_of_range.
    const Interface& interface(const std::string& ifname) const;
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
  const std::string& bridge() const { return bridges_.front(); }  // the first segment's
  // The bridge of a segment (spec().segments); throws std::out_of_range.
  const std::string& bridge(const std::string& segment) const;
  Member& node(const std::string& name);  // throws std::out_of_range
  Member& client() { return *client_; }
  std::vector<Member*> nodes();

 private:
  explicit Topology(TopologySpec spec) : spec_(std::move(spec)) {}
  void AddMember(Member& member, size_t index, bool is_node);
  std::vector<TopologySpec::Interface> InterfacesOf(const TopologySpec::Host& host) const;
  TopologySpec spec_;
  std::unique_ptr<NetworkNamespace> switch_ns_;
  std::unique_ptr<RouteSocket> switch_socket_;
  std::vector<std::string> bridges_;  // one per segment, in spec().segments order
  std::vector<std::unique_ptr<Member>> nodes_;
  std::unique_ptr<Member> client_;
};

}  // namespace viplab
