#include "netns/host_guard.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>

#include "netns/error.h"

namespace viplab {
namespace {

// Namespaces are identified by the (device, inode) of their nsfs file.
bool SameNamespace(const struct stat& ns, const char* path) {
  struct stat other {};
  if (::stat(path, &other) < 0) return false;  // e.g. /proc/1 hidden: nothing to compare
  return ns.st_dev == other.st_dev && ns.st_ino == other.st_ino;
}

}  // namespace

void RefuseHostNamespace(int ns_fd, std::string_view ns_name) {
  struct stat ns {};
  if (::fstat(ns_fd, &ns) < 0) {
    throw SystemError::FromErrno(errno,
                                 fmt::format("could not inspect network namespace '{}'", ns_name));
  }
  if (SameNamespace(ns, "/proc/self/ns/net") || SameNamespace(ns, "/proc/1/ns/net")) {
    throw SystemError::FromErrno(
        EPERM, fmt::format("refusing to change network namespace '{}': it is the host's own "
                           "network namespace",
                           ns_name));
  }
}

}  // namespace viplab
