// Internal helpers (not part of the public netns API) shared by the libnl-based sources:
// owning pointers for libnl objects and error reporting that keeps the kernel's own errno.
#pragma once

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include <memory>
#include <string_view>

namespace viplab::internal {

struct LinkPut {
  void operator()(rtnl_link* link) const { rtnl_link_put(link); }
};
struct AddrPut {
  void operator()(rtnl_addr* addr) const { rtnl_addr_put(addr); }
};
struct NlAddrPut {
  void operator()(nl_addr* addr) const { nl_addr_put(addr); }
};
struct CacheFree {
  void operator()(nl_cache* cache) const { nl_cache_free(cache); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkPut>;
using AddrPtr = std::unique_ptr<rtnl_addr, AddrPut>;
using NlAddrPtr = std::unique_ptr<nl_addr, NlAddrPut>;
using CachePtr = std::unique_ptr<nl_cache, CacheFree>;

// libnl folds kernel errors into its own codes (EEXIST becomes "Object exists"). RouteSocket
// installs an error callback that records the kernel's errno for the calling thread, so errors
// read like the kernel's ("File exists") and SystemError::code() is a real errno.
void RecordKernelErrors(nl_sock* sock);

// Clears the recorded errno on construction; create one before each request.
class KernelErrnoScope {
 public:
  KernelErrnoScope();
  KernelErrnoScope(const KernelErrnoScope&) = delete;
  KernelErrnoScope& operator=(const KernelErrnoScope&) = delete;
};

// Throws SystemError for a failed libnl call: FromErrno with the kernel's errno when the kernel
// reported one, FromLibnl(code) otherwise.
[[noreturn]] void ThrowNlError(int code, std::string_view context);

// Throws SystemError(EINVAL) unless `name` is a valid interface name (1..15 characters, no '/'
// or whitespace).
void ValidateLinkName(std::string_view name, std::string_view ns_name);

}  // namespace viplab::internal
