// Whole-node faults through the node's cgroup: every process of the node at once.
#include <fmt/format.h>

#include "harness/faults/catalog.h"
#include "harness/lab.h"

namespace viplab::faults {
namespace {

// Like a paused VM: the cgroup v2 freezer stops keepalived, its children and the service.
class NodeFreeze : public Fault {
 public:
  explicit NodeFreeze(std::string node) : node_(std::move(node)) {}
  std::string Describe() const override {
    return fmt::format("node {} frozen (cgroup freezer)", node_);
  }
  void Inject(Lab& lab) override { lab.node(node_).cgroup.Freeze(true); }
  void Clear(Lab& lab) override { lab.node(node_).cgroup.Freeze(false); }

 private:
  std::string node_;
};

// Every process of the node killed at once (cgroup.kill); its addresses stay, as after a
// kernel-level hang of user space. Clear: start the service and keepalived again.
class NodeCrash : public Fault {
 public:
  explicit NodeCrash(std::string node) : node_(std::move(node)) {}
  std::string Describe() const override {
    return fmt::format("node {} crashed (all its processes killed)", node_);
  }
  void Inject(Lab& lab) override { lab.node(node_).cgroup.Kill(); }
  void Clear(Lab& lab) override {
    lab.StartService(node_);
    lab.StartKeepalived({node_});
  }

 private:
  std::string node_;
};

}  // namespace

std::unique_ptr<Fault> MakeNodeFault(const FaultSpec& spec, const std::string& node) {
  if (spec.kind == FaultKind::kNodeFreeze) return std::make_unique<NodeFreeze>(node);
  return std::make_unique<NodeCrash>(node);
}

}  // namespace viplab::faults
