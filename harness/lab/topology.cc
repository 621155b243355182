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
  // On any exception below, `topo`'s destructor removes what was created so far.
  topo->switch_ns_ =
      std::make_unique<NetworkNamespace>(NetworkNamespace::Create(spec.prefix + "sw"));
  topo->switch_socket_ = std::make_unique<RouteSocket>(RouteSocket::OpenIn(*topo->switch_ns_));
  DisableIpv6(*topo->switch_ns_);
  topo->bridge_ = spec.prefix + "br";
  CreateBridge(*topo->switch_socket_, topo->bridge_);
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

void Topology::AddMember(Member& m, size_t index, bool is_node) {
  m.ns = std::make_unique<NetworkNamespace>(NetworkNamespace::Create(spec_.prefix + m.name));
  m.socket = std::make_unique<RouteSocket>(RouteSocket::OpenIn(*m.ns));
  DisableIpv6(*m.ns);
  m.port = spec_.prefix + m.name;
  if (m.port.size() > kMaxIfname) m.port = fmt::format("{}p{}", spec_.prefix, index);
  VethSpec veth;
  veth.name = m.port;
  veth.peer_name = spec_.interface;
  veth.peer_ns_fd = m.ns->fd();
  veth.master = bridge_;
  veth.up = true;
  CreateVethPair(*switch_socket_, veth);
  SetLinkUp(*m.socket, "lo", true);
  AddAddress(*m.socket, spec_.interface, m.address);
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
