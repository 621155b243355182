#include "netns/node_sandbox.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include "netns/error.h"
#include "netns/network_namespace.h"
#include "tests/common/lab_env.h"

namespace viplab {
namespace {

namespace fs = std::filesystem;

class NodeSandboxTest : public testing::LabTest {
 protected:
  void SetUp() override {
    LabTest::SetUp();
    if (IsSkipped()) return;
    base_ = fs::path("/tmp") / Name("sandbox");
    fs::create_directories(base_);
  }
  void TearDown() override {
    if (!base_.empty()) {
      std::error_code ec;
      fs::remove_all(base_, ec);
      EXPECT_FALSE(ec) << ec.message();
    }
    LabTest::TearDown();
  }

  void WriteFile(const fs::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
  }

  fs::path base_;
};

std::string Hostname() {
  char name[256] = {};
  ::gethostname(name, sizeof(name) - 1);
  return name;
}

bool IsNsfsMount(const fs::path& file) {
  struct statfs st {};
  return ::statfs(file.c_str(), &st) == 0 && st.f_type == NSFS_MAGIC;
}

// Result bits of the checks a child makes inside the sandbox (0 = all good).
enum Check : int {
  kSetnsFailed = 1,
  kWrongHostname = 2,
  kNoTmpMarker = 4,
  kNoEtcMarker = 8,
  kNoNetns = 16,
  kRunNotTmpfs = 32,
  kHostTmpVisible = 64,
};

// fork()ed child: joins the sandbox like a daemon's pre-exec hook, checks what it sees, and
// reports through its exit status. Only async-signal-safe calls after fork().
int CheckInsideSandbox(const NodeSandbox& sandbox, const char* hostname, const char* tmp_marker,
                       const char* etc_marker, const char* netns_file,
                       const char* host_tmp_marker) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::setns(sandbox.uts_fd(), CLONE_NEWUTS) < 0 || ::setns(sandbox.mnt_fd(), CLONE_NEWNS) < 0) {
      ::_exit(kSetnsFailed);
    }
    int result = 0;
    char name[256] = {};
    if (::gethostname(name, sizeof(name) - 1) < 0 || std::strcmp(name, hostname) != 0) {
      result |= kWrongHostname;
    }
    if (::access(tmp_marker, F_OK) != 0) result |= kNoTmpMarker;
    if (::access(etc_marker, F_OK) != 0) result |= kNoEtcMarker;
    if (::access(netns_file, F_OK) != 0) result |= kNoNetns;
    struct statfs st {};
    if (::statfs("/run", &st) != 0 || st.f_type != TMPFS_MAGIC) result |= kRunNotTmpfs;
    if (::access(host_tmp_marker, F_OK) == 0) result |= kHostTmpVisible;
    ::_exit(result);
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST_F(NodeSandboxTest, ChildSeesHostnamePrivateTmpEtcAndNetns) {
  // Network namespaces first: the sandbox clones /run/netns as it is at creation.
  NetworkNamespace ns = NetworkNamespace::Create(Name("net"));
  const std::string host_hostname = Hostname();
  const fs::path host_dir = base_ / "n1";
  const std::string host_tmp_marker = "/tmp/" + Name("host-only");
  WriteFile(host_tmp_marker, "host");

  NodeSandbox sandbox = NodeSandbox::Create(host_dir, "vlt-node-1");
  EXPECT_EQ(sandbox.host_dir(), host_dir);
  EXPECT_EQ(sandbox.tmp_dir(), host_dir / "tmp");
  EXPECT_EQ(sandbox.etc_keepalived_dir(), host_dir / "etc-keepalived");
  EXPECT_EQ(::ioctl(sandbox.mnt_fd(), NS_GET_NSTYPE), CLONE_NEWNS);
  EXPECT_EQ(::ioctl(sandbox.uts_fd(), NS_GET_NSTYPE), CLONE_NEWUTS);
  EXPECT_TRUE(IsNsfsMount(host_dir / "mnt.ns"));
  EXPECT_TRUE(IsNsfsMount(host_dir / "uts.ns"));

  WriteFile(sandbox.tmp_dir() / "marker", "x");
  WriteFile(sandbox.etc_keepalived_dir() / "keepalived.conf", "x");
  const std::string netns_file = "/run/netns/" + Name("net");
  EXPECT_EQ(
      CheckInsideSandbox(sandbox, "vlt-node-1", "/tmp/marker", "/etc/keepalived/keepalived.conf",
                         netns_file.c_str(), host_tmp_marker.c_str()),
      0);

  // The host is untouched.
  EXPECT_EQ(Hostname(), host_hostname);
  EXPECT_FALSE(fs::exists("/tmp/marker"));
  EXPECT_FALSE(fs::exists("/etc/keepalived/keepalived.conf") &&
               fs::exists(sandbox.etc_keepalived_dir() / "keepalived.conf") &&
               fs::equivalent("/etc/keepalived/keepalived.conf",
                              sandbox.etc_keepalived_dir() / "keepalived.conf"));
  fs::remove(host_tmp_marker);
}

TEST_F(NodeSandboxTest, ShowsOnlyItsOwnNetnsWhenNamed) {
  NetworkNamespace own = NetworkNamespace::Create(Name("own"));
  NetworkNamespace other = NetworkNamespace::Create(Name("other"));
  NodeSandbox sandbox = NodeSandbox::Create(base_ / "n1", "vlt-own", own.name());
  const std::string own_file = "/run/netns/" + own.name();
  const std::string other_file = "/run/netns/" + other.name();
  EXPECT_EQ(CheckInsideSandbox(sandbox, "vlt-own", "/tmp", "/etc/keepalived", own_file.c_str(),
                               "/nonexistent"),
            0);
  // The other lab's namespace is neither visible nor pinned by this sandbox.
  EXPECT_EQ(CheckInsideSandbox(sandbox, "vlt-own", "/tmp", "/etc/keepalived", other_file.c_str(),
                               "/nonexistent"),
            kNoNetns);
}

TEST_F(NodeSandboxTest, TwoSandboxesAreIndependent) {
  NodeSandbox a = NodeSandbox::Create(base_ / "a", "vlt-a");
  NodeSandbox b = NodeSandbox::Create(base_ / "b", "vlt-b");
  WriteFile(a.tmp_dir() / "only-a", "a");
  EXPECT_EQ(CheckInsideSandbox(a, "vlt-a", "/tmp/only-a", "/etc/keepalived", "/run/netns",
                               "/nonexistent"),
            0);
  EXPECT_EQ(CheckInsideSandbox(b, "vlt-b", "/tmp/only-a", "/etc/keepalived", "/run/netns",
                               "/nonexistent"),
            kNoTmpMarker);
}

TEST_F(NodeSandboxTest, DestructorAndRemoveAtReleaseEverything) {
  const fs::path host_dir = base_ / "n1";
  {
    NodeSandbox sandbox = NodeSandbox::Create(host_dir, "vlt-node");
    NodeSandbox moved = std::move(sandbox);  // the moved-from handle must not tear down
    EXPECT_TRUE(IsNsfsMount(host_dir / "mnt.ns"));
  }
  EXPECT_FALSE(fs::exists(host_dir / "mnt.ns"));
  EXPECT_FALSE(fs::exists(host_dir / "uts.ns"));
  EXPECT_TRUE(testing::MountsContaining(host_dir.string()).empty());
  NodeSandbox::RemoveAt(host_dir);  // idempotent
  NodeSandbox::RemoveAt(base_ / "never-created");

  // A crashed run leaves mounts behind; RemoveAt (what `viplab clean` calls) clears them.
  NodeSandbox leaked = NodeSandbox::Create(host_dir, "vlt-node");
  NodeSandbox::RemoveAt(host_dir);
  EXPECT_TRUE(testing::MountsContaining(host_dir.string()).empty());
}

TEST_F(NodeSandboxTest, SecondSandboxInTheSameDirectoryFails) {
  NodeSandbox first = NodeSandbox::Create(base_ / "n1", "vlt-node");
  try {
    NodeSandbox::Create(base_ / "n1", "vlt-node");
    FAIL() << "second sandbox created";
  } catch (const SystemError& e) {
    EXPECT_EQ(e.code(), EEXIST);
  }
  // The failure did not tear down the first one.
  EXPECT_TRUE(IsNsfsMount(base_ / "n1" / "mnt.ns"));
  EXPECT_EQ(CheckInsideSandbox(first, "vlt-node", "/tmp", "/etc/keepalived", "/run/netns", "/x"),
            0);
}

// systemd makes / shared, with peers in other mount namespaces. The kernel refuses to bind-mount
// a mount-namespace file where the mount would propagate (EINVAL); Create must cope.
TEST_F(NodeSandboxTest, WorksBelowASharedMountWithPeers) {
  const fs::path shared = base_ / "shared";
  fs::create_directories(shared);
  ASSERT_EQ(::mount(shared.c_str(), shared.c_str(), nullptr, MS_BIND, nullptr), 0);
  ASSERT_EQ(::mount(nullptr, shared.c_str(), nullptr, MS_SHARED, nullptr), 0);
  // A mount namespace whose copy of `shared` is a peer of ours (propagation left unchanged).
  UniqueFd peer;
  std::thread([&] {
    if (::unshare(CLONE_NEWNS) == 0) peer.Reset(::open("/proc/thread-self/ns/mnt", O_RDONLY));
  }).join();
  ASSERT_TRUE(peer);

  {
    NodeSandbox sandbox = NodeSandbox::Create(shared / "n1", "vlt-shared");
    EXPECT_EQ(
        CheckInsideSandbox(sandbox, "vlt-shared", "/tmp", "/etc/keepalived", "/run/netns", "/x"),
        0);
    // The rule itself: the same bind-mount straight into the shared mount is refused.
    const fs::path raw = shared / "raw.ns";
    WriteFile(raw, "");
    const std::string source = fmt::format("/proc/self/fd/{}", sandbox.mnt_fd());
    EXPECT_EQ(::mount(source.c_str(), raw.c_str(), nullptr, MS_BIND, nullptr), -1);
    EXPECT_EQ(errno, EINVAL);
    ::umount2(raw.c_str(), MNT_DETACH);  // in case the kernel ever allows it
  }
  peer.Reset();
  EXPECT_EQ(::umount2(shared.c_str(), MNT_DETACH), 0);
}

}  // namespace
}  // namespace viplab
