#include "harness/observe/observer.h"

#include <fcntl.h>
#include <fmt/format.h>

#include "netns/error.h"
#include "netns/network_namespace.h"

namespace viplab {

Observer::Observer(Timeline& timeline, const Scenario& scenario)
    : timeline_(timeline), default_interface_(scenario.interface) {
  for (const VipRef& ref : AllVips(scenario)) vips_.insert(ref.vip->address.address());
  // A Scenario built in code without a deployment: its single-instance fields.
  if (vips_.empty()) vips_.insert(scenario.vip.address());
  for (const NodeSpec& node : scenario.nodes) {
    std::set<std::string>& names = interfaces_[node.name];
    for (const InterfaceSpec& i : node.interfaces) names.insert(i.name);
    if (names.empty()) names.insert(scenario.interface);
  }
  timeline_.SetScope(ScopeOf(scenario));
  // A netlink monitor or notify fifo that fails throws out of its callback, which stops the one
  // loop every observation runs on: from then on the timeline would freeze, so it fails instead.
  loop_.OnError([this](std::exception_ptr error) {
    timeline_.Fail("the observer stopped: " + ExceptionMessage(error));
  });
}

Observer::~Observer() { Stop(); }

void Observer::WatchNode(const std::string& node, const NetworkNamespace& ns) {
  // Link state is tracked per interface so only changes (not every RTM_NEWLINK) become events.
  using LinkState = std::pair<bool, bool>;  // up, carrier
  auto last_link = std::make_shared<std::map<std::string, LinkState>>();
  const auto known = interfaces_.find(node);
  const std::set<std::string> interfaces =
      known != interfaces_.end() ? known->second : std::set<std::string>{default_interface_};
  auto handler = [this, node, last_link, interfaces](const NetlinkEvent& e) {
    using Kind = NetlinkEvent::Kind;
    if ((e.kind == Kind::kAddressAdded || e.kind == Kind::kAddressRemoved) &&
        vips_.count(e.address.address())) {
      TimelineEvent event(
          e.time, node,
          e.kind == Kind::kAddressAdded ? event_kind::kVipAdded : event_kind::kVipRemoved,
          e.address.ToString());
      event.vip = e.address.address().ToString();
      timeline_.Add(std::move(event));
    } else if (e.kind == Kind::kLinkChanged && interfaces.count(e.ifname)) {
      const LinkState now{e.link_up, e.carrier};
      auto [it, first] = last_link->try_emplace(e.ifname, now);
      if (first || it->second == now) return;
      it->second = now;
      timeline_.Add(node, event_kind::kLink,
                    fmt::format("{} {}{}", e.ifname, e.link_up ? "up" : "down",
                                e.link_up && !e.carrier ? " (no carrier)" : ""),
                    e.time);
    }
  };
  monitors_.emplace_back(node, std::make_unique<NetlinkMonitor>(ns, loop_, handler));
}

void Observer::WatchNotifyFifo(const std::string& node, const std::filesystem::path& host_path) {
  fifos_.push_back(std::make_unique<NotifyFifo>(
      host_path, loop_, [this, node](const VrrpNotification& n, TimePoint t) {
        if (n.type == "INSTANCE") {
          timeline_.Add(TimelineEvent(t, node, event_kind::kState, n.state, n.name));
        } else if (n.type == "GROUP") {
          timeline_.Add(node, event_kind::kNote, fmt::format("sync group {}: {}", n.name, n.state),
                        t);
        }
      }));
}

void Observer::WatchProcessExit(const std::string& node, const std::string& what, int pidfd) {
  // Our own duplicate: the process object may close its pidfd (restarted daemons) and the number
  // be reused while this watch is still registered.
  UniqueFd own(static_cast<int>(
      CheckErrno(::fcntl(pidfd, F_DUPFD_CLOEXEC, 3), "could not duplicate a pidfd")));
  const int fd = own.get();
  {
    std::lock_guard lock(pidfds_mutex_);
    pidfds_.emplace(fd, std::move(own));
  }
  loop_.Add(fd, [this, node, what, fd](uint32_t) {
    timeline_.Add(node, event_kind::kProcessExit, fmt::format("{} exited", what));
    loop_.Remove(fd);  // a pidfd stays readable; one event is all we want
    std::lock_guard lock(pidfds_mutex_);
    pidfds_.erase(fd);
  });
}

void Observer::WatchInterrupt(int event_fd) {
  loop_.Add(
      event_fd, [this](uint32_t) { timeline_.Interrupt(); }, EPOLLIN | EPOLLET);
}

std::string Observer::error() const { return ExceptionMessage(loop_.last_error()); }

void Observer::Start() {
  for (auto& [node, monitor] : monitors_) monitor->Start();
  loop_.Start();
  started_ = true;
}

void Observer::Stop() {
  if (!started_) return;
  started_ = false;
  loop_.Stop();
  monitors_.clear();
  fifos_.clear();
}

}  // namespace viplab
