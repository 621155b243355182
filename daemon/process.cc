#include "daemon/process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/posix.hpp>
#include <cerrno>
#include <limits>
#include <system_error>

#include "netns/error.h"
#include "netns/pid_namespace.h"

namespace viplab {
namespace bp = boost::process;

namespace {

// Steps of the child's pre-exec setup; a failure is reported as {step, errno} on a pipe.
enum ChildStep : int {
  kStepSignals,
  kStepSetpgid,
  kStepDeathSignal,
  kStepParentGone,
  kStepCgroup,
  kStepMountNs,
  kStepUtsNs,
  kStepNetNs,
  kStepHandOff,
};

struct ChildError {
  int step;
  int err;
};

std::string DescribeStep(int step, const ProcessSpec& spec) {
  switch (step) {
    case kStepSignals:
      return "resetting signal handling";
    case kStepSetpgid:
      return "setpgid";
    case kStepDeathSignal:
      return "prctl(PR_SET_PDEATHSIG)";
    case kStepParentGone:
      return "parent exited before exec";
    case kStepCgroup:
      return fmt::format("joining cgroup {}", spec.cgroup_dir.string());
    case kStepMountNs:
      return "setns (mount namespace)";
    case kStepUtsNs:
      return "setns (UTS namespace)";
    case kStepNetNs:
      return "setns (network namespace)";
    case kStepHandOff:
      return "handing the process to the PID namespace's init";
  }
  return "pre-exec setup";
}

// One fd over a unix socket (SCM_RIGHTS); async-signal-safe.
bool SendFd(int socket, int fd) {
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  ::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  return ::sendmsg(socket, &msg, MSG_NOSIGNAL) == 1;
}

// The Boost.Process initializer that applies viplab's policies in the child, between fork and
// exec. Everything it touches is prepared in the parent: after fork in a multi-threaded program
// only async-signal-safe calls are allowed (no allocation, no exceptions, no locks).
struct ChildSetup : bp::extend::handler {
  pid_t parent = -1;
  int cgroup_procs_fd = -1;
  int mntns_fd = -1;
  int utsns_fd = -1;
  int netns_fd = -1;
  int error_fd = -1;            // write end of a CLOEXEC pipe: EOF at exec means success
  const char* exe = nullptr;    // the file to execute
  char* const* argv = nullptr;  // argv as given (argv[0] may differ from `exe`)
  pid_t* failed_pid = nullptr;  // parent side: the child Boost reports as failed, to reap it
  int handoff_fd = -1;          // child_of_namespace_init: socket the grandchild's pidfd goes to

  [[noreturn]] void Fail(int step) const {
    const ChildError error{step, errno};
    (void)!::write(error_fd, &error, sizeof(error));  // atomic: smaller than PIPE_BUF
    ::_exit(127);
  }

  template <class Executor>
  void on_exec_setup(Executor& exec) const {
    // Children must not inherit the harness's blocked signals (it blocks SIGINT/SIGTERM for its
    // signalfd) or ignored ones: keepalived has to react to SIGTERM.
    sigset_t none;
    sigemptyset(&none);
    if (::sigprocmask(SIG_SETMASK, &none, nullptr) < 0) Fail(kStepSignals);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int signo = 1; signo < NSIG; ++signo) {
      if (signo != SIGKILL && signo != SIGSTOP) ::sigaction(signo, &dfl, nullptr);  // may EINVAL
    }
    // Own process group: a terminal's Ctrl-C reaches the harness only, which tears down in order.
    if (::setpgid(0, 0) < 0) Fail(kStepSetpgid);
    // Never outlive the harness. Checking the parent after the prctl closes the race with a
    // parent that died before it.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) Fail(kStepDeathSignal);
    if (::getppid() != parent) {
      errno = ESRCH;
      Fail(kStepParentGone);
    }
    // Join the cgroup first so that nothing the child does escapes the node's cgroup.
    if (cgroup_procs_fd >= 0 && ::write(cgroup_procs_fd, "0", 1) < 0) Fail(kStepCgroup);
    if (mntns_fd >= 0 && ::setns(mntns_fd, CLONE_NEWNS) < 0) Fail(kStepMountNs);
    if (utsns_fd >= 0 && ::setns(utsns_fd, CLONE_NEWUTS) < 0) Fail(kStepUtsNs);
    if (netns_fd >= 0 && ::setns(netns_fd, CLONE_NEWNET) < 0) Fail(kStepNetNs);
    // Whatever the harness opened without O_CLOEXEC (library sockets, ...) stays out of the
    // child. Our own fds above are all CLOEXEC already; 0-2 were set up by Boost's dup2s.
    ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    if (handoff_fd >= 0) HandOff();
    // Boost builds argv[0] from the executable path; exec the file we resolved with the argv we
    // were given instead (plain pointer stores, prepared before fork).
    exec.exe = exe;
    exec.cmd_line = argv;
  }

