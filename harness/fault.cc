#include "harness/fault.h"

#include <csignal>

#include <fmt/format.h>

#include "harness/lab.h"
#include "netns/error.h"

namespace viplab {
namespace {

// Kills the node's service (the haproxy stand-in) with SIGTERM or SIGKILL.
class ServiceKillFault : public Fault {
 public:
  ServiceKillFault(std::string node, int signo, std::string signal_name)
      : node_(std::move(node)), signo_(signo), signal_name_(std::move(signal_name)) {}

  std::string Describe() const override {
    return fmt::format("SIG{} to haproxy on {}", signal_name_, node_);
  }

  void Inject(Lab& lab) override {
    Lab::Node& node = lab.node(node_);
    if (!node.service) throw SystemError::Plain(fmt::format("{} has no service", node_));
    node.service->Signal(signo_);
  }

 private:
  std::string node_;
  int signo_;
  std::string signal_name_;
};

}  // namespace

std::unique_ptr<Fault> MakeFault(const FaultSpec& spec, const std::string& node) {
  if (spec.action == "kill" && spec.target == "service") {
    const int signo = spec.signal == "TERM" ? SIGTERM : SIGKILL;
    return std::make_unique<ServiceKillFault>(node, signo, spec.signal);
  }
  throw InputError(fmt::format("fault '{}' on '{}' is not supported", spec.action, spec.target));
}

}  // namespace viplab
