// Process: pidfd waits, terminate-then-kill, parent-death signal, pre-exec failures reported to
// the caller, log appending, argv[0] override, signal mask reset.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "daemon/process.h"
#include "netns/error.h"
#include "tests/common/daemon_util.h"
#include "tests/common/lab_env.h"
#include "tests/common/wait.h"

namespace viplab {
namespace {

using ::testing::HasSubstr;
using namespace viplab::testing;
using namespace std::chrono_literals;

ProcessSpec Spec(std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.label = "test process";
  spec.argv = std::move(argv);
  return spec;
}

TEST(ProcessLabTest, PidfdWaitSeesExit) {
  VIPLAB_SKIP_UNLESS_LAB();
  Process p = Process::Start(Spec({"/bin/sh", "-c", "exit 3"}));
  EXPECT_GT(p.pid(), 0);
  EXPECT_GE(p.pidfd(), 0);
  EXPECT_EQ(p.stdout_fd(), -1);
  const auto status = p.WaitFor(5s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 3);
  EXPECT_FALSE(p.Running());
  EXPECT_EQ(p.Stop(1s), *status);  // idempotent once reaped
  p.Signal(SIGTERM);               // no-op once reaped
}

TEST(ProcessLabTest, WaitForTimesOutThenStopTerminates) {
  VIPLAB_SKIP_UNLESS_LAB();
  Process p = Process::Start(Spec({"sleep", "100"}));  // found on PATH
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(p.WaitFor(100ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
  EXPECT_TRUE(p.Running());
  const int status = p.Stop(5s);
  EXPECT_TRUE(WIFSIGNALED(status)) << DescribeWaitStatus(status);
  EXPECT_EQ(WTERMSIG(status), SIGTERM) << DescribeWaitStatus(status);
}

TEST(ProcessLabTest, StopEscalatesToSigkill) {
  VIPLAB_SKIP_UNLESS_LAB();
  ProcessSpec spec = Spec({"/bin/sh", "-c", "trap '' TERM; echo ready; exec sleep 100"});
  spec.pipe_stdout = true;
  Process p = Process::Start(spec);
  // The ignored SIGTERM is inherited across exec by sleep; wait until it is in place.
  ASSERT_EQ(ReadLine(p.stdout_fd(), 5s), "ready");
  const auto start = std::chrono::steady_clock::now();
  const int status = p.Stop(300ms);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  EXPECT_TRUE(WIFSIGNALED(status)) << DescribeWaitStatus(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL) << DescribeWaitStatus(status);
}

TEST(ProcessLabTest, DestructorStopsTheProcess) {
  VIPLAB_SKIP_UNLESS_LAB();
  UniqueFd pidfd;
  {
    Process p = Process::Start(Spec({"sleep", "100"}));
    pidfd.Reset(static_cast<int>(::syscall(SYS_pidfd_open, p.pid(), 0)));
    ASSERT_TRUE(pidfd);
    Process moved = std::move(p);  // the moved-from handle owns nothing
    EXPECT_EQ(p.pid(), -1);        // NOLINT(bugprone-use-after-move)
    EXPECT_TRUE(moved.Running());
  }
  EXPECT_TRUE(Readable(pidfd.get(), 0ms));
}

TEST(ProcessLabTest, ChildDiesWithItsParent) {
  VIPLAB_SKIP_UNLESS_LAB();
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  const pid_t helper = ::fork();
  ASSERT_GE(helper, 0);
  if (helper == 0) {
    // The helper starts a grandchild through Process, reports its pid and waits to be killed.
    pid_t pid = -1;
    try {
      Process child = Process::Start(Spec({"sleep", "100"}));
      pid = child.pid();
      (void)!::write(write_end.get(), &pid, sizeof(pid));
      ::pause();
    } catch (...) {
    }
    (void)!::write(write_end.get(), &pid, sizeof(pid));
    ::_exit(1);
  }
  write_end.Reset();
  pid_t grandchild = -1;
  pollfd pfd{read_end.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 5000), 1);
  ASSERT_EQ(::read(read_end.get(), &grandchild, sizeof(grandchild)),
            static_cast<ssize_t>(sizeof(grandchild)));
  ASSERT_GT(grandchild, 0);
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, grandchild, 0)));
  ASSERT_TRUE(pidfd);
  EXPECT_FALSE(Readable(pidfd.get(), 0ms));

