// Link faults: one of the node's interfaces (FaultSpec::interface, "" = its first) down, or its
// switch port down (a pulled cable: the node still sees its link up... until carrier loss
// reaches it through the veth).
#include <fmt/format.h>

#include "harness/faults/internal/catalog.h"
#include "harness/lab/lab.h"
#include "netns/link.h"

namespace viplab::faults {
namespace {

class LinkDown : public NodeBoundFault {
 public:
  LinkDown(std::string node, std::string side, std::string interface)
      : NodeBoundFault(std::move(node)), side_(std::move(side)), interface_(std::move(interface)) {}
  std::string Describe() const override {
    // Without an interface, today's words: "interface of lb1 down".
    const std::string of = interface_.empty() ? node_ : interface_ + " of " + node_;
    if (side_ == "switch") return fmt::format("switch port of {} down (cable pulled)", of);
    return interface_.empty() ? fmt::format("interface of {} down", node_)
                              : fmt::format("interface {} down", of);
  }
  void Inject(Lab& lab) override { Set(lab, false); }
  void Clear(Lab& lab) override { Set(lab, true); }

 private:
  void Set(Lab& lab, bool up) {
    Topology::Member& member = lab.topology().node(node_);
    const Topology::Interface& ifc = member.interface(interface_);  // "": the node's first
    if (side_ == "switch") {
      SetLinkUp(lab.topology().switch_socket(), ifc.port, up);
    } else {
      SetLinkUp(*member.socket, ifc.name, up);
    }
  }
  std::string side_;
  std::string interface_;
};

}  // namespace

std::unique_ptr<Fault> MakeLinkFault(const FaultSpec& spec, const std::string& node) {
  return std::make_unique<LinkDown>(node, spec.side, spec.interface);
}

}  // namespace viplab::faults
