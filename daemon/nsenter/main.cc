// viplab-nsenter: runs one command inside a lab node: in the node's PID namespace (whose PID 1
// is the node's viplab-init) and the mount namespace holding its /proc, and in its UTS and network
// namespaces (issue 10 certify; netns/pid_namespace.h).
//
//   viplab-nsenter [--init-pid-file FILE] [--] COMMAND [ARG...]
//
// With track_process keepalived has to stay in the host PID namespace (the process-event
// connector ignores listeners outside it), so the lab runs each of its script lines through this
// program: `killall -0 haproxy` then sees only its node's processes. keepalived's
// enable_script_security accepts it because the lab installs it root-owned and not writable by
// group or others.
//
// Run from inside a node already (a keepalived in the node's PID namespace, whose PID 1 is
// viplab-init), it just executes COMMAND: script lines may go through it in either placement.
//
// FILE (default /etc/keepalived/viplab-init.pid, where the lab writes it inside the node) holds
// the node's viplab-init pid as the caller sees it; it must be owned by root and not writable by
// group or others. The init is checked (its name is viplab-init and it is PID 1 of a nested PID
// namespace) and entered by pidfd, so a stale file never leads into another process's namespaces.
// COMMAND is looked up on PATH inside the node. The command runs in this program's process group
// (keepalived kills a timed-out script's whole group) and gets SIGKILL if this program dies.
//
// Exit status: the command's, or 128 + the signal that killed it (as shells report it); 126 when
// the node cannot be entered (the reason on stderr), 127 when COMMAND cannot be executed; 2 for
// bad usage.
#include <fmt/format.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <string_view>

#include "netns/pid_namespace.h"

namespace {

constexpr const char* kDefaultPidFile = "/etc/keepalived/viplab-init.pid";
constexpr int kCannotEnter = 126;
constexpr int kCannotExec = 127;

[[noreturn]] void Usage(std::string_view why) {
  fmt::print(stderr, "viplab-nsenter: {}\n", why);
  fmt::print(stderr, "usage: viplab-nsenter [--init-pid-file FILE] [--] COMMAND [ARG...]\n");
  std::exit(2);
}

[[noreturn]] void CannotEnter(std::string_view why) {
  fmt::print(stderr, "viplab-nsenter: {}\n", why);
  std::exit(kCannotEnter);
}

pid_t ReadInitPid(const char* file) {
  struct stat st {};
  if (::stat(file, &st) < 0) {
    CannotEnter(fmt::format("{}: {}", file, ::strerrordesc_np(errno)));
  }
  if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    CannotEnter(fmt::format("{} must be owned by root and writable by nobody else", file));
  }
  std::ifstream in(file);
  long pid = 0;
  if (!(in >> pid) || pid <= 1) CannotEnter(fmt::format("{} holds no pid", file));
  return static_cast<pid_t>(pid);
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kCannotExec;
}

}  // namespace

int main(int argc, char** argv) {
  const char* pid_file = kDefaultPidFile;
  int first = 1;
  while (first < argc && argv[first][0] == '-') {
    const std::string_view arg = argv[first];
    if (arg == "--") {
      ++first;
      break;
    }
    if (arg != "--init-pid-file") Usage(fmt::format("unknown option '{}'", arg));
    if (first + 1 >= argc) Usage("--init-pid-file needs a file");
    pid_file = argv[first + 1];
    first += 2;
  }
  if (first >= argc) Usage("no command");

  if (viplab::InsideNamespaceWithInit("viplab-init")) {
    // Already in a node (keepalived runs inside it): nothing to enter.
    ::execvp(argv[first], argv + first);
    fmt::print(stderr, "viplab-nsenter: {}: {}\n", argv[first], ::strerrordesc_np(errno));
    return kCannotExec;
  }
  try {
    const viplab::UniqueFd init = viplab::OpenNamespaceInit(ReadInitPid(pid_file), "viplab-init");
    viplab::EnterNamespacesOf(init.get());
  } catch (const std::exception& e) {
    CannotEnter(e.what());
  }
  const pid_t child = ::fork();  // the first process of ours inside the node's PID namespace
  if (child < 0) CannotEnter(fmt::format("fork: {}", ::strerrordesc_np(errno)));
  if (child == 0) {
    // Our pid is 0 in the node; 1 means we died already and the node's init adopted the child.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || ::getppid() != 0) ::_exit(kCannotEnter);
    ::execvp(argv[first], argv + first);
    fmt::print(stderr, "viplab-nsenter: {}: {}\n", argv[first], ::strerrordesc_np(errno));
    ::_exit(kCannotExec);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) CannotEnter(fmt::format("waitpid: {}", ::strerrordesc_np(errno)));
  }
  return ExitCodeOf(status);
}
