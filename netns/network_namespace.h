// NetworkNamespace: an RAII handle on a named network namespace, the kernel concept behind
// `ip netns`. Create() makes a new namespace and bind-mounts it at /run/netns/<name> (so
// `ip netns list` shows it for debugging); the destructor unmounts and unlinks it. Removal is
// idempotent (RemoveByName on a missing name is a no-op).
//
// Threads: setns(2) moves only the calling thread, and sockets stay bound to the namespace they
// were created in. Run() therefore executes a callable on a short-lived helper thread that has
// joined this namespace; use it to create sockets, then use those sockets from any thread. Run()
// is thread-safe and rethrows the callable's exception in the caller.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "netns/unique_fd.h"

namespace viplab {

inline constexpr std::string_view kNetnsRunDir = "/run/netns";

class NetworkNamespace {
 public:
  // Creates /run/netns/<name>. Throws SystemError (EEXIST when the name is taken).
  static NetworkNamespace Create(std::string name);
  // Opens an existing named namespace without taking ownership of its lifetime.
  static NetworkNamespace Open(std::string name);
  // Unmounts and unlinks /run/netns/<name> if present. Returns true if something was removed.
  static bool RemoveByName(std::string_view name);
  static bool Exists(std::string_view name);

  NetworkNamespace(NetworkNamespace&&) noexcept;
  NetworkNamespace& operator=(NetworkNamespace&&) noexcept;
  ~NetworkNamespace();  // removes the namespace if this handle owns it; never throws

  const std::string& name() const { return name_; }
  // An O_RDONLY|O_CLOEXEC fd on the namespace (valid for setns(fd, CLONE_NEWNET)).
  int fd() const { return fd_.get(); }
  std::string path() const;  // /run/netns/<name>

  // Runs `fn` on a thread that joined this namespace; returns when it finishes.
  void Run(const std::function<void()>& fn) const;
  // socket(2) inside this namespace.
  UniqueFd OpenSocket(int domain, int type, int protocol) const;

  // Removes now (idempotent); after this the handle is empty.
  void Remove();

 private:
  NetworkNamespace(std::string name, UniqueFd fd, bool owned)
      : name_(std::move(name)), fd_(std::move(fd)), owned_(owned) {}
  std::string name_;
  UniqueFd fd_;
  bool owned_ = false;
};

}  // namespace viplab
