// Process: one child started with Boost.Process under folly-style policies: its own process
// group, a parent-death signal (SIGKILL) so it never outlives the harness, optional joins of the
// node's network/mount/UTS namespaces and of a cgroup before exec, optionally in a PID namespace,
// stdout+stderr appended to a log file. Stop() is terminate-then-kill. Waits are event-driven on a
// pidfd.
//
// Start processes from a long-lived thread (the main thread): the kernel sends the parent-death
// signal when the *thread* that forked exits.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "netns/unique_fd.h"

namespace viplab {

struct ProcessSpec {
  std::string label;              // for messages, e.g. "keepalived on lb1"
  std::vector<std::string> argv;  // argv[0] is the executable (absolute path or found on PATH)
  // When set, this file is executed and argv[0] is passed unchanged (e.g. exec <build>/haproxy as
  // argv[0] "haproxy": keepalived's track_process with parameters compares argv[0] exactly).
  std::filesystem::path executable;
  std::filesystem::path log_file;  // stdout and stderr are appended here; empty: /dev/null
  bool pipe_stdout = false;        // stdout to a pipe (stdout_fd()) instead of the log file
  int netns_fd = -1;               // setns(CLONE_NEWNET) before exec when >= 0
  int mntns_fd = -1;               // setns(CLONE_NEWNS) before exec when >= 0
  int utsns_fd = -1;               // setns(CLONE_NEWUTS) before exec when >= 0
  // PID namespaces (netns/pid_namespace.h): the child is forked into the PID namespace of
  // `pidns_fd` when >= 0, or as PID 1 of a new one with `new_pid_namespace`. The forking thread's
  // PID namespace for children is moved around the fork and back; pid() stays the pid as the
  // harness sees it, so pidfd, signals and cgroups work as for any child.
  int pidns_fd = -1;
  bool new_pid_namespace = false;
  // With pidns_fd: the process is handed to the namespace's init (the child forks it, sends its
  // pidfd and exits), as a machine's services are children of its init, which reaps them at once
  // (a zombie child of the harness would still answer `killall -0`). The harness then holds only
  // the pidfd: it signals and waits as usual, but the exit status is unknown (-1), and the
  // process has no parent-death signal (it dies with the init, which has one).
  bool child_of_namespace_init = false;
  std::filesystem::path cgroup_dir;  // child joins this cgroup v2 before exec when not empty
  // Added to (or replacing entries of) the harness's environment, e.g. {"NOTIFY_SOCKET", path}.
  std::vector<std::pair<std::string, std::string>> environment;
};

class Process {
 public:
  // Throws SystemError naming spec.label when the process cannot be started.
  static Process Start(const ProcessSpec& spec);

  Process(Process&&) noexcept;
  Process& operator=(Process&&) noexcept;
  ~Process();  // Stop(2 s) if still running; never throws

  const std::string& label() const;
  pid_t pid() const;
  int pidfd() const;      // readable when the process has exited
  int stdout_fd() const;  // read end of the stdout pipe (pipe_stdout only), else -1

  bool Running();
  void Signal(int signo);  // to the process only (not its group); no-op once reaped
  // Waits (on the pidfd) up to `timeout` for exit; returns the wait status, or nullopt on timeout.
  std::optional<int> WaitFor(std::chrono::milliseconds timeout);
  // SIGTERM, wait up to `grace`, then SIGKILL and wait. Returns the wait status. Idempotent.
  int Stop(std::chrono::milliseconds grace) noexcept;

 private:
  struct Impl;
  explicit Process(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// An installed program by name: PATH first, then the sbin directories that sudo and minimal
// environments often leave out of PATH. nullopt when it is not installed.
std::optional<std::filesystem::path> FindExecutable(const std::string& name);

// Waits for the first line a process prints on its stdout pipe (ProcessSpec::pipe_stdout), each
// wait a poll on the pipe and the pidfd. Returns an empty string when the line starts with
// `prefix` (e.g. "READY "), else what went wrong ("printed 'x' instead of READY", "exited with
// status 1 before it reported READY", "did not report READY within 5000 ms").
std::string WaitForReadyLine(Process& process, std::string_view prefix,
                             std::chrono::milliseconds timeout);

// "exited with status 1" / "killed by signal 9 (Killed)" for a wait status.
std::string DescribeWaitStatus(int status);

}  // namespace viplab