  // child_of_namespace_init: forks the process that will exec; this child sends its pidfd to the
  // harness and exits, so the PID namespace's init adopts it (and reaps it when it exits).
  void HandOff() const {
    const pid_t grandchild = ::fork();
    if (grandchild < 0) Fail(kStepHandOff);
    if (grandchild == 0) return;  // goes on to exec; it has no parent-death signal of its own
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, grandchild, 0));
    if (pidfd < 0 || !SendFd(handoff_fd, pidfd)) {
      const int err = errno;
      ::kill(grandchild, SIGKILL);
      errno = err;
      Fail(kStepHandOff);
    }
    ::_exit(0);
  }

  template <class Executor>
  void on_error(Executor& exec, const std::error_code&) const {
    if (exec.pid > 0) *failed_pid = exec.pid;
  }
};

UniqueFd ReceiveFd(int socket) {
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  if (::recvmsg(socket, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) != 1) return UniqueFd();
  const cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  if (cmsg == nullptr || cmsg->cmsg_type != SCM_RIGHTS) return UniqueFd();
  int fd = -1;
  ::memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
  return UniqueFd(fd);
}

UniqueFd OpenCloexec(const char* path, int flags, mode_t mode = 0) {
  return UniqueFd(::open(path, flags | O_CLOEXEC, mode));
}

// Fds 0-2 would be clobbered by the child's dup2s onto stdin/stdout/stderr.
UniqueFd AboveStdio(UniqueFd fd) {
  if (!fd || fd.get() > 2) return fd;
  return UniqueFd(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3));
}

std::filesystem::path ResolveExecutable(const std::filesystem::path& file) {
  if (file.native().find('/') != std::string::npos) return file;
  const boost::filesystem::path found = bp::search_path(file.native());
  return found.empty() ? std::filesystem::path() : std::filesystem::path(found.native());
}

// poll(2) on one fd, restarted on EINTR with what is left of `timeout` (max(): no limit).
int PollOnce(int fd, short events, std::chrono::milliseconds timeout) {
  const bool forever = timeout == std::chrono::milliseconds::max();
  const auto deadline = forever ? std::chrono::steady_clock::time_point::max()
                                : std::chrono::steady_clock::now() + timeout;
  while (true) {
    int wait_ms = -1;
    if (!forever) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      wait_ms =
          static_cast<int>(std::clamp<int64_t>(left.count(), 0, std::numeric_limits<int>::max()));
    }
    pollfd pfd{fd, events, 0};
    const int n = ::poll(&pfd, 1, wait_ms);
    if (n >= 0) return n;
    if (errno != EINTR) throw SystemError::FromErrno(errno, "poll");
  }
}

constexpr std::chrono::milliseconds kDestructorGrace{2000};
constexpr std::chrono::milliseconds kKillWait{10000};

}  // namespace

struct Process::Impl {
  std::string label;
  pid_t pid = -1;
  UniqueFd pidfd;
  UniqueFd stdout_read;
  std::optional<int> status;  // set once reaped

  // Reaps if the pidfd says the process exited. Returns true when it is gone.
  bool TryReap() {
    if (status) return true;
    if (PollOnce(pidfd.get(), POLLIN, std::chrono::milliseconds(0)) == 0) return false;
    int wstatus = 0;
    pid_t r;
    do {
      r = ::waitpid(pid, &wstatus, 0);  // exited: returns at once
    } while (r < 0 && errno == EINTR);
    // ECHILD: reaped by someone else (e.g. SIGCHLD ignored); the status is lost.
    status = r == pid ? wstatus : -1;
    return true;
  }
};

