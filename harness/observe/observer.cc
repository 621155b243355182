#include "harness/observe/observer.h"

#include <fcntl.h>
#include <fmt/format.h>

#include "netns/error.h"
#include "netns/network_namespace.h"

namespace viplab {

Observer::Observer(Timeline& timeline, Ipv4Prefix vip, std::string interface)
    : timeline_(timeline), vip_(vip), interface_(std::move(interface)) {
  // A netlink monitor or notify fifo that fails throws out of its callback, which stops the one
  // loop every observation runs on: from then on the timeline would freeze, so it fails instead.
  loop_.OnError([this](std::exception_ptr error) {
    timeline_.Fail("the observer stopped: " + ExceptionMessage(error));
  });
}

Observer::~Observer() { Stop(); }

void Observer::WatchNode(const std::string& node, const NetworkNamespace& ns) {
  // Link state is tracked per monitor so only changes (not every RTM_NEWLINK) become events.
  auto last_link = std::make_shared<std::optional<std::pair<bool, bool>>>();
  auto handler = [this, node, last_link](const NetlinkEvent& e) {
    using Kind = NetlinkEvent::Kind;
    if ((e.kind == Kind::kAddressAdded || e.kind == Kind::kAddressRemoved) &&
        e.address.address() == vip_.address()) {
      timeline_.Add(node,
                    e.kind == Kind::kAddressAdded ? event_kind::kVipAdded : event_kind::kVipRemoved,
                    e.address.ToString(), e.time);
    } else if (e.kind == Kind::kLinkChanged && e.ifname == interface_) {
      const std::pair<bool, bool> now{e.link_up, e.carrier};
      if (*last_link != now) {
        if (last_link->has_value()) {
          timeline_.Add(node, event_kind::kLink,
                        fmt::format("{} {}{}", e.ifname, e.link_up ? "up" : "down",
                                    e.link_up && !e.carrier ? " (no carrier)" : ""),
                        e.time);
        }
        *last_link = now;
      }
    }
  };
  monitors_.emplace_back(node, std::make_unique<NetlinkMonitor>(ns, loop_, handler));
}

void Observer::WatchNotifyFifo(const std::string& node, const std::filesystem::path& host_path) {
  fifos_.push_back(std::make_unique<NotifyFifo>(
      host_path, loop_, [this, node](const VrrpNotification& n, TimePoint t) {
        if (n.type != "INSTANCE") return;
        timeline_.Add(node, event_kind::kState, n.state, t);
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
