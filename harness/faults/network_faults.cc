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

Ipv4Address AddressOf(Lab& lab, const std::string& node) {
  return lab.topology().node(node).address.address();
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
    loss_.interface = lab.scenario().interface;
    applied_netem_ = loss_.UsesNetem();
    loss_.Apply(NamespaceOf(lab, node_));
  }
  void Clear(Lab& lab) override { loss_.Remove(NamespaceOf(lab, node_)); }

 private:
  FaultSpec spec_;
  PacketLoss loss_;
  bool applied_netem_ = false;
};

// peers: the node and its peers stop hearing each other (the client still reaches both);
// isolate: the node hears and reaches nobody (ARP included, so its gratuitous ARPs for the VIP
// stay inside); one-way: the node still hears its peers, they no longer hear it.
class Partition : public NodeBoundFault {
 public:
  Partition(std::string node, std::string mode)
      : NodeBoundFault(std::move(node)), mode_(std::move(mode)) {}
  std::string Describe() const override {
    FaultSpec spec;
    spec.kind = FaultKind::kPartition;
    spec.partition = mode_;
    return fmt::format("{}: {}", node_, DescribeFault(spec));
  }
  void Inject(Lab& lab) override {
    const Ipv4Address self = AddressOf(lab, node_);
    std::vector<std::string> peers;
    std::vector<Ipv4Address> peer_addresses;
    for (const NodeSpec& n : lab.scenario().nodes) {
      if (n.name == node_) continue;
      peers.push_back(n.name);
      peer_addresses.push_back(AddressOf(lab, n.name));
    }
    if (mode_ == "isolate") {
      Apply(lab, node_, Block("isolate_in", Direction::kIngress, std::nullopt, true));
      Apply(lab, node_, Block("isolate_out", Direction::kEgress, std::nullopt, true));
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
  std::vector<std::pair<std::string, BlockTraffic>> applied_;
};

// VRRP adverts leaving the node are held `delay_ms` (NFQUEUE in userspace), in order.
class Delay : public NodeBoundFault {
 public:
  Delay(std::string node, double delay_ms) : NodeBoundFault(std::move(node)), delay_ms_(delay_ms) {}
  std::string Describe() const override {
    return fmt::format("VRRP adverts from {} delayed {:.0f} ms", node_, delay_ms_);
  }
  void Inject(Lab& lab) override {
    delay_ = std::make_unique<VrrpDelay>(
        NamespaceOf(lab, node_), std::chrono::milliseconds(static_cast<int64_t>(delay_ms_)));
    // A dead delay thread would silently turn the delay into 100 % VRRP loss.
    if (lab.on_worker_failure) delay_->OnError(lab.on_worker_failure);
  }
  void Clear(Lab&) override {
    if (delay_) delay_->Remove();
    delay_.reset();
  }

 private:
  double delay_ms_;
  std::unique_ptr<VrrpDelay> delay_;
};

}  // namespace

std::unique_ptr<Fault> MakeNetworkFault(const FaultSpec& spec, const std::string& node) {
  switch (spec.kind) {
    case FaultKind::kPacketLoss:
      return std::make_unique<Loss>(node, spec);
    case FaultKind::kPartition:
      return std::make_unique<Partition>(node, spec.partition);
    default:
      return std::make_unique<Delay>(node, spec.delay_ms);
  }
}

}  // namespace viplab::faults
