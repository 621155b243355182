// PID namespaces of lab nodes (issue 10 certify: "checks see only their node").
//
// A node's PID namespace has viplab-init as PID 1 (daemon/init/main.cc). The kernel rules this
// file builds on (pid_namespaces(7), setns(2), unshare(2)):
//  - setns(fd, CLONE_NEWPID) and unshare(CLONE_NEWPID) never move the caller: they set the
//    calling *thread's* "PID namespace for children", so only children forked afterwards by that
//    thread land in it. ChildPidNamespace does exactly that around one fork and moves the thread
//    back (entering the caller's own active namespace is always allowed).
//  - The first child forked after unshare(CLONE_NEWPID) is PID 1 of the new namespace; when it
//    exits, the kernel SIGKILLs every other process in the namespace.
//  - A child in another PID namespace is still the forking process's child: waitpid, pidfds,
//    cgroups and signals from the harness work with its pid in the harness's namespace.
//  - /proc/<pid>/status "NSpid:" lists a process's pid in each namespace from the reader's
//    inwards, so a pid written by a process inside (a pid file) maps back to the harness's view.
//  - setns(pidfd, CLONE_NEWPID | CLONE_NEWNS | ...) (Linux 5.8) enters several namespaces of one
//    process atomically; the PID namespace again applies to the caller's next child only.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "netns/unique_fd.h"

namespace viplab {

// Moves the calling thread's PID namespace for children while it lives (see above). Create it,
// fork, then Restore() on the same thread. Move-only; it belongs to the thread that made it.
class ChildPidNamespace {
 public:
  // Children forked meanwhile join the PID namespace that `pidns_fd` refers to (an fd on
  // /proc/<pid>/ns/pid). Throws SystemError.
  static ChildPidNamespace Join(int pidns_fd);
  // The next child forked is PID 1 of a new PID namespace (a second fork then fails: the
  // namespace's init is already taken). Throws SystemError.
  static ChildPidNamespace New();

  ChildPidNamespace(const ChildPidNamespace&) = delete;
  ChildPidNamespace& operator=(const ChildPidNamespace&) = delete;
  ChildPidNamespace(ChildPidNamespace&& other) noexcept : own_(std::move(other.own_)) {}
  ChildPidNamespace& operator=(ChildPidNamespace&&) = delete;
  // Restores if Restore() was not called; a thread that cannot go back would fork every later
  // child into a node, so a failure there aborts the process (it never happens as root).
  ~ChildPidNamespace();
  // Back to the thread's own PID namespace for children. Throws SystemError.
  void Restore();

 private:
  explicit ChildPidNamespace(UniqueFd own) : own_(std::move(own)) {}
  UniqueFd own_;  // the thread's PID namespace for children before
};

// Identity of a namespace: device and inode of its nsfs file.
struct NamespaceId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const NamespaceId&) const = default;
};
// The namespace an nsfs fd (or /proc/<pid>/ns/<kind> path) refers to. Throws SystemError.
NamespaceId NamespaceIdOf(int ns_fd);
std::optional<NamespaceId> NamespaceIdOf(const std::string& ns_path);

// The "NSpid:" line of /proc/<pid>/status: the pid as seen from the reader's PID namespace
// first, then in each nested namespace inwards. Empty when the process is gone.
std::vector<pid_t> NestedPids(pid_t pid);

// The process among `candidates` (pids as seen here, e.g. a node cgroup's cgroup.procs) whose
// PID namespace is `pidns` and whose pid in it is `inner_pid`; nullopt when none is.
std::optional<pid_t> OuterPid(pid_t inner_pid, const NamespaceId& pidns,
                              const std::vector<pid_t>& candidates);

// A pidfd on `pid` after checking that it is PID 1 of a PID namespace nested in ours whose
// command name is `comm` (so a recycled pid never passes). Throws SystemError saying why not.
UniqueFd OpenNamespaceInit(pid_t pid, const std::string& comm);

// The pid of the process a pidfd refers to, as seen from this process's PID namespace
// (/proc/self/fdinfo "Pid:"); -1 when it has exited or is not visible from here.
pid_t PidOfPidfd(int pidfd);

// True when this process runs in a PID namespace nested in another whose PID 1 is named `comm`
// (read from the /proc this process sees).
bool InsideNamespaceWithInit(const std::string& comm);

// setns(pidfd, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWNET) on the calling thread
// (which must not share its fs attributes: a single-threaded program, as viplab-nsenter is):
// its mount, UTS and network namespaces become the process's, and its next child is forked into
// the process's PID namespace. Throws SystemError.
void EnterNamespacesOf(int pidfd);

}  // namespace viplab
