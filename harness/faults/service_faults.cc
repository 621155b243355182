// Faults of a node's service (haproxy or the stand-in): killed, hung, or running but unhealthy.
#include <fmt/format.h>
#include <signal.h>

#include "harness/faults/internal/catalog.h"
#include "harness/lab/lab.h"
#include "netns/error.h"

namespace viplab::faults {
namespace {

Process& ServiceOf(Lab& lab, const std::string& node) {
  Lab::Node& n = lab.node(node);
  if (!n.service) throw SystemError::Plain(fmt::format("{} runs no service", node));
  return *n.service;
}

// SIGTERM or SIGKILL to the service. Clear: start a new one.
class ServiceKill : public NodeBoundFault {
 public:
  ServiceKill(std::string node, std::string signal)
      : NodeBoundFault(std::move(node)), signal_(signal) {}
  std::string Describe() const override {
    return fmt::format("SIG{} to haproxy on {}", signal_, node_);
  }
  void Inject(Lab& lab) override {
    ServiceOf(lab, node_).Signal(signal_ == "TERM" ? SIGTERM : SIGKILL);
  }
  void Clear(Lab& lab) override { lab.StartService(node_); }

 private:
  std::string signal_;
};

// A hung service: SIGSTOP to its whole process group (real haproxy's workers too). Connections
// queue in the kernel unanswered, so script checks time out; track_process still sees it.
class ServiceFreeze : public NodeBoundFault {
 public:
  explicit ServiceFreeze(std::string node) : NodeBoundFault(std::move(node)) {}
  std::string Describe() const override { return fmt::format("SIGSTOP to haproxy on {}", node_); }
  void Inject(Lab& lab) override { SignalGroup(lab, SIGSTOP); }
  void Clear(Lab& lab) override { SignalGroup(lab, SIGCONT); }

 private:
  void SignalGroup(Lab& lab, int signo) {
    const pid_t group = ServiceOf(lab, node_).pid();  // its own process group (see Process)
    CheckErrno(::kill(-group, signo), fmt::format("could not signal haproxy on {}", node_));
  }
};

// The stand-in keeps running but fails health checks: SIGUSR2 toggles refusing connections,
// SIGUSR1 toggles answering 503. Clear sends the same signal again.
class ServiceDegrade : public NodeBoundFault {
 public:
  ServiceDegrade(std::string node, std::string mode)
      : NodeBoundFault(std::move(node)), mode_(mode) {}
  std::string Describe() const override {
    return fmt::format("haproxy on {} {}", node_,
                       mode_ == "503" ? "answers 503" : "refuses connections");
  }
  void Inject(Lab& lab) override { Toggle(lab); }
  void Clear(Lab& lab) override { Toggle(lab); }

 private:
  void Toggle(Lab& lab) {
    if (lab.options().service != ServiceKind::kStandin) {
      throw InputError(
          "service-degrade needs the stand-in (it is not available with "
          "--service haproxy)");
    }
    ServiceOf(lab, node_).Signal(mode_ == "503" ? SIGUSR1 : SIGUSR2);
  }
  std::string mode_;
};

}  // namespace

std::unique_ptr<Fault> MakeServiceFault(const FaultSpec& spec, const std::string& node) {
  switch (spec.kind) {
    case FaultKind::kServiceKill:
      return std::make_unique<ServiceKill>(node, spec.signal);
    case FaultKind::kServiceFreeze:
      return std::make_unique<ServiceFreeze>(node);
    default:
      return std::make_unique<ServiceDegrade>(node, spec.degrade);
  }
}

}  // namespace viplab::faults
