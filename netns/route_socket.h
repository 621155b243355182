// RouteSocket: a libnl-route (NETLINK_ROUTE) socket created inside one network namespace. All
// link and address operations of that namespace go through it, from any thread (one call at a
// time: the socket is guarded by a mutex). Move-only; frees the nl_sock in its destructor.
#pragma once

#include <memory>
#include <mutex>
#include <string>

struct nl_sock;

namespace viplab {

class NetworkNamespace;

class RouteSocket {
 public:
  // Opens and connects a NETLINK_ROUTE socket inside `ns`.
  static RouteSocket OpenIn(const NetworkNamespace& ns);
  // A socket in the caller's current namespace (tests, benchmarks).
  static RouteSocket OpenHere(std::string label);

  RouteSocket(RouteSocket&&) noexcept;
  RouteSocket& operator=(RouteSocket&&) noexcept;
  ~RouteSocket();

  // The namespace name, used in error messages ("in namespace 'vl-3-sw'").
  const std::string& ns_name() const { return ns_name_; }
  nl_sock* get() const { return sock_; }
  std::mutex& mutex() const { return *mutex_; }

 private:
  RouteSocket(nl_sock* sock, std::string ns_name);
  nl_sock* sock_ = nullptr;
  std::string ns_name_;
  std::unique_ptr<std::mutex> mutex_;
};

}  // namespace viplab
