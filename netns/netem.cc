#include "netns/netem.h"

#include <fmt/format.h>
#include <linux/pkt_sched.h>
#include <netlink/netlink.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/tc.h>
#include <sched.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "netns/error.h"
#include "netns/host_guard.h"
#include "netns/link.h"
#include "netns/network_namespace.h"
#include "netns/nl_util.h"
#include "netns/route_socket.h"
#include "netns/run_on_thread.h"

namespace viplab {
namespace {

struct QdiscPut {
  void operator()(rtnl_qdisc* qdisc) const { rtnl_qdisc_put(qdisc); }
};
using QdiscPtr = std::unique_ptr<rtnl_qdisc, QdiscPut>;

// The kernel's answers when a qdisc kind is not built in and no module provides it.
bool MeansNoNetem(int err) { return err == ENOENT || err == EOPNOTSUPP; }

QdiscPtr MakeNetem(int ifindex, const NetemSpec& spec) {
  QdiscPtr qdisc(rtnl_qdisc_alloc());
  if (!qdisc) throw SystemError::FromErrno(ENOMEM, "could not allocate a netem qdisc");
  rtnl_tc_set_ifindex(TC_CAST(qdisc.get()), ifindex);
  rtnl_tc_set_parent(TC_CAST(qdisc.get()), TC_H_ROOT);
  if (const int err = rtnl_tc_set_kind(TC_CAST(qdisc.get()), "netem"); err < 0) {
    throw SystemError::FromLibnl(err, "libnl has no netem support");
  }
  // netem's loss is a probability scaled to 2^32 - 1 = 100 %; libnl passes the 32 bits through
  // an int parameter unchanged.
  const double scaled = spec.loss_percent / 100.0 * std::numeric_limits<uint32_t>::max();
  rtnl_netem_set_loss(qdisc.get(), static_cast<int>(static_cast<uint32_t>(std::llround(scaled))));
  // libnl takes microseconds.
  rtnl_netem_set_delay(qdisc.get(), static_cast<int>(spec.delay.count() * 1000));
  return qdisc;
}

// Probe body; runs on a thread that owns a fresh anonymous network namespace.
bool ProbeHere() {
  nl_sock* raw = nl_socket_alloc();
  if (raw == nullptr) throw SystemError::FromErrno(ENOMEM, "could not probe for netem");
  std::unique_ptr<nl_sock, void (*)(nl_sock*)> sock(raw, nl_socket_free);
  if (const int err = nl_connect(sock.get(), NETLINK_ROUTE); err < 0) {
    throw SystemError::FromLibnl(err, "could not probe for netem: no netlink socket");
  }
  internal::RecordKernelErrors(sock.get());
  constexpr int kLoopbackIfindex = 1;  // "lo" is always the first link of a new namespace
  QdiscPtr qdisc = MakeNetem(kLoopbackIfindex, NetemSpec{});
  internal::KernelErrnoScope scope;
  const int err = rtnl_qdisc_add(sock.get(), qdisc.get(), NLM_F_CREATE);
  if (err >= 0) return true;
  try {
    internal::ThrowNlError(err, "could not probe for netem");
  } catch (const SystemError& e) {
    if (e.source() == SystemError::Source::kErrno && MeansNoNetem(e.code())) return false;
    throw;
  }
}

int IfindexOrThrow(RouteSocket& sock, std::string_view ifname, std::string_view what) {
  const std::optional<int> ifindex = FindLink(sock, ifname);
  if (!ifindex) {
    throw SystemError::FromErrno(ENODEV, fmt::format("could not {} on '{}' in namespace '{}'", what,
                                                     ifname, sock.ns_name()));
  }
  return *ifindex;
}

}  // namespace

bool NetemAvailable() {
  static std::mutex mutex;
  static std::optional<bool> cached;
  std::lock_guard lock(mutex);
  if (!cached) {
    bool available = false;
    internal::RunOnThread([&] {
      // The thread's private namespace disappears with the thread (nothing else refers to it).
      if (::unshare(CLONE_NEWNET) < 0) {
        throw SystemError::FromErrno(errno, "could not probe for netem: no scratch namespace");
      }
      available = ProbeHere();
    });
    cached = available;
  }
  return *cached;
}

void AddNetem(const NetworkNamespace& ns, std::string_view ifname, const NetemSpec& spec) {
  if (!(spec.loss_percent >= 0 && spec.loss_percent <= 100)) {
    throw std::invalid_argument(
        fmt::format("netem loss must be 0..100 percent, not {}", spec.loss_percent));
  }
  if (spec.delay.count() < 0 || spec.delay > std::chrono::minutes(30)) {
    throw std::invalid_argument(
        fmt::format("netem delay must be 0 ms .. 30 min, not {} ms", spec.delay.count()));
  }
  RefuseHostNamespace(ns.fd(), ns.name());
  RouteSocket sock = RouteSocket::OpenIn(ns);
  const int ifindex = IfindexOrThrow(sock, ifname, "add a netem qdisc");  // locks on its own
  std::lock_guard lock(sock.mutex());
  QdiscPtr qdisc = MakeNetem(ifindex, spec);
  internal::KernelErrnoScope scope;
  if (const int err = rtnl_qdisc_add(sock.get(), qdisc.get(), NLM_F_CREATE | NLM_F_REPLACE);
      err < 0) {
    const std::string context =
        fmt::format("could not add a netem qdisc on '{}' in namespace '{}'", ifname, ns.name());
    try {
      internal::ThrowNlError(err, context);
    } catch (const SystemError& e) {
      if (e.source() == SystemError::Source::kErrno && MeansNoNetem(e.code())) {
        throw SystemError::FromErrno(
            e.code(), context +
                          " (this kernel has no sch_netem: CONFIG_NET_SCH_NETEM is off or "
                          "the module is missing)");
      }
      throw;
    }
  }
}

bool RemoveNetem(const NetworkNamespace& ns, std::string_view ifname) {
  RefuseHostNamespace(ns.fd(), ns.name());
  RouteSocket sock = RouteSocket::OpenIn(ns);
  const std::optional<int> ifindex = FindLink(sock, ifname);  // locks on its own
  if (!ifindex) return false;
  std::lock_guard lock(sock.mutex());
  const std::string context =
      fmt::format("could not remove the netem qdisc of '{}' in namespace '{}'", ifname, ns.name());
  nl_cache* raw_cache = nullptr;
  {
    internal::KernelErrnoScope scope;
    if (const int err = rtnl_qdisc_alloc_cache(sock.get(), &raw_cache); err < 0) {
      internal::ThrowNlError(err, context);
    }
  }
  internal::CachePtr cache(raw_cache);
  QdiscPtr root(rtnl_qdisc_get_by_parent(cache.get(), *ifindex, TC_H_ROOT));
  if (!root) return false;
  const char* kind = rtnl_tc_get_kind(TC_CAST(root.get()));
  if (kind == nullptr || std::string_view(kind) != "netem") return false;
  internal::KernelErrnoScope scope;
  if (const int err = rtnl_qdisc_delete(sock.get(), root.get()); err < 0) {
    internal::ThrowNlError(err, context);
  }
  return true;
}

}  // namespace viplab
