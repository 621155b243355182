// Whole-node faults: the node's machine powered off or paused, through Lab's machine verbs
// (Lab::PowerOff/PowerOn, Lab::Pause/Resume; lab.h says exactly what each does). While off or
// paused the node owns nothing: a VIP still configured there is stale (event_kind::kPower).
#include <fmt/format.h>

#include "harness/faults/internal/catalog.h"
#include "harness/lab/lab.h"

namespace viplab::faults {
namespace {

// A paused VM: its traffic dropped both ways (ARP included) and its processes frozen; the VIP
// stays configured but nobody can reach it. Clear: network back, processes thawed.
class NodeFreeze : public NodeBoundFault {
 public:
  using NodeBoundFault::NodeBoundFault;
  std::string Describe() const override {
    return fmt::format("node {} paused (processes frozen, all its traffic dropped)", node_);
  }
  void Inject(Lab& lab) override { lab.Pause(node_); }
  void Clear(Lab& lab) override { lab.Resume(node_); }
};

// A power cut: every process killed and the link down. Clear: a cold boot (no VIP, link up,
// service and keepalived started).
class NodeCrash : public NodeBoundFault {
 public:
  using NodeBoundFault::NodeBoundFault;
  std::string Describe() const override {
    return fmt::format("node {} powered off (all processes killed, link down)", node_);
  }
  void Inject(Lab& lab) override { lab.PowerOff(node_); }
  void Clear(Lab& lab) override { lab.PowerOn(node_); }
};

}  // namespace

std::unique_ptr<Fault> MakeNodeFault(const FaultSpec& spec, const std::string& node) {
  if (spec.kind == FaultKind::kNodeFreeze) return std::make_unique<NodeFreeze>(node);
  return std::make_unique<NodeCrash>(node);
}

}  // namespace viplab::faults
