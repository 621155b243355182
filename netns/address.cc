#include "netns/address.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "netns/error.h"
#include "netns/nl_util.h"
#include "netns/route_socket.h"

namespace viplab {
namespace {

using internal::AddrPtr;
using internal::CachePtr;
using internal::KernelErrnoScope;
using internal::NlAddrPtr;
using internal::ThrowNlError;

// ifindex of `ifname`, or 0 when there is no such link. Caller holds the socket mutex.
int IndexLocked(RouteSocket& sock, std::string_view ifname, std::string_view context) {
  internal::ValidateLinkName(ifname, sock.ns_name());
  const std::string name(ifname);
  rtnl_link* link = nullptr;
  KernelErrnoScope scope;
  const int err = rtnl_link_get_kernel(sock.get(), 0, name.c_str(), &link);
  if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) return 0;
  if (err < 0) ThrowNlError(err, context);
  const int index = rtnl_link_get_ifindex(link);
  rtnl_link_put(link);
  return index;
}

NlAddrPtr BuildAddr(Ipv4Address address, int prefix_length) {
  const in_addr in = address.ToInAddr();
  NlAddrPtr addr(nl_addr_build(AF_INET, &in, sizeof(in)));
  if (!addr) throw SystemError::FromErrno(ENOMEM, "could not build a netlink address");
  nl_addr_set_prefixlen(addr.get(), prefix_length);
  return addr;
}

// An rtnl_addr naming `prefix` on link `index`: enough for RTM_NEWADDR and RTM_DELADDR.
AddrPtr BuildRtnlAddr(int index, const Ipv4Prefix& prefix, std::string_view context) {
  AddrPtr addr(rtnl_addr_alloc());
  if (!addr) throw SystemError::FromErrno(ENOMEM, context);
  rtnl_addr_set_ifindex(addr.get(), index);
  rtnl_addr_set_family(addr.get(), AF_INET);
  NlAddrPtr local = BuildAddr(prefix.address(), prefix.length());
  if (const int err = rtnl_addr_set_local(addr.get(), local.get()); err < 0) {
    throw SystemError::FromLibnl(err, context);
  }
  rtnl_addr_set_prefixlen(addr.get(), prefix.length());
  return addr;
}

}  // namespace

void AddAddress(RouteSocket& sock, std::string_view ifname, const Ipv4Prefix& prefix) {
  const std::string context = fmt::format("could not add address {} to '{}' in namespace '{}'",
                                          prefix.ToString(), ifname, sock.ns_name());
  std::lock_guard lock(sock.mutex());
  const int index = IndexLocked(sock, ifname, context);
  if (index == 0) throw SystemError::FromErrno(ENODEV, context);
  AddrPtr addr = BuildRtnlAddr(index, prefix, context);
  // Like `ip addr add ... brd +`: set the broadcast address where a subnet has one.
  if (prefix.length() <= 30) {
    NlAddrPtr broadcast = BuildAddr(prefix.Broadcast(), 32);
    rtnl_addr_set_broadcast(addr.get(), broadcast.get());
  }
  KernelErrnoScope scope;
  // NLM_F_EXCL: an existing identical address is an error (EEXIST), not a silent success.
  if (const int err = rtnl_addr_add(sock.get(), addr.get(), NLM_F_EXCL); err < 0) {
    ThrowNlError(err, context);
  }
}

bool RemoveAddress(RouteSocket& sock, std::string_view ifname, const Ipv4Prefix& prefix) {
  const std::string context = fmt::format("could not remove address {} from '{}' in namespace '{}'",
                                          prefix.ToString(), ifname, sock.ns_name());
  std::lock_guard lock(sock.mutex());
  const int index = IndexLocked(sock, ifname, context);
  if (index == 0) return false;  // no link, so no address either
  AddrPtr addr = BuildRtnlAddr(index, prefix, context);
  KernelErrnoScope scope;
  const int err = rtnl_addr_delete(sock.get(), addr.get(), 0);
  if (err == -NLE_NOADDR) return false;  // EADDRNOTAVAIL: not configured
  if (err < 0) ThrowNlError(err, context);
  return true;
}

std::vector<Ipv4Prefix> ListAddresses(RouteSocket& sock, std::string_view ifname) {
  const std::string context =
      fmt::format("could not list the addresses of '{}' in namespace '{}'", ifname, sock.ns_name());
  std::lock_guard lock(sock.mutex());
  const int index = IndexLocked(sock, ifname, context);
  if (index == 0) throw SystemError::FromErrno(ENODEV, context);

  nl_cache* raw_cache = nullptr;
  KernelErrnoScope scope;
  if (const int err = rtnl_addr_alloc_cache(sock.get(), &raw_cache); err < 0) {
    ThrowNlError(err, context);
  }
  CachePtr cache(raw_cache);

  std::vector<Ipv4Prefix> result;
  for (nl_object* obj = nl_cache_get_first(cache.get()); obj != nullptr;
       obj = nl_cache_get_next(obj)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(obj);
    if (rtnl_addr_get_family(addr) != AF_INET || rtnl_addr_get_ifindex(addr) != index) continue;
    nl_addr* local = rtnl_addr_get_local(addr);
    if (local == nullptr || nl_addr_get_len(local) != sizeof(in_addr)) continue;
    in_addr in{};
    std::memcpy(&in, nl_addr_get_binary_addr(local), sizeof(in));
    result.emplace_back(Ipv4Address(ntohl(in.s_addr)), rtnl_addr_get_prefixlen(addr));
  }
  return result;
}

}  // namespace viplab
