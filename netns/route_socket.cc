#include "netns/route_socket.h"

#include <fmt/format.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/netlink.h>

#include <cctype>
#include <cerrno>
#include <utility>

#include "netns/error.h"
#include "netns/network_namespace.h"
#include "netns/nl_util.h"

namespace viplab {
namespace internal {
namespace {

// Requests are synchronous: the error callback runs on the thread that sent the request.
thread_local int kernel_errno = 0;

int RecordError(sockaddr_nl* /*who*/, nlmsgerr* error, void* /*arg*/) {
  kernel_errno = -error->error;
  return NL_STOP;  // libnl's default behaviour: stop and return the (translated) error
}

}  // namespace

void RecordKernelErrors(nl_sock* sock) {
  nl_socket_modify_err_cb(sock, NL_CB_CUSTOM, RecordError, nullptr);
}

KernelErrnoScope::KernelErrnoScope() { kernel_errno = 0; }

void ThrowNlError(int code, std::string_view context) {
  const int err = std::exchange(kernel_errno, 0);
  if (err > 0) throw SystemError::FromErrno(err, context);
  throw SystemError::FromLibnl(code, context);
}

void ValidateLinkName(std::string_view name, std::string_view ns_name) {
  bool ok = !name.empty() && name.size() < IFNAMSIZ && name != "." && name != "..";
  for (char c : name) {
    if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c))) ok = false;
  }
  if (!ok) {
    throw SystemError::FromErrno(
        EINVAL, fmt::format("invalid link name '{}' in namespace '{}' (1..{} characters, no '/', "
                            "':' or spaces)",
                            name, ns_name, IFNAMSIZ - 1));
  }
}

}  // namespace internal

namespace {

nl_sock* Connect(const std::string& label) {
  nl_sock* sock = nl_socket_alloc();
  if (sock == nullptr) {
    throw SystemError::FromErrno(ENOMEM,
                                 fmt::format("could not open a netlink socket in '{}'", label));
  }
  // nl_connect creates the fd (with SOCK_CLOEXEC), so it must run in the target namespace.
  if (const int err = nl_connect(sock, NETLINK_ROUTE); err < 0) {
    nl_socket_free(sock);
    throw SystemError::FromLibnl(
        err, fmt::format("could not open a netlink socket in namespace '{}'", label));
  }
  internal::RecordKernelErrors(sock);
  return sock;
}

}  // namespace

RouteSocket::RouteSocket(nl_sock* sock, std::string ns_name)
    : sock_(sock), ns_name_(std::move(ns_name)), mutex_(std::make_unique<std::mutex>()) {}

RouteSocket RouteSocket::OpenIn(const NetworkNamespace& ns) {
  nl_sock* sock = nullptr;
  ns.Run([&] { sock = Connect(ns.name()); });
  return RouteSocket(sock, ns.name());
}

RouteSocket RouteSocket::OpenHere(std::string label) {
  nl_sock* sock = Connect(label);
  return RouteSocket(sock, std::move(label));
}

RouteSocket::RouteSocket(RouteSocket&& other) noexcept
    : sock_(std::exchange(other.sock_, nullptr)),
      ns_name_(std::move(other.ns_name_)),
      mutex_(std::move(other.mutex_)) {}

RouteSocket& RouteSocket::operator=(RouteSocket&& other) noexcept {
  if (this != &other) {
    if (sock_ != nullptr) nl_socket_free(sock_);
    sock_ = std::exchange(other.sock_, nullptr);
    ns_name_ = std::move(other.ns_name_);
    mutex_ = std::move(other.mutex_);
  }
  return *this;
}

RouteSocket::~RouteSocket() {
  if (sock_ != nullptr) nl_socket_free(sock_);  // closes the fd
}

}  // namespace viplab
