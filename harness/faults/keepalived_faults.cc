// Faults of keepalived itself: graceful stop, crash, hang, restart.
#include <fmt/format.h>
#include <signal.h>

#include <chrono>

#include "harness/faults/internal/catalog.h"
#include "harness/lab/lab.h"
#include "netns/error.h"

namespace viplab::faults {
namespace {

Keepalived& KeepalivedOf(Lab& lab, const std::string& node) {
  Lab::Node& n = lab.node(node);
  if (!n.keepalived) throw SystemError::Plain(fmt::format("{} runs no keepalived", node));
  return *n.keepalived;
}

pid_t VrrpChildOf(Lab& lab, const std::string& node) {
  const std::optional<pid_t> child = KeepalivedOf(lab, node).VrrpChildPid();
  if (!child) {
    throw SystemError::Plain(
        fmt::format("keepalived on {} has no VRRP child (no pid in its vrrp pidfile)", node));
  }
  return *child;
}

// SIGTERM: keepalived sends a priority-0 advert and removes the VIP. Clear: start it again.
class KeepalivedStop : public NodeBoundFault {
 public:
  explicit KeepalivedStop(std::string node) : NodeBoundFault(std::move(node)) {}
  std::string Describe() const override {
    return fmt::format("SIGTERM to keepalived on {} (graceful stop)", node_);
  }
  void Inject(Lab& lab) override {
    KeepalivedOf(lab, node_).process().Signal(SIGTERM);
    lab.node(node_).keepalived_stopping = true;
  }
  void Clear(Lab& lab) override { lab.StartKeepalived({node_}); }
};

// A crash: SIGKILL to the VRRP child first, then the parent (killing only the parent makes the
// child stop gracefully). No priority-0 advert; the VIP stays configured on the node, which is
// alive (its kernel answers ARP for the VIP): once a backup takes over, a real split brain, as in
// production. Not a node crash: the node keeps owning what it holds.
class KeepalivedCrash : public NodeBoundFault {
 public:
  explicit KeepalivedCrash(std::string node) : NodeBoundFault(std::move(node)) {}
  std::string Describe() const override {
    return fmt::format("SIGKILL to keepalived's VRRP child and parent on {} (crash)", node_);
  }
  void Inject(Lab& lab) override {
    const pid_t child = VrrpChildOf(lab, node_);
    CheckErrno(::kill(child, SIGKILL),
               fmt::format("could not kill keepalived's VRRP child on {}", node_));
    KeepalivedOf(lab, node_).process().Signal(SIGKILL);
  }
  void Clear(Lab& lab) override { lab.StartKeepalived({node_}); }
};

// A hung VRRP process: SIGSTOP to the VRRP child. It sends no adverts and keeps the VIP.
class KeepalivedFreeze : public NodeBoundFault {
 public:
  explicit KeepalivedFreeze(std::string node) : NodeBoundFault(std::move(node)) {}
  std::string Describe() const override {
    return fmt::format("SIGSTOP to keepalived's VRRP child on {} (hung)", node_);
  }
  void Inject(Lab& lab) override {
    child_ = VrrpChildOf(lab, node_);
    CheckErrno(::kill(child_, SIGSTOP), fmt::format("could not stop keepalived on {}", node_));
  }
  void Clear(Lab&) override {
    if (child_ > 0) {
      CheckErrno(::kill(child_, SIGCONT), fmt::format("could not resume keepalived on {}", node_));
    }
  }

 private:
  pid_t child_ = -1;
};

// A restart as an operator does it: graceful stop, wait for the exit, start again.
class KeepalivedRestart : public NodeBoundFault {
 public:
  explicit KeepalivedRestart(std::string node) : NodeBoundFault(std::move(node)) {}
  std::string Describe() const override { return fmt::format("keepalived restart on {}", node_); }
  void Inject(Lab& lab) override {
    KeepalivedOf(lab, node_).process().Signal(SIGTERM);
    lab.node(node_).keepalived_stopping = true;
    lab.StartKeepalived({node_});
  }
  void Clear(Lab&) override {}  // nothing left to undo
};

}  // namespace

std::unique_ptr<Fault> MakeKeepalivedFault(const FaultSpec& spec, const std::string& node) {
  switch (spec.kind) {
    case FaultKind::kKeepalivedStop:
      return std::make_unique<KeepalivedStop>(node);
    case FaultKind::kKeepalivedCrash:
      return std::make_unique<KeepalivedCrash>(node);
    case FaultKind::kKeepalivedFreeze:
      return std::make_unique<KeepalivedFreeze>(node);
    default:
      return std::make_unique<KeepalivedRestart>(node);
  }
}

}  // namespace viplab::faults
