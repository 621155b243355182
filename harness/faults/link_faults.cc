// Link faults: the node's own interface down, or its switch port down (a pulled cable: the node
// still sees its link up... until carrier loss reaches it through the veth).
#include <fmt/format.h>

#include "harness/faults/internal/catalog.h"
#include "harness/lab/lab.h"
#include "netns/link.h"

namespace viplab::faults {
namespace {

class LinkDown : public NodeBoundFault {
 public:
  LinkDown(std::string node, std::string side)
      : NodeBoundFault(std::move(node)), side_(std::move(side)) {}
  std::string Describe() const override {
    return side_ == "switch" ? fmt::format("switch port of {} down (cable pulled)", node_)
                             : fmt::format("interface of {} down", node_);
  }
  void Inject(Lab& lab) override { Set(lab, false); }
  void Clear(Lab& lab) override { Set(lab, true); }

 private:
  void Set(Lab& lab, bool up) {
    Topology::Member& member = lab.topology().node(node_);
    if (side_ == "switch") {
      SetLinkUp(lab.topology().switch_socket(), member.port, up);
    } else {
      SetLinkUp(*member.socket, lab.scenario().interface, up);
    }
  }
  std::string side_;
};

}  // namespace

std::unique_ptr<Fault> MakeLinkFault(const FaultSpec& spec, const std::string& node) {
  return std::make_unique<LinkDown>(node, spec.side);
}

}  // namespace viplab::faults
