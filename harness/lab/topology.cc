#include "harness/lab/topology.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "netns/address.h"
#include "netns/error.h"
#include "netns/link.h"

namespace viplab {
namespace {

constexpr size_t kMaxIfname = 15;

// IPv6 is off inside lab namespaces: no DAD, router solicitations or MLD reports cluttering the
// wire or delaying links. Runs inside the namespace (/proc/sys/net is per network namespace).
void DisableIpv6(const NetworkNamespace& ns) {
  ns.Run([] {
    int fd = ::open("/proc/sys/net/ipv6/conf/all/disable_ipv6", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;  // kernel without IPv6: nothing to disable
    (void)!::write(fd, "1", 1);
    ::close(fd);
    fd = ::open("/proc/sys/net/ipv6/conf/default/disable_ipv6", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    (void)!::write(fd, "1", 1);
    ::close(fd);
  });
}

}  // namespace

std::unique_ptr<Topology> Topology::Build(const TopologySpec& spec) {
  std::unique_ptr<Topology> topo(new Topology(spec));
  if (topo->spec_.segments.empty()) topo->spec_.segments = {""};
  // On any exception below, `topo`'s destructor removes what was created so far.
  topo->switch_ns_ =
      std::make_unique<NetworkNamespace>(NetworkNamespace::Create(spec.prefix + "sw"));
  topo->switch_socket_ = std::make_unique<RouteSocket>(RouteSocket::OpenIn(*topo->switch_ns_));
  DisableIpv6(*topo->switch_ns_);
  for (size_t k = 0; k < topo->spec_.segments.size(); ++k) {
    topo->bridges_.push_back(k == 0 ? spec.prefix + "br" : fmt::format("{}br{}", spec.prefix, k));
    CreateBridge(*topo->switch_socket_, topo->bridges_.back());
  }
  for (size_t i = 0; i < spec.nodes.size(); ++i) {
    auto member = std::make_unique<Member>();
    member->name = spec.nodes[i].name;
    member->address = spec.nodes[i].address;
    topo->nodes_.push_back(std::move(member));
    topo->AddMember(*topo->nodes_.back(), i, true);
  }
  topo->client_ = std::make_unique<Member>();
  topo->client_->name = spec.client.name;
  topo->client_->address = spec.client.address;
  topo->AddMember(*topo->client_, spec.nodes.size(), false);
  return topo;
}

std::vector<TopologySpec::Interface> Topology::InterfacesOf(const TopologySpec::Host& host) const {
  auto it = spec_.interfaces.find(host.name);
  if (it != spec_.interfaces.end() && !it->second.empty()) return it->second;
  TopologySpec::Interface only;
  only.name = spec_.interface;
  only.segment = spec_.segments.front();
  only.address = host.address;
  return {only};
}

void Topology::AddMember(Member& m, size_t index, bool is_node) {
  m.ns = std::make_unique<NetworkNamespace>(NetworkNamespace::Create(spec_.prefix + m.name));
  m.socket = std::make_unique<RouteSocket>(RouteSocket::OpenIn(*m.ns));
  DisableIpv6(*m.ns);
  SetLinkUp(*m.socket, "lo", true);
  const auto wanted = InterfacesOf({m.name, m.address});
  for (size_t j = 0; j < wanted.size(); ++j) {
    Interface ifc;
    ifc.name = wanted[j].name;
    ifc.segment = wanted[j].segment;
    ifc.address = wanted[j].address;
    if (j == 0) {
      ifc.port = spec_.prefix + m.name;
      if (ifc.port.size() > kMaxIfname) ifc.port = fmt::format("{}p{}", spec_.prefix, index);
    } else {
      ifc.port = fmt::format("{}p{}i{}", spec_.prefix, index, j);
    }
    VethSpec veth;
    veth.name = ifc.port;
    veth.peer_name = ifc.name;
    veth.peer_ns_fd = m.ns->fd();
    veth.master = bridge(ifc.segment);
    veth.up = true;
    CreateVethPair(*switch_socket_, veth);
    AddAddress(*m.socket, ifc.name, ifc.address);
    m.interfaces.push_back(std::move(ifc));
  }
  m.port = m.interfaces.front().port;
  m.address = m.interfaces.front().address;
  if (is_node && !spec_.sandbox_dir.empty()) {
    m.sandbox.emplace(NodeSandbox::Create(spec_.sandbox_dir / m.name, m.name, m.ns->name()));
  }
}

Topology::~Topology() {
  Remove();  // problems were reported to whoever called Remove() first; nobody to tell here
}

std::vector<std::string> Topology::Remove() noexcept {
  // Sandboxes first (their mounts reference nothing in the network namespaces, but they live in
  // the lab directory that the caller removes after us), then namespaces. Deleting a namespace
  // deletes its veth ends, and with them the peers in the switch namespace. A namespace that
  // will not go (umount2/unlink failed) is recorded and the others are still removed.
  std::vector<std::string> problems;
  auto remove_ns = [&problems](std::unique_ptr<NetworkNamespace>& ns) noexcept {
    if (!ns) return;
    try {
      ns->Remove();
    } catch (const std::exception& e) {
      try {
        problems.push_back(e.what());
      } catch (...) {
      }
    }
  };
  auto release = [&](std::unique_ptr<Member>& m) noexcept {
    if (!m) return;
    m->sandbox.reset();
    m->socket.reset();
    remove_ns(m->ns);
  };
  release(client_);
  for (auto& m : nodes_) release(m);
  switch_socket_.reset();
  remove_ns(switch_ns_);
  return problems;
}

const Topology::Interface& Topology::Member::interface(const std::string& ifname) const {
  if (ifname.empty() && !interfaces.empty()) return interfaces.front();
  for (const Interface& i : interfaces) {
    if (i.name == ifname) return i;
  }
  throw std::out_of_range(fmt::format("{} has no interface '{}'", name, ifname));
}

const std::string& Topology::bridge(const std::string& segment) const {
  for (size_t k = 0; k < spec_.segments.size() && k < bridges_.size(); ++k) {
    if (spec_.segments[k] == segment) return bridges_[k];
  }
  throw std::out_of_range(fmt::format("no segment '{}' in the lab", segment));
}

Topology::Member& Topology::node(const std::string& name) {
  for (auto& m : nodes_) {
    if (m->name == name) return *m;
  }
  throw std::out_of_range(fmt::format("no node '{}' in the lab", name));
}

std::vector<Topology::Member*> Topology::nodes() {
  std::vector<Member*> out;
  for (auto& m : nodes_) out.push_back(m.get());
  return out;
}

}  // namespace viplab
