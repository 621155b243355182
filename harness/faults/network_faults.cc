// Network faults inside the lab's namespaces (never the host's): packet loss, partitions and
// delayed adverts, built from netns/impairment.h. Partitions are source-address ingress blocks
// because VRRP adverts are multicast (see impairment.h for the reasoning).
#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "harness/faults/internal/catalog.h"
#include "harness/lab/lab.h"
#include "netns/impairment.h"
#include "netns/network_namespace.h"

namespace viplab::faults {
namespace {

const NetworkNamespace& NamespaceOf(Lab& lab, const std::string& node) {
  return *lab.topology().node(node).ns;
}

// The node's interface `ifname` ("" = its first).
const Topology::Interface& InterfaceOf(Lab& lab, const std::string& node,
                                       const std::string& ifname) {
  return lab.topology().node(node).interface(ifname);
}

// The node's address on `segment`, or nullopt when it has no interface there.
std::optional<Ipv4Address> AddressOn(Lab& lab, const std::string& node,
                                     const std::string& segment) {
  for (const Topology::Interface& ifc : lab.topology().node(node).interfaces) {
    if (ifc.segment == segment) return ifc.address.address();
  }
  return std::nullopt;
}

// N % of the node's egress or ingress, all traffic or VRRP only.
class Loss : public NodeBoundFault {
 public:
  Loss(std::string node, const FaultSpec& spec) : NodeBoundFault(std::move(node)), spec_(spec) {
    loss_.percent = spec.percent;
    loss_.direction = spec.direction == "ingress" ? Direction::kIngress : Direction::kEgress;
    loss_.traffic = spec.traffic == "vrrp" ? PacketLoss::Traffic::kVrrp : PacketLoss::Traffic::kAll;
  }
  std::string Describe() const override {
    return fmt::format("{} on {}{}", DescribeFault(spec_), node_, applied_netem_ ? " (netem)" : "");
  }
  void Inject(Lab& lab) override {
    loss_.interface = InterfaceOf(lab, node_, spec_.interface).name;
    applied_netem_ = loss_.UsesNetem();
    loss_.Apply(NamespaceOf(lab, node_));
  }
  void Clear(Lab& lab) override { loss_.Remove(NamespaceOf(lab, node_)); }

 private:
  FaultSpec spec_;
  PacketLoss loss_;
  bool applied_netem_ = false;
};

// On the segment of the node's interface FaultSpec::interface ("" = its first): peers: the node
// and its peers stop hearing each other there (the client still reaches both); isolate: the
// node hears and reaches nobody (ARP included, so its gratuitous ARPs for the VIP stay inside;
// only through that interface when one is named); one-way: the node still hears its peers,
// they no longer hear it.
class Partition : public NodeBoundFault {
 public:
  Partition(std::string node, std::string mode, std::string interface)
      : NodeBoundFault(std::move(node)), mode_(std::move(mode)), interface_(std::move(interface)) {}
  std::string Describe() const override {
    FaultSpec spec;
    spec.kind = FaultKind::kPartition;
    spec.partition = mode_;
    return fmt::format("{}: {}", node_, DescribeFault(spec));
  }
  void Inject(Lab& lab) override {
    const Topology::Interface& ifc = InterfaceOf(lab, node_, interface_);
    const Ipv4Address self = ifc.address.address();
    std::vector<std::string> peers;
    std::vector<Ipv4Address> peer_addresses;
    for (const NodeSpec& n : lab.scenario().nodes) {
      if (n.name == node_) continue;
      const std::optional<Ipv4Address> address = AddressOn(lab, n.name, ifc.segment);
      if (!address) continue;  // not on this segment
      peers.push_back(n.name);
      peer_addresses.push_back(*address);
    }
    if (mode_ == "isolate") {
      BlockTraffic in = Block("isolate_in", Direction::kIngress, std::nullopt, true);
      BlockTraffic out = Block("isolate_out", Direction::kEgress, std::nullopt, true);
      if (!interface_.empty()) in.interfaces = out.interfaces = {ifc.name};
      Apply(lab, node_, std::move(in));
      Apply(lab, node_, std::move(out));
      return;
    }
    if (mode_ == "peers") {
      Apply(lab, node_, Block("from_peers", Direction::kIngress, peer_addresses, false));
    }
    // peers and one-way: the peers no longer hear this node.
    for (const std::string& peer : peers) {
      Apply(lab, peer,
            Block("from_" + Sanitize(node_), Direction::kIngress, std::vector<Ipv4Address>{self},
                  false));
    }
  }
  void Clear(Lab& lab) override {
    for (auto it = applied_.rbegin(); it != applied_.rend(); ++it) {
      it->second.Remove(NamespaceOf(lab, it->first));
    }
    applied_.clear();
  }

 private:
  static BlockTraffic Block(std::string name, Direction direction,
                            std::optional<std::vector<Ipv4Address>> from, bool arp) {
    BlockTraffic block;
    block.name = std::move(name);
    block.direction = direction;
    block.from = std::move(from);
    block.arp = arp;
    return block;
  }
  static std::string Sanitize(std::string name) {
    for (char& c : name) c = c == '-' ? '_' : c;
    return name;
  }
  void Apply(Lab& lab, const std::string& where, BlockTraffic block) {
    block.Apply(NamespaceOf(lab, where));
    applied_.emplace_back(where, std::move(block));
  }
  std::string mode_;
  std::string interface_;
  std::vector<std::pair<std::string, BlockTraffic>> applied_;
};

// VRRP adverts leaving the node are held `delay_ms` (NFQUEUE in userspace), in order.
class Delay : public NodeBoundFault {
 public:
  Delay(std::string node, double delay_ms, std::string interface)
      : NodeBoundFault(std::move(node)), delay_ms_(delay_ms), interface_(std::move(interface)) {}
  std::string Describe() const override {
    return fmt::format("VRRP adverts from {} delayed {:.0f} ms", node_, delay_ms_);
  }
  void Inject(Lab& lab) override {
    // Without an interface, every advert the node sends (as before deployments); with one, only
    // those leaving by it.
    const std::string only = interface_.empty() ? "" : InterfaceOf(lab, node_, interface_).name;
    delay_ = std::make_unique<VrrpDelay>(NamespaceOf(lab, node_),
                                         std::chrono::milliseconds(static_cast<int64_t>(delay_ms_)),
                                         VrrpDelay::kDefaultQueue, only);
    // A dead delay thread would silently turn the delay into 100 % VRRP loss.
    if (lab.on_worker_failure) delay_->OnError(lab.on_worker_failure);
  }
  void Clear(Lab&) override {
    if (delay_) delay_->Remove();
    delay_.reset();
  }

 private:
  double delay_ms_;
  std::string interface_;
  std::unique_ptr<VrrpDelay> delay_;
};

}  // namespace

std::unique_ptr<Fault> MakeNetworkFault(const FaultSpec& spec, const std::string& node) {
  switch (spec.kind) {
    case FaultKind::kPacketLoss:
      return std::make_unique<Loss>(node, spec);
    case FaultKind::kPartition:
      return std::make_unique<Partition>(node, spec.partition, spec.interface);
    default:
      return std::make_unique<Delay>(node, spec.delay_ms, spec.interface);
  }
}

}  // namespace viplab::faults