Process::Process(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Process::Process(Process&&) noexcept = default;

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    if (impl_) Stop(kDestructorGrace);
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Process::~Process() {
  if (impl_ && !impl_->status) Stop(kDestructorGrace);
}

namespace {

// All fds a child needs, opened in the parent, CLOEXEC, so concurrent starts leak nothing.
struct ChildFds {
  UniqueFd stdin_fd;      // /dev/null
  UniqueFd log_fd;        // stderr (and stdout unless piped): the log file or /dev/null
  UniqueFd stdout_read;   // pipe_stdout only
  UniqueFd stdout_write;  // pipe_stdout only
  UniqueFd cgroup_procs;  // cgroup_dir only
  UniqueFd error_read;    // the child reports a failed setup step here (ChildError)
  UniqueFd error_write;
  UniqueFd handoff_read;  // child_of_namespace_init: the grandchild's pidfd arrives here
  UniqueFd handoff_write;
};

ChildFds OpenChildFds(const ProcessSpec& spec, const std::string& label) {
  ChildFds fds;
  fds.stdin_fd = AboveStdio(OpenCloexec("/dev/null", O_RDONLY));
  if (!fds.stdin_fd)
    throw SystemError::FromErrno(errno, fmt::format("could not start {}: open /dev/null", label));
  if (spec.log_file.empty()) {
    fds.log_fd = AboveStdio(OpenCloexec("/dev/null", O_WRONLY));
  } else {
    fds.log_fd =
        AboveStdio(OpenCloexec(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644));
  }
  if (!fds.log_fd) {
    throw SystemError::FromErrno(
        errno, fmt::format("could not start {}: open log file {}", label, spec.log_file.string()));
  }
  if (spec.pipe_stdout) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) < 0) {
      throw SystemError::FromErrno(errno, fmt::format("could not start {}: pipe2", label));
    }
    fds.stdout_read.Reset(ends[0]);
    fds.stdout_write = AboveStdio(UniqueFd(ends[1]));
  }
  if (!spec.cgroup_dir.empty()) {
    const auto procs = spec.cgroup_dir / "cgroup.procs";
    fds.cgroup_procs = OpenCloexec(procs.c_str(), O_WRONLY);
    if (!fds.cgroup_procs) {
      throw SystemError::FromErrno(
          errno, fmt::format("could not start {}: open {}", label, procs.string()));
    }
  }
  {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) < 0) {
      throw SystemError::FromErrno(errno, fmt::format("could not start {}: pipe2", label));
    }
    fds.error_read.Reset(ends[0]);
    fds.error_write.Reset(ends[1]);
  }
  if (spec.child_of_namespace_init) {
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, ends) < 0) {
      throw SystemError::FromErrno(errno, fmt::format("could not start {}: socketpair", label));
    }
    fds.handoff_read.Reset(ends[0]);
    fds.handoff_write.Reset(ends[1]);
  }
  return fds;
}

void Reap(pid_t pid) {
  if (pid <= 0) return;
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

// After a successful fork and exec: the child's setup errors (thrown), then its pidfd. `pid` is
// the forked child; with child_of_namespace_init it becomes the handed-over grandchild.
UniqueFd PidfdOfStarted(const ProcessSpec& spec, ChildFds& fds, pid_t& pid) {
  const std::string& label = spec.label;
  ChildError error{};
  ssize_t n;
  do {
    n = ::read(fds.error_read.get(), &error, sizeof(error));  // EOF once the child exec'd
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof(error))) {
    Reap(pid);
    throw SystemError::FromErrno(
        error.err, fmt::format("could not start {}: {}", label, DescribeStep(error.step, spec)));
  }

  UniqueFd pidfd;
  if (spec.child_of_namespace_init) {
    Reap(pid);  // the intermediate child, gone after handing its child over
    pidfd = ReceiveFd(fds.handoff_read.get());
    pid = pidfd ? PidOfPidfd(pidfd.get()) : -1;
    if (pid <= 0) {
      if (pidfd) ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
      throw SystemError::Plain(
          fmt::format("could not start {}: the process was not handed over (or exited)", label));
    }
  } else {
    pidfd.Reset(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd) {
      const int err = errno;
      ::kill(pid, SIGKILL);
      Reap(pid);
      throw SystemError::FromErrno(err, fmt::format("could not start {}: pidfd_open", label));
    }
  }

  return pidfd;
}