  ASSERT_EQ(::kill(helper, SIGKILL), 0);
  ASSERT_EQ(::waitpid(helper, nullptr, 0), helper);
  const bool died = Readable(pidfd.get(), 5000ms);
  if (!died) ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);  // no leftovers
  EXPECT_TRUE(died) << "the grandchild outlived its parent";
}

TEST(ProcessLabTest, PreExecFailureIsReported) {
  VIPLAB_SKIP_UNLESS_LAB();
  UniqueFd not_a_namespace(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ProcessSpec spec = Spec({"/bin/true"});
  spec.label = "keepalived on lb1";
  spec.netns_fd = not_a_namespace.get();
  try {
    Process::Start(spec);
    FAIL() << "Start succeeded with a bogus namespace fd";
  } catch (const SystemError& e) {
    EXPECT_STREQ(e.what(),
                 "could not start keepalived on lb1: setns (network namespace): Invalid argument");
    EXPECT_EQ(e.code(), EINVAL);
  }
}

TEST(ProcessLabTest, MissingExecutableIsReported) {
  VIPLAB_SKIP_UNLESS_LAB();
  try {
    Process::Start(Spec({"/nonexistent/viplab-binary"}));
    FAIL() << "Start succeeded";
  } catch (const SystemError& e) {
    EXPECT_THAT(e.what(), HasSubstr("could not start test process"));
    EXPECT_EQ(e.code(), ENOENT) << e.what();
  }
  EXPECT_THROW(Process::Start(Spec({"viplab-no-such-command"})), SystemError);
  ProcessSpec bad_cgroup = Spec({"/bin/true"});
  bad_cgroup.cgroup_dir = "/nonexistent-cgroup";
  EXPECT_THROW(Process::Start(bad_cgroup), SystemError);
}

TEST(ProcessLabTest, OutputIsAppendedToTheLog) {
  VIPLAB_SKIP_UNLESS_LAB();
  ScratchDir dir;
  const auto log = dir.path() / "node.log";
  EXPECT_EQ(RunToEnd({"/bin/sh", "-c", "echo one; echo two >&2"}, log), 0);
  EXPECT_EQ(RunToEnd({"/bin/sh", "-c", "echo three"}, log), 0);
  EXPECT_EQ(ReadFile(log), "one\ntwo\nthree\n");
}

TEST(ProcessLabTest, ExecutableWithOwnArgv0) {
  VIPLAB_SKIP_UNLESS_LAB();
  ProcessSpec spec =
      Spec({"haproxy", "-c", "tr '\\0' ' ' < /proc/$$/cmdline; echo; cat /proc/$$/comm"});
  spec.executable = "/bin/sh";
  spec.pipe_stdout = true;
  Process p = Process::Start(spec);
  const auto cmdline = ReadLine(p.stdout_fd(), 5s);
  ASSERT_TRUE(cmdline);
  EXPECT_THAT(*cmdline, ::testing::StartsWith("haproxy -c "));
  EXPECT_EQ(ReadLine(p.stdout_fd(), 5s), "sh");  // comm comes from the file executed
  EXPECT_EQ(p.WaitFor(5s), 0);
}

TEST(ProcessLabTest, BlockedSignalsAreNotInherited) {
  VIPLAB_SKIP_UNLESS_LAB();
  // The harness blocks SIGTERM for its signalfd; a child must still die of SIGTERM.
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &block, &old), 0);
  Process p = Process::Start(Spec({"sleep", "100"}));
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  const int status = p.Stop(5s);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << DescribeWaitStatus(status);
}

TEST(ProcessLabTest, ChildIsItsOwnProcessGroup) {
  VIPLAB_SKIP_UNLESS_LAB();
  ProcessSpec spec = Spec({"/bin/sh", "-c", "cut -d' ' -f5 /proc/$$/stat"});
  spec.pipe_stdout = true;
  Process p = Process::Start(spec);
  const auto pgid = ReadLine(p.stdout_fd(), 5s);
  ASSERT_TRUE(pgid);
  EXPECT_EQ(std::stoi(*pgid), p.pid());
  EXPECT_EQ(p.WaitFor(5s), 0);
}

}  // namespace
}  // namespace viplab
