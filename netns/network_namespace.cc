#include "netns/network_namespace.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

#include "netns/error.h"
#include "netns/run_on_thread.h"

namespace viplab {
namespace {

std::string PathOf(std::string_view name) { return fmt::format("{}/{}", kNetnsRunDir, name); }

void ValidateName(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos ||
      name.size() > NAME_MAX) {
    throw SystemError::FromErrno(EINVAL, fmt::format("invalid network namespace name '{}'", name));
  }
}

// Like iproute2: /run/netns must be a mount point with shared propagation, so that a namespace
// bind-mounted here shows up (and, on removal, disappears) in every mount namespace that is a
// peer of this one. If it is not a mount point yet, mount("", MS_SHARED) fails with EINVAL; bind
// it on itself and retry. Done once per process (nothing in viplab ever unmounts /run/netns).
void EnsureRunDir() {
  static std::mutex mutex;
  static bool done = false;
  std::lock_guard lock(mutex);
  if (done) return;
  const std::string dir(kNetnsRunDir);
  if (::mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST) {
    throw SystemError::FromErrno(errno, fmt::format("could not create {}", dir));
  }
  bool bound = false;
  while (::mount("", dir.c_str(), "none", MS_SHARED | MS_REC, nullptr) < 0) {
    if (errno != EINVAL || bound) {
      throw SystemError::FromErrno(errno, fmt::format("could not make {} a shared mount", dir));
    }
    if (::mount(dir.c_str(), dir.c_str(), "none", MS_BIND | MS_REC, nullptr) < 0) {
      throw SystemError::FromErrno(errno, fmt::format("could not bind-mount {} on itself", dir));
    }
    bound = true;
  }
  done = true;
}

}  // namespace

NetworkNamespace NetworkNamespace::Create(std::string name) {
  ValidateName(name);
  EnsureRunDir();
  const std::string path = PathOf(name);

  // O_EXCL: the name is ours or we fail with EEXIST, never share a namespace by accident.
  const int file = ::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (file < 0) {
    throw SystemError::FromErrno(errno,
                                 fmt::format("could not create network namespace '{}'", name));
  }
  ::close(file);

  UniqueFd fd;
  try {
    // unshare(CLONE_NEWNET) moves only the calling thread, so do it on a throw-away thread and
    // pin the new namespace by bind-mounting that thread's nsfs file onto /run/netns/<name>.
    internal::RunOnThread([&] {
      if (::unshare(CLONE_NEWNET) < 0) {
        throw SystemError::FromErrno(errno,
                                     fmt::format("could not create network namespace '{}'", name));
      }
      if (::mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) < 0) {
        throw SystemError::FromErrno(
            errno, fmt::format("could not bind-mount network namespace '{}' on {}", name, path));
      }
      fd.Reset(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
      if (!fd) {
        throw SystemError::FromErrno(errno,
                                     fmt::format("could not open network namespace '{}'", name));
      }
    });
  } catch (...) {
    ::umount2(path.c_str(), MNT_DETACH);  // fails harmlessly (EINVAL) when nothing was mounted
    ::unlink(path.c_str());
    throw;
  }
  return NetworkNamespace(std::move(name), std::move(fd), /*owned=*/true);
}

NetworkNamespace NetworkNamespace::Open(std::string name) {
  ValidateName(name);
  const std::string path = PathOf(name);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    throw SystemError::FromErrno(errno, fmt::format("could not open network namespace '{}'", name));
  }
  // A file left behind without its mount (e.g. after a crash) is not a namespace.
  if (::ioctl(fd.get(), NS_GET_NSTYPE) != CLONE_NEWNET) {
    throw SystemError::FromErrno(
        EINVAL, fmt::format("could not open network namespace '{}': {} is not a network namespace",
                            name, path));
  }
  return NetworkNamespace(std::move(name), std::move(fd), /*owned=*/false);
}

bool NetworkNamespace::RemoveByName(std::string_view name) {
  ValidateName(name);
  const std::string path = PathOf(name);
  bool removed = false;
  // Loop in case the file was mounted over more than once; MNT_DETACH so that a process still
  // holding the namespace open does not make removal fail (the namespace dies with its last user).
  for (int i = 0; i < 16; ++i) {
    if (::umount2(path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) {
      removed = true;
      continue;
    }
    if (errno == EINVAL || errno == ENOENT) break;  // not (or no longer) a mount point
    throw SystemError::FromErrno(errno,
                                 fmt::format("could not unmount network namespace '{}'", name));
  }
  if (::unlink(path.c_str()) == 0) {
    removed = true;
  } else if (errno != ENOENT) {
    throw SystemError::FromErrno(errno,
                                 fmt::format("could not remove network namespace '{}'", name));
  }
  return removed;
}

bool NetworkNamespace::Exists(std::string_view name) {
  ValidateName(name);
  struct stat st {};
  return ::lstat(PathOf(name).c_str(), &st) == 0;
}

NetworkNamespace::NetworkNamespace(NetworkNamespace&& other) noexcept
    : name_(std::move(other.name_)),
      fd_(std::move(other.fd_)),
      owned_(std::exchange(other.owned_, false)) {
  other.name_.clear();
}

NetworkNamespace& NetworkNamespace::operator=(NetworkNamespace&& other) noexcept {
  if (this != &other) {
    if (owned_) {
      try {
        RemoveByName(name_);
      } catch (...) {
        // Destructor semantics: never throw; a leftover name is reported by `viplab clean`.
      }
    }
    name_ = std::move(other.name_);
    other.name_.clear();
    fd_ = std::move(other.fd_);
    owned_ = std::exchange(other.owned_, false);
  }
  return *this;
}

NetworkNamespace::~NetworkNamespace() {
  if (!owned_ || name_.empty()) return;
  try {
    RemoveByName(name_);
  } catch (...) {
    // Never throw from a destructor; a leftover name is reported by `viplab clean`.
  }
}

std::string NetworkNamespace::path() const { return PathOf(name_); }

void NetworkNamespace::Run(const std::function<void()>& fn) const {
  if (!fd_) throw SystemError::Plain("cannot run in a removed network namespace handle");
  const int fd = fd_.get();
  internal::RunOnThread([&] {
    if (::setns(fd, CLONE_NEWNET) < 0) {
      throw SystemError::FromErrno(errno,
                                   fmt::format("could not enter network namespace '{}'", name_));
    }
    fn();
  });
}

// SOCK_CLOEXEC is always added: viplab starts daemons, which must not inherit these sockets.
UniqueFd NetworkNamespace::OpenSocket(int domain, int type, int protocol) const {
  UniqueFd sock;
  Run([&] {
    sock.Reset(::socket(domain, type | SOCK_CLOEXEC, protocol));
    if (!sock) {
      throw SystemError::FromErrno(
          errno, fmt::format("could not open a socket in network namespace '{}'", name_));
    }
  });
  return sock;
}

// Removes the namespace even when this handle came from Open(): an explicit request wins.
void NetworkNamespace::Remove() {
  if (!name_.empty()) RemoveByName(name_);
  name_.clear();
  fd_.Reset();
  owned_ = false;
}

}  // namespace viplab