// Where the fork puts the child: the PID namespace of pidns_fd, a new one, or ours (nullopt).
std::optional<ChildPidNamespace> ChildPidNamespaceFor(const ProcessSpec& spec) {
  std::optional<ChildPidNamespace> pid_namespace;
  if (spec.pidns_fd >= 0) {
    pid_namespace.emplace(ChildPidNamespace::Join(spec.pidns_fd));
  } else if (spec.new_pid_namespace) {
    pid_namespace.emplace(ChildPidNamespace::New());
  }
  return pid_namespace;
}

}  // namespace

Process Process::Start(const ProcessSpec& spec) {
  const std::string& label = spec.label;
  if (spec.argv.empty())
    throw SystemError::Plain(fmt::format("could not start {}: empty argv", label));

  const std::filesystem::path requested =
      spec.executable.empty() ? std::filesystem::path(spec.argv[0]) : spec.executable;
  const std::filesystem::path exe = ResolveExecutable(requested);
  if (exe.empty()) {
    throw SystemError::FromErrno(ENOENT, fmt::format("could not start {}: '{}' not found on PATH",
                                                     label, requested.string()));
  }

  ChildFds fds = OpenChildFds(spec, label);

  std::vector<std::string> argv_storage = spec.argv;
  std::vector<char*> argv_ptrs;
  for (auto& arg : argv_storage) argv_ptrs.push_back(arg.data());
  argv_ptrs.push_back(nullptr);
  const std::string exe_string = exe.string();

  pid_t failed_pid = -1;
  const bool in_pid_namespace = spec.pidns_fd >= 0 || spec.new_pid_namespace;
  ChildSetup setup;
  // A parent outside the child's PID namespace is pid 0 to the child.
  setup.parent = in_pid_namespace ? 0 : ::getpid();
  setup.cgroup_procs_fd = fds.cgroup_procs.get();
  setup.mntns_fd = spec.mntns_fd;
  setup.utsns_fd = spec.utsns_fd;
  setup.netns_fd = spec.netns_fd;
  setup.error_fd = fds.error_write.get();
  setup.exe = exe_string.c_str();
  setup.argv = argv_ptrs.data();
  setup.failed_pid = &failed_pid;
  setup.handoff_fd = fds.handoff_write.get();

  bp::environment environment = boost::this_process::environment();
  for (const auto& [name, value] : spec.environment) environment[name] = value;

  std::optional<ChildPidNamespace> pid_namespace = ChildPidNamespaceFor(spec);
  std::error_code ec;
  bp::child child(bp::exe(exe_string), bp::posix::fd.bind(STDIN_FILENO, fds.stdin_fd.get()),
                  bp::posix::fd.bind(STDOUT_FILENO,
                                     spec.pipe_stdout ? fds.stdout_write.get() : fds.log_fd.get()),
                  bp::posix::fd.bind(STDERR_FILENO, fds.log_fd.get()), bp::env(environment), setup,
                  ec);
  if (pid_namespace) pid_namespace->Restore();  // throws only if the kernel refuses (never)
  fds.error_write.Reset();
  fds.stdout_write.Reset();
  fds.handoff_write.Reset();

  if (ec) {
    // fork or exec failed (Boost reports exec errors through its own pipe).
    Reap(failed_pid);
    throw SystemError::FromErrno(ec.value(),
                                 fmt::format("could not start {}: exec {}", label, exe_string));
  }
  pid_t pid = child.id();
  child.detach();  // from here on the pidfd is the handle; bp::child would SIGKILL on destruction

  UniqueFd pidfd = PidfdOfStarted(spec, fds, pid);

  auto impl = std::make_unique<Impl>();
  impl->label = label;
  impl->pid = pid;
  impl->pidfd = std::move(pidfd);
  impl->stdout_read = std::move(fds.stdout_read);
  return Process(std::move(impl));
}

const std::string& Process::label() const {
  static const std::string kEmpty;
  return impl_ ? impl_->label : kEmpty;
}

