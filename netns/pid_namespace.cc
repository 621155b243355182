#include "netns/pid_namespace.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "netns/error.h"

namespace viplab {
namespace {

constexpr const char* kOwnChildPidNs = "/proc/thread-self/ns/pid_for_children";

UniqueFd OpenOwnChildPidNamespace() {
  UniqueFd own(::open(kOwnChildPidNs, O_RDONLY | O_CLOEXEC));
  if (!own) throw SystemError::FromErrno(errno, fmt::format("could not open {}", kOwnChildPidNs));
  return own;
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

ChildPidNamespace ChildPidNamespace::Join(int pidns_fd) {
  UniqueFd own = OpenOwnChildPidNamespace();
  if (::setns(pidns_fd, CLONE_NEWPID) < 0) {
    throw SystemError::FromErrno(errno, "could not enter a PID namespace (setns CLONE_NEWPID)");
  }
  return ChildPidNamespace(std::move(own));
}

ChildPidNamespace ChildPidNamespace::New() {
  UniqueFd own = OpenOwnChildPidNamespace();
  if (::unshare(CLONE_NEWPID) < 0) {
    throw SystemError::FromErrno(errno, "could not create a PID namespace (unshare CLONE_NEWPID)");
  }
  return ChildPidNamespace(std::move(own));
}

void ChildPidNamespace::Restore() {
  if (!own_) return;
  if (::setns(own_.get(), CLONE_NEWPID) < 0) {
    throw SystemError::FromErrno(errno, "could not return to the harness's PID namespace");
  }
  own_.Reset();
}

ChildPidNamespace::~ChildPidNamespace() {
  if (!own_) return;
  if (::setns(own_.get(), CLONE_NEWPID) < 0) {
    std::fprintf(stderr, "viplab: fatal: could not return to the harness's PID namespace: %s\n",
                 ::strerrordesc_np(errno));
    std::abort();
  }
}

NamespaceId NamespaceIdOf(int ns_fd) {
  struct stat st {};
  if (::fstat(ns_fd, &st) < 0) throw SystemError::FromErrno(errno, "fstat on a namespace fd");
  return {st.st_dev, st.st_ino};
}

std::optional<NamespaceId> NamespaceIdOf(const std::string& ns_path) {
  struct stat st {};
  if (::stat(ns_path.c_str(), &st) < 0) return std::nullopt;
  return NamespaceId{st.st_dev, st.st_ino};
}

std::vector<pid_t> NestedPids(pid_t pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("NSpid:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    std::vector<pid_t> pids;
    long value = 0;
    while (fields >> value) pids.push_back(static_cast<pid_t>(value));
    return pids;
  }
  return {};
}

std::optional<pid_t> OuterPid(pid_t inner_pid, const NamespaceId& pidns,
                              const std::vector<pid_t>& candidates) {
  for (const pid_t candidate : candidates) {
    const auto ns = NamespaceIdOf(fmt::format("/proc/{}/ns/pid", candidate));
    if (!ns || !(*ns == pidns)) continue;
    const std::vector<pid_t> pids = NestedPids(candidate);
    if (!pids.empty() && pids.back() == inner_pid) return candidate;
  }
  return std::nullopt;
}

UniqueFd OpenNamespaceInit(pid_t pid, const std::string& comm) {
  const std::string what = fmt::format("process {}", pid);
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) throw SystemError::FromErrno(errno, fmt::format("could not open {}", what));
  const std::string name = ReadFirstLine(fmt::format("/proc/{}/comm", pid));
  const std::vector<pid_t> pids = NestedPids(pid);
  // Read after the pidfd was opened: if the process is still alive now, what was read was its.
  pollfd pfd{pidfd.get(), POLLIN, 0};
  if (::poll(&pfd, 1, 0) != 0) {
    throw SystemError::Plain(fmt::format("{} exited", what));
  }
  if (name != comm) {
    throw SystemError::Plain(fmt::format("{} is '{}', not {}", what, name, comm));
  }
  if (pids.size() < 2 || pids.back() != 1) {
    throw SystemError::Plain(
        fmt::format("{} is not PID 1 of a PID namespace nested in this one", what));
  }
  return pidfd;
}

pid_t PidOfPidfd(int pidfd) {
  std::ifstream info(fmt::format("/proc/self/fdinfo/{}", pidfd));
  std::string line;
  while (std::getline(info, line)) {
    if (line.rfind("Pid:", 0) != 0) continue;
    const long pid = std::strtol(line.c_str() + 4, nullptr, 10);
    return pid > 0 ? static_cast<pid_t>(pid) : -1;
  }
  return -1;
}

bool InsideNamespaceWithInit(const std::string& comm) {
  return NestedPids(::getpid()).size() >= 2 && ReadFirstLine("/proc/1/comm") == comm;
}

void EnterNamespacesOf(int pidfd) {
  if (::setns(pidfd, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWNET) < 0) {
    throw SystemError::FromErrno(errno, "could not enter the node's namespaces (setns)");
  }
}

}  // namespace viplab
