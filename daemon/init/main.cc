// viplab-init: PID 1 of a lab node's PID namespace (issue 10 certify; netns/pid_namespace.h,
// daemon/node_init.h).
//
//   viplab-init    started by the lab as the first process of a new PID namespace, inside the
//                  node's network, mount and UTS namespaces and cgroup; takes no arguments
//
// 1. Refuses to run unless it is PID 1 (exit 2): anywhere else it would reap nobody's orphans.
// 2. Makes its own mount namespace, a private copy of the node's (the same /run, /tmp and
//    /etc/keepalived), and mounts a /proc of its PID namespace there: processes that join this
//    mount namespace and the PID namespace (ps, pidof, killall) see only their node.
// 3. Prints "READY" on stdout (a pipe the lab reads), then points stdout at /dev/null.
// 4. Reaps every child that exits (the node's orphans are reparented to it) and never exits
//    because one did. It exits 0 on SIGTERM, SIGINT or SIGHUP sent from outside its PID
//    namespace (the lab: the sender's pid is 0 here); the same signals sent from inside the node
//    are ignored, as a machine's init would. When it exits the kernel kills every process left
//    in the namespace. Exit 1 when setting up fails (the reason on stderr).
#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>

namespace {

[[noreturn]] void Die(std::string_view what) {
  fmt::print(stderr, "viplab-init: {}: {}\n", what, ::strerrordesc_np(errno));
  std::exit(1);
}

// Step 2: a mount namespace of our own whose /proc shows this PID namespace (mounting proc
// takes the mounter's PID namespace, so only a process inside can do it).
void MountOwnProc() {
  if (::unshare(CLONE_NEWNS) < 0) Die("unshare(CLONE_NEWNS)");
  // Nothing mounted here may propagate to the node's mount namespace (whose /proc stays the
  // host's: keepalived with track_process lives there).
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) Die("make / private");
  if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0) {
    Die("mount proc on /proc");
  }
}

void ReportReady() {
  constexpr std::string_view kReady = "READY\n";
  if (::write(STDOUT_FILENO, kReady.data(), kReady.size()) != static_cast<ssize_t>(kReady.size())) {
    Die("write READY");
  }
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null < 0 || ::dup2(null, STDOUT_FILENO) < 0) Die("redirect stdout to /dev/null");
  ::close(null);
}

void ReapChildren() {
  while (true) {
    const pid_t pid = ::waitpid(-1, nullptr, WNOHANG);
    if (pid > 0) continue;
    if (pid < 0 && errno == EINTR) continue;
    return;  // 0: none exited yet; ECHILD: no children at all
  }
}

}  // namespace

int main(int argc, char**) {
  if (argc != 1) {
    fmt::print(stderr, "usage: viplab-init (no arguments; the lab starts it)\n");
    return 2;
  }
  if (::getpid() != 1) {
    fmt::print(stderr, "viplab-init: must be PID 1 of a new PID namespace (it is {})\n",
               ::getpid());
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  for (const int signo : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, signo);
  // Blocked signals are queued even for a namespace's init (which drops default-action signals
  // from inside its namespace when unblocked), so the signalfd sees them all.
  if (::sigprocmask(SIG_BLOCK, &signals, nullptr) < 0) Die("sigprocmask");
  const int sfd = ::signalfd(-1, &signals, SFD_CLOEXEC);
  if (sfd < 0) Die("signalfd");

  MountOwnProc();
  ReportReady();
  while (true) {
    signalfd_siginfo info{};
    const ssize_t n = ::read(sfd, &info, sizeof(info));
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof(info))) Die("read signalfd");
    if (info.ssi_signo == SIGCHLD) {
      ReapChildren();
    } else if (info.ssi_pid == 0) {
      // From outside the namespace (the lab): leave; the kernel kills the rest of the node.
      ReapChildren();
      return 0;
    }
  }
}