pid_t Process::pid() const { return impl_ ? impl_->pid : -1; }
int Process::pidfd() const { return impl_ ? impl_->pidfd.get() : -1; }
int Process::stdout_fd() const { return impl_ ? impl_->stdout_read.get() : -1; }

bool Process::Running() { return impl_ && !impl_->TryReap(); }

void Process::Signal(int signo) {
  if (!impl_ || impl_->status) return;
  // Through the pidfd: never hits a recycled pid.
  if (::syscall(SYS_pidfd_send_signal, impl_->pidfd.get(), signo, nullptr, 0) < 0 &&
      errno != ESRCH) {
    throw SystemError::FromErrno(errno, fmt::format("could not send signal {} to {} (pid {})",
                                                    signo, impl_->label, impl_->pid));
  }
}

std::optional<int> Process::WaitFor(std::chrono::milliseconds timeout) {
  if (!impl_) return std::nullopt;
  if (impl_->status) return impl_->status;
  if (PollOnce(impl_->pidfd.get(), POLLIN, timeout) == 0) return std::nullopt;
  impl_->TryReap();
  return impl_->status;
}

int Process::Stop(std::chrono::milliseconds grace) noexcept {
  if (!impl_) return -1;
  try {
    if (impl_->status) return *impl_->status;
    // Errors (ESRCH: already exited) do not matter here: the waits below tell.
    ::syscall(SYS_pidfd_send_signal, impl_->pidfd.get(), SIGTERM, nullptr, 0);
    if (auto status = WaitFor(grace)) return *status;
    ::syscall(SYS_pidfd_send_signal, impl_->pidfd.get(), SIGKILL, nullptr, 0);
    if (auto status = WaitFor(kKillWait)) return *status;
  } catch (const std::exception&) {
    // poll failed: report "unknown" rather than throw from teardown.
  }
  return -1;
}

std::optional<std::filesystem::path> FindExecutable(const std::string& name) {
  boost::filesystem::path found = bp::search_path(name);
  if (found.empty()) {
    found = bp::search_path(name, {"/usr/sbin", "/sbin", "/usr/local/sbin"});
  }
  if (found.empty()) return std::nullopt;
  return std::filesystem::path(found.native());
}

std::string WaitForReadyLine(Process& process, std::string_view prefix,
                             std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  while (true) {
    const size_t newline = out.find('\n');
    if (newline != std::string::npos) {
      if (out.rfind(prefix, 0) == 0) return {};
      return fmt::format("printed '{}' instead of READY", out.substr(0, newline));
    }
    if (out.size() > 4096) return "printed a long line instead of READY";
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return fmt::format("did not report READY within {} ms", timeout.count());
    pollfd fds[2] = {{process.stdout_fd(), POLLIN, 0}, {process.pidfd(), POLLIN, 0}};
    const int n = ::poll(
        fds, 2, static_cast<int>(std::min<int64_t>(left.count(), std::numeric_limits<int>::max())));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError::FromErrno(errno, "poll");
    }
    if (fds[0].revents != 0) {
      char buf[512];
      const ssize_t r = ::read(process.stdout_fd(), buf, sizeof(buf));
      if (r > 0) {
        out.append(buf, static_cast<size_t>(r));
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      break;  // EOF: it closed stdout, so it is exiting
    }
    if (fds[1].revents != 0) break;  // exited (its output was read above, stdout first)
  }
  const auto status = process.WaitFor(std::chrono::milliseconds(1000));
  return status ? fmt::format("{} before it reported READY", DescribeWaitStatus(*status))
                : std::string("closed its stdout before it reported READY");
}

std::string DescribeWaitStatus(int status) {
  if (status == -1) return "status unknown (reaped elsewhere)";
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int signo = WTERMSIG(status);
    const char* name = ::sigdescr_np(signo);
    return fmt::format("killed by signal {} ({}){}", signo, name ? name : "unknown signal",
                       WCOREDUMP(status) ? ", core dumped" : "");
  }
  if (WIFSTOPPED(status)) {
    const int signo = WSTOPSIG(status);
    const char* name = ::sigdescr_np(signo);
    return fmt::format("stopped by signal {} ({})", signo, name ? name : "unknown signal");
  }
  return fmt::format("wait status {:#x}", status);
}

}  // namespace viplab
