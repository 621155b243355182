#include "netns/node_sandbox.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <limits.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string_view>
#include <system_error>

#include "netns/error.h"
#include "netns/network_namespace.h"
#include "netns/run_on_thread.h"

namespace viplab {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMntFile = "mnt.ns";
constexpr std::string_view kUtsFile = "uts.ns";

// Mount points in /proc/*/mountinfo escape space, tab, newline and backslash as \ooo.
std::string Unescape(std::string_view s) {
  auto is_octal = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && is_octal(s[i + 1]) && is_octal(s[i + 2]) &&
        is_octal(s[i + 3])) {
      out.push_back(
          static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The copy of the host's mount table made by unshare(CLONE_NEWNS) holds a reference on every
// nsfs mount in it (named network namespaces, other sandboxes' UTS namespaces), which would keep
// those namespaces alive as long as this sandbox lives; and whatever is mounted at or below /run
// would only lie hidden under the fresh tmpfs (confusing `mount` output inside the node). Detach
// both kinds; /run/netns comes back from a clone taken beforehand. (The kernel itself never
// copies mount-namespace nsfs mounts into a new mount namespace.)
void DetachInheritedMounts() {
  std::ifstream mountinfo("/proc/thread-self/mountinfo");
  std::string line;
  std::vector<std::string> targets;
  while (std::getline(mountinfo, line)) {
    // "<id> <parent> <dev> <root> <mount point> <options> [optional...] - <fstype> ..."
    size_t pos = 0;
    for (int field = 0; field < 4 && pos != std::string::npos; ++field) {
      pos = line.find(' ', pos);
      if (pos != std::string::npos) ++pos;
    }
    const size_t sep = line.find(" - ");
    if (pos == std::string::npos || sep == std::string::npos) continue;
    const std::string target =
        Unescape(std::string_view(line).substr(pos, line.find(' ', pos) - pos));
    const bool nsfs = line.compare(sep + 3, 5, "nsfs ") == 0;
    const bool under_run = target == "/run" || target.rfind("/run/", 0) == 0;
    if (nsfs || under_run) targets.push_back(target);
  }
  // Parents before children; a detached parent takes its children along (EINVAL afterwards).
  for (const std::string& target : targets) ::umount2(target.c_str(), MNT_DETACH);
}

void Check(int result, std::string_view hostname, std::string_view what) {
  if (result < 0) {
    throw SystemError::FromErrno(errno,
                                 fmt::format("could not set up sandbox '{}': {}", hostname, what));
  }
}

UniqueFd OpenTreeClone(const fs::path& path, unsigned flags, std::string_view hostname) {
  UniqueFd fd(::open_tree(AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | flags));
  Check(fd.get(), hostname, fmt::format("clone the mount at {}", path.string()));
  return fd;
}

void MoveMount(const UniqueFd& tree, const char* target, std::string_view hostname) {
  Check(::move_mount(tree.get(), "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH), hostname,
        fmt::format("attach the mount at {}", target));
}

// Runs on a throw-away thread: unshare() moves only this thread into the new namespaces, which
// then live on through the returned fds (and, once the caller bind-mounts them, the files).
void BuildNamespaces(const fs::path& host_dir, const std::string& hostname,
                     const std::string& visible_netns, UniqueFd& mnt_fd, UniqueFd& uts_fd) {
  // CLONE_NEWNS implies unsharing this thread's fs_struct (cwd/root) from the process.
  Check(::unshare(CLONE_NEWNS | CLONE_NEWUTS), hostname, "unshare mount and UTS namespaces");
  // Nothing done here may propagate back to the host, and nothing the host mounts later may
  // propagate in: make every copied mount private.
  Check(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), hostname, "make / private");
  Check(::sethostname(hostname.data(), hostname.size()), hostname, "set the hostname");

  // Detached clones of what must survive the fresh /run (host_dir may itself be under /run).
  const fs::path own_netns = fs::path(kNetnsRunDir) / visible_netns;
  UniqueFd netns_tree = visible_netns.empty()
                            ? OpenTreeClone(fs::path(kNetnsRunDir), AT_RECURSIVE, hostname)
                            : OpenTreeClone(own_netns, 0, hostname);
  UniqueFd tmp_tree = OpenTreeClone(host_dir / "tmp", 0, hostname);
  UniqueFd etc_tree = OpenTreeClone(host_dir / "etc-keepalived", 0, hostname);

  DetachInheritedMounts();
  Check(::mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"), hostname,
        "mount a tmpfs on /run");
  Check(::mkdir("/run/netns", 0755), hostname, "create /run/netns");
  if (visible_netns.empty()) {
    MoveMount(netns_tree, "/run/netns", hostname);
  } else {
    const std::string target = "/run/netns/" + visible_netns;
    const int fd = ::open(target.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    Check(fd, hostname, fmt::format("create {}", target));
    ::close(fd);
    MoveMount(netns_tree, target.c_str(), hostname);
  }
  MoveMount(tmp_tree, "/tmp", hostname);
  MoveMount(etc_tree, "/etc/keepalived", hostname);

  mnt_fd.Reset(::open("/proc/thread-self/ns/mnt", O_RDONLY | O_CLOEXEC));
  Check(mnt_fd.get(), hostname, "open the mount namespace");
  uts_fd.Reset(::open("/proc/thread-self/ns/uts", O_RDONLY | O_CLOEXEC));
  Check(uts_fd.get(), hostname, "open the UTS namespace");
}

void MakeDir(const fs::path& dir, std::string_view context) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw SystemError::FromErrno(ec.value(), fmt::format("{}: create {}", context, dir.string()));
}

void CreateMarkerFile(const fs::path& file, std::string_view context) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  if (fd < 0) {
    throw SystemError::FromErrno(errno, fmt::format("{}: create {}", context, file.string()));
  }
  ::close(fd);
}

void BindNsFile(const UniqueFd& ns_fd, const fs::path& file, std::string_view context) {
  const std::string source = fmt::format("/proc/self/fd/{}", ns_fd.get());
  if (::mount(source.c_str(), file.c_str(), nullptr, MS_BIND, nullptr) < 0) {
    throw SystemError::FromErrno(errno, fmt::format("{}: bind-mount {}", context, file.string()));
  }
}

}  // namespace

NodeSandbox NodeSandbox::Create(const fs::path& host_dir_arg, const std::string& hostname,
                                const std::string& visible_netns) {
  const fs::path host_dir = fs::absolute(host_dir_arg).lexically_normal();
  const std::string context =
      fmt::format("could not create sandbox '{}' in {}", hostname, host_dir.string());
  if (hostname.empty() || hostname.size() > HOST_NAME_MAX) {
    throw SystemError::FromErrno(EINVAL, fmt::format("{}: bad hostname", context));
  }

  MakeDir(host_dir / "tmp", context);
  MakeDir(host_dir / "etc-keepalived", context);
  ::chmod((host_dir / "tmp").c_str(), 01777);  // a /tmp for any user, like the real one
  // Mount targets must exist: /etc/keepalived (a directory on the host, created if missing) and
  // /run/netns (so the clone works before any named namespace exists).
  for (const char* dir : {"/etc/keepalived", "/run/netns"}) {
    if (::mkdir(dir, 0755) < 0 && errno != EEXIST) {
      throw SystemError::FromErrno(errno, fmt::format("{}: create {}", context, dir));
    }
  }

  // O_EXCL: never adopt (and later unmount) the files of a sandbox that is still alive.
  CreateMarkerFile(host_dir / kMntFile, context);
  try {
    CreateMarkerFile(host_dir / kUtsFile, context);
  } catch (...) {
    ::unlink((host_dir / kMntFile).c_str());
    throw;
  }
  NodeSandbox sandbox;  // from here on its destructor (RemoveAt) undoes a failed Create
  sandbox.host_dir_ = host_dir;
  sandbox.owned_ = true;

  UniqueFd mnt_fd;
  UniqueFd uts_fd;
  internal::RunOnThread(
      [&] { BuildNamespaces(host_dir, hostname, visible_netns, mnt_fd, uts_fd); });

  // The kernel refuses (EINVAL) to bind-mount a mount-namespace file where the new mount would
  // propagate to another mount namespace (that could make a namespace pin itself). host_dir's
  // mount may be shared (systemd makes / shared), so give host_dir a private mount of its own.
  if (::mount(host_dir.c_str(), host_dir.c_str(), nullptr, MS_BIND, nullptr) < 0 ||
      ::mount(nullptr, host_dir.c_str(), nullptr, MS_PRIVATE, nullptr) < 0) {
    throw SystemError::FromErrno(
        errno, fmt::format("{}: make {} a private mount", context, host_dir.string()));
  }
  BindNsFile(mnt_fd, host_dir / kMntFile, context);
  BindNsFile(uts_fd, host_dir / kUtsFile, context);
  sandbox.mnt_fd_ = std::move(mnt_fd);
  sandbox.uts_fd_ = std::move(uts_fd);
  return sandbox;
}

void NodeSandbox::RemoveAt(const fs::path& host_dir) noexcept {
  bool ours = false;
  for (std::string_view name : {kMntFile, kUtsFile}) {
    const fs::path file = host_dir / name;
    struct stat st {};
    if (::lstat(file.c_str(), &st) < 0) continue;
    ours = true;
    for (int i = 0; i < 16 && ::umount2(file.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0; ++i) {
    }
    ::unlink(file.c_str());
  }
  // The private self bind-mount of host_dir made by Create (only where our files were, so a
  // second call, or a directory that never held a sandbox, is left alone).
  if (ours) ::umount2(host_dir.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW);
}

NodeSandbox::NodeSandbox(NodeSandbox&& other) noexcept
    : host_dir_(std::move(other.host_dir_)),
      mnt_fd_(std::move(other.mnt_fd_)),
      uts_fd_(std::move(other.uts_fd_)),
      owned_(std::exchange(other.owned_, false)) {}

NodeSandbox& NodeSandbox::operator=(NodeSandbox&& other) noexcept {
  if (this != &other) {
    if (owned_) RemoveAt(host_dir_);
    host_dir_ = std::move(other.host_dir_);
    mnt_fd_ = std::move(other.mnt_fd_);
    uts_fd_ = std::move(other.uts_fd_);
    owned_ = std::exchange(other.owned_, false);
  }
  return *this;
}

NodeSandbox::~NodeSandbox() {
  if (owned_) RemoveAt(host_dir_);
}

}  // namespace viplab
