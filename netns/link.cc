#include "netns/link.h"

#include <fmt/format.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>

#include <cerrno>
#include <mutex>

#include "netns/error.h"
#include "netns/nl_util.h"
#include "netns/route_socket.h"

namespace viplab {
namespace {

using internal::KernelErrnoScope;
using internal::LinkPtr;
using internal::ThrowNlError;
using internal::ValidateLinkName;

bool IsNotFound(int err) { return err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV; }

// RTM_GETLINK by name; null when there is no such link. Caller holds the socket mutex.
LinkPtr GetLinkLocked(RouteSocket& sock, std::string_view name, std::string_view what) {
  ValidateLinkName(name, sock.ns_name());
  const std::string n(name);
  rtnl_link* link = nullptr;
  KernelErrnoScope scope;
  const int err = rtnl_link_get_kernel(sock.get(), 0, n.c_str(), &link);
  if (IsNotFound(err)) return nullptr;
  if (err < 0) {
    ThrowNlError(
        err, fmt::format("could not {} link '{}' in namespace '{}'", what, name, sock.ns_name()));
  }
  return LinkPtr(link);
}

LinkPtr AllocLink(rtnl_link* link, std::string_view name, std::string_view ns) {
  if (link == nullptr) {
    throw SystemError::FromErrno(
        ENOMEM, fmt::format("could not create link '{}' in namespace '{}'", name, ns));
  }
  return LinkPtr(link);
}

}  // namespace

void CreateBridge(RouteSocket& sock, std::string_view name) {
  ValidateLinkName(name, sock.ns_name());
  std::lock_guard lock(sock.mutex());
  LinkPtr link = AllocLink(rtnl_link_bridge_alloc(), name, sock.ns_name());
  rtnl_link_set_name(link.get(), std::string(name).c_str());
  // Up in the same request. STP stays off: that is the kernel's default for a new bridge
  // (libnl 3.7 has no setter for IFLA_BR_STP_STATE), so ports forward as soon as they are up.
  rtnl_link_set_flags(link.get(), IFF_UP);
  KernelErrnoScope scope;
  if (const int err = rtnl_link_add(sock.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0) {
    ThrowNlError(
        err, fmt::format("could not create bridge '{}' in namespace '{}'", name, sock.ns_name()));
  }
}

void CreateVethPair(RouteSocket& sock, const VethSpec& spec) {
  ValidateLinkName(spec.name, sock.ns_name());
  ValidateLinkName(spec.peer_name, sock.ns_name());
  const std::string context =
      fmt::format("could not create veth '{}' in namespace '{}'", spec.name, sock.ns_name());
  std::lock_guard lock(sock.mutex());

  int master_index = 0;
  if (spec.master) {
    LinkPtr master = GetLinkLocked(sock, *spec.master, "find bridge");
    if (!master) {
      throw SystemError::FromErrno(ENODEV,
                                   fmt::format("{}: no bridge '{}'", context, *spec.master));
    }
    master_index = rtnl_link_get_ifindex(master.get());
  }

  // The kernel configures (and so brings up) a veth's peer before tying the two ends together,
  // so IFF_UP on the peer fails with ENOTCONN. Hence the request is built "reversed": the
  // remote end (`peer_name`) is the main device, created directly in its namespace through
  // IFLA_NET_NS_FD and brought up there after the pairing; the kernel peer is `name`, which
  // stays in this namespace where a second request on this socket enslaves it and sets it up.
  LinkPtr remote = AllocLink(rtnl_link_veth_alloc(), spec.peer_name, sock.ns_name());
  LinkPtr local(rtnl_link_veth_get_peer(remote.get()));  // takes a reference
  rtnl_link_set_name(remote.get(), spec.peer_name.c_str());
  rtnl_link_set_name(local.get(), spec.name.c_str());
  if (spec.peer_ns_fd >= 0) rtnl_link_set_ns_fd(remote.get(), spec.peer_ns_fd);
  if (spec.up) rtnl_link_set_flags(remote.get(), IFF_UP);
  {
    KernelErrnoScope scope;
    const int err = rtnl_link_add(sock.get(), remote.get(), NLM_F_CREATE | NLM_F_EXCL);
    if (err < 0) ThrowNlError(err, context);
  }
  if (master_index == 0 && !spec.up) return;

  LinkPtr orig = AllocLink(rtnl_link_alloc(), spec.name, sock.ns_name());
  LinkPtr change = AllocLink(rtnl_link_alloc(), spec.name, sock.ns_name());
  rtnl_link_set_name(change.get(), spec.name.c_str());
  if (master_index > 0) rtnl_link_set_master(change.get(), master_index);
  if (spec.up) rtnl_link_set_flags(change.get(), IFF_UP);
  KernelErrnoScope scope;
  if (const int err = rtnl_link_change(sock.get(), orig.get(), change.get(), 0); err < 0) {
    try {
      ThrowNlError(err, fmt::format("{}: could not {}", context,
                                    master_index > 0 ? "enslave it and set it up" : "set it up"));
    } catch (...) {
      // No half-made pair: deleting one end deletes both.
      LinkPtr doomed = AllocLink(rtnl_link_alloc(), spec.name, sock.ns_name());
      rtnl_link_set_name(doomed.get(), spec.name.c_str());
      rtnl_link_delete(sock.get(), doomed.get());
      throw;
    }
  }
}

void SetLinkUp(RouteSocket& sock, std::string_view name, bool up) {
  ValidateLinkName(name, sock.ns_name());
  std::lock_guard lock(sock.mutex());
  // An empty `orig` (ifindex 0) plus IFLA_IFNAME in `change`: the kernel finds the link by name,
  // so this is one request. ifi_change = IFF_UP leaves every other flag alone.
  LinkPtr orig = AllocLink(rtnl_link_alloc(), name, sock.ns_name());
  LinkPtr change = AllocLink(rtnl_link_alloc(), name, sock.ns_name());
  rtnl_link_set_name(change.get(), std::string(name).c_str());
  if (up) {
    rtnl_link_set_flags(change.get(), IFF_UP);
  } else {
    rtnl_link_unset_flags(change.get(), IFF_UP);
  }
  KernelErrnoScope scope;
  if (const int err = rtnl_link_change(sock.get(), orig.get(), change.get(), 0); err < 0) {
    ThrowNlError(err, fmt::format("could not set link '{}' {} in namespace '{}'", name,
                                  up ? "up" : "down", sock.ns_name()));
  }
}

std::optional<int> FindLink(RouteSocket& sock, std::string_view name) {
  std::lock_guard lock(sock.mutex());
  LinkPtr link = GetLinkLocked(sock, name, "look up");
  if (!link) return std::nullopt;
  return rtnl_link_get_ifindex(link.get());
}

bool IsLinkUp(RouteSocket& sock, std::string_view name) {
  std::lock_guard lock(sock.mutex());
  LinkPtr link = GetLinkLocked(sock, name, "look up");
  if (!link) {
    throw SystemError::FromErrno(
        ENODEV, fmt::format("could not find link '{}' in namespace '{}'", name, sock.ns_name()));
  }
  return (rtnl_link_get_flags(link.get()) & IFF_UP) != 0;
}

bool DeleteLink(RouteSocket& sock, std::string_view name) {
  ValidateLinkName(name, sock.ns_name());
  std::lock_guard lock(sock.mutex());
  LinkPtr link = AllocLink(rtnl_link_alloc(), name, sock.ns_name());
  rtnl_link_set_name(link.get(), std::string(name).c_str());  // RTM_DELLINK by IFLA_IFNAME
  KernelErrnoScope scope;
  const int err = rtnl_link_delete(sock.get(), link.get());
  if (IsNotFound(err)) return false;
  if (err < 0) {
    ThrowNlError(err,
                 fmt::format("could not delete link '{}' in namespace '{}'", name, sock.ns_name()));
  }
  return true;
}

}  // namespace viplab
