// Cgroup: Kill() reaches every process of the cgroup (also ones its members forked), Freeze()
// really stops them, RemoveTree() cleans nested leftovers.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>

#include "daemon/cgroup.h"
#include "daemon/process.h"
#include "daemon/service.h"
#include "tests/common/daemon_util.h"
#include "tests/common/lab_env.h"
#include "tests/common/wait.h"

namespace viplab {
namespace {

using namespace viplab::testing;
using namespace std::chrono_literals;

TEST(CgroupLabTest, RootIsCgroup2) {
  VIPLAB_SKIP_UNLESS_LAB();
  const auto root = Cgroup::Root();
  EXPECT_TRUE(std::filesystem::exists(root / "cgroup.procs")) << root;
  EXPECT_TRUE(std::filesystem::exists(root / "cgroup.subtree_control")) << root;
}

TEST(CgroupLabTest, CreateIsIdempotentAndStartsEmpty) {
  VIPLAB_SKIP_UNLESS_LAB();
  ScopedCgroup cgroup("idempotent");
  const Cgroup again = Cgroup::Create(cgroup.parent() / "idempotent");
  EXPECT_EQ(again.dir(), cgroup->dir());
  EXPECT_TRUE(cgroup->Pids().empty());
  EXPECT_FALSE(cgroup->Populated());
  cgroup->Kill();  // nothing to kill: returns at once
}

TEST(CgroupLabTest, KillReachesEveryProcess) {
  VIPLAB_SKIP_UNLESS_LAB();
  ScopedCgroup cgroup("kill");
  ProcessSpec spec;
  spec.label = "forking shell";
  spec.argv = {"/bin/sh", "-c", "sleep 100 & sleep 100 & echo ready; wait"};
  spec.pipe_stdout = true;
  spec.cgroup_dir = cgroup->dir();
  Process shell = Process::Start(spec);
  ASSERT_EQ(ReadLine(shell.stdout_fd(), 5s), "ready");

  std::vector<pid_t> pids = cgroup->Pids();
  ASSERT_EQ(pids.size(), 3u);
  EXPECT_NE(std::find(pids.begin(), pids.end(), shell.pid()), pids.end());
  EXPECT_TRUE(cgroup->Populated());
  std::vector<UniqueFd> pidfds;
  for (pid_t pid : pids) {
    pidfds.emplace_back(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    ASSERT_TRUE(pidfds.back());
  }

  cgroup->Kill(5s);
  EXPECT_FALSE(cgroup->Populated());
  EXPECT_TRUE(cgroup->Pids().empty());
  for (const auto& pidfd : pidfds) EXPECT_TRUE(Readable(pidfd.get(), 1000ms));
  const auto status = shell.WaitFor(1s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL) << DescribeWaitStatus(*status);
}

TEST(CgroupLabTest, FreezeStopsTheService) {
  VIPLAB_SKIP_UNLESS_LAB();
  ScratchDir dir;
  ScopedCgroup cgroup("freeze");
  ServiceSpec spec;
  spec.node = "frozen";
  spec.standin_binary = StandinBinary();
  spec.port = FreeLoopbackPort();
  spec.bind_address = "127.0.0.1";
  spec.log_file = dir.path() / "service.log";
  spec.cgroup_dir = cgroup->dir();
  Process service = StartService(spec);
  const std::string port = std::to_string(spec.port);
  const std::vector<std::string> check = {CheckBinary().string(), "http", "127.0.0.1", port,
                                          "--timeout-ms",         "300"};
  ASSERT_EQ(RunToEnd(check), 0);

  cgroup->Freeze(true);
  EXPECT_NE(ReadFile(cgroup->dir() / "cgroup.events").find("frozen 1"), std::string::npos);
  // The kernel still completes the TCP handshake, but nobody answers.
  EXPECT_EQ(RunToEnd(check), W_EXITCODE(1, 0));
  EXPECT_TRUE(service.Running());

  cgroup->Freeze(false);
  EXPECT_NE(ReadFile(cgroup->dir() / "cgroup.events").find("frozen 0"), std::string::npos);
  EXPECT_EQ(RunToEnd(check), 0);
}

TEST(CgroupLabTest, KillWorksOnAFrozenCgroup) {
  VIPLAB_SKIP_UNLESS_LAB();
  ScopedCgroup cgroup("frozen-kill");
  ProcessSpec spec;
  spec.label = "sleeper";
  spec.argv = {"sleep", "100"};
  spec.cgroup_dir = cgroup->dir();
  Process sleeper = Process::Start(spec);
  cgroup->Freeze(true);
  cgroup->Kill(5s);
  EXPECT_FALSE(cgroup->Populated());
  EXPECT_TRUE(sleeper.WaitFor(1s));
}

// `meanwhile` runs once every process has its SIGKILL (pending, or already dead) and before the
// wait for the cgroup to empty; it also runs when there is nothing to kill.
TEST(CgroupLabTest, KillRunsMeanwhileOnceTheSignalsAreSent) {
  VIPLAB_SKIP_UNLESS_LAB();
  ScopedCgroup cgroup("kill-meanwhile");
  ProcessSpec spec;
  spec.label = "sleeper";
  spec.argv = {"sleep", "100"};
  spec.cgroup_dir = cgroup->dir();
  Process sleeper = Process::Start(spec);
  const std::string proc = "/proc/" + std::to_string(sleeper.pid());
  int calls = 0;
  std::string status;
  std::string stat;
  cgroup->Kill(5s, [&] {
    ++calls;
    status = ReadFile(proc + "/status");
    stat = ReadFile(proc + "/stat");
  });
  EXPECT_EQ(calls, 1);
  // SIGKILL (9) is bit 0x100 of a pending mask (the thread's or the process's); a task already
  // gone shows as a zombie (or its status is gone); a task that has already taken the signal off
  // its queue and is exiting shows neither, but has PF_EXITING (0x4) in the flags of its stat
  // (field 9; kernel do_exit -> exit_signals). Seen in CI: "State: R", nothing pending.
  auto pending = [&status](const std::string& key) {
    const auto at = status.find(key + ":\t");
    return at != std::string::npos &&
           (std::stoull(status.substr(at + key.size() + 2, 16), nullptr, 16) & 0x100) != 0;
  };
  auto exiting = [&stat] {
    const auto end = stat.rfind(')');  // the command name may hold spaces and parentheses
    if (end == std::string::npos) return false;
    std::istringstream fields(stat.substr(end + 1));
    std::string field;
    for (int i = 3; i <= 9 && fields >> field; ++i) {
      if (i == 9) return (std::stoul(field) & 0x4) != 0;
    }
    return false;
  };
  const bool killed = status.empty() || status.find("State:\tZ") != std::string::npos ||
                      pending("SigPnd") || pending("ShdPnd") || exiting();
  EXPECT_TRUE(killed) << status << stat;
  EXPECT_FALSE(cgroup->Populated());
  EXPECT_TRUE(sleeper.WaitFor(1s));
  cgroup->Kill(5s, [&] { ++calls; });  // empty: runs anyway
  EXPECT_EQ(calls, 2);
}

TEST(CgroupLabTest, RemoveTreeKillsAndRemovesNestedCgroups) {
  VIPLAB_SKIP_UNLESS_LAB();
  ScopedCgroup holder("unused");  // owns the per-test parent for cleanup on failure
  const auto top = holder.parent() / "tree";
  Cgroup leaf = Cgroup::Create(top / "lab" / "lb1");
  Cgroup::Create(top / "lab" / "lb2");
  ProcessSpec spec;
  spec.label = "leftover";
  spec.argv = {"sleep", "100"};
  spec.cgroup_dir = leaf.dir();
  Process leftover = Process::Start(spec);

  Cgroup::RemoveTree(top);
  EXPECT_FALSE(std::filesystem::exists(Cgroup::Root() / top));
  EXPECT_TRUE(leftover.WaitFor(1s));
  Cgroup::RemoveTree(top);  // missing: no-op
}

}  // namespace
}  // namespace viplab
