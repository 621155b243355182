// NodeInit: the harness's handle on viplab-init, PID 1 of one lab node's PID namespace (issue 10
// certify: "checks see only their node"; the program is daemon/init/main.cc, the kernel rules
// are in netns/pid_namespace.h).
//
// Start() forks viplab-init as PID 1 of a new PID namespace, inside the node's network namespace,
// its sandbox's mount and UTS namespaces and its cgroup. viplab-init makes a mount namespace of
// its own (a private copy of the sandbox's: the same /run, /tmp, /etc/keepalived) with a /proc of
// the new PID namespace and reports READY. A process started "in the node" joins pidns_fd() and
// mntns_fd() (ProcessSpec::pidns_fd, and mntns_fd instead of the sandbox's); there ps, pidof and
// killall see only the node. The sandbox's own mount namespace keeps the host's /proc: keepalived
// with track_process stays there, in the host PID namespace, and runs its scripts through
// viplab-nsenter, which finds the init by the pid file Start() writes (`pid_file`).
//
// viplab-init never exits because a child did; Stop() (SIGTERM from the harness) ends it and the
// kernel then kills whatever is left in the namespace. A node power-off (cgroup.kill) kills it
// like every other process of the node: Running() then says false and the lab starts a new one.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "daemon/process.h"
#include "netns/pid_namespace.h"
#include "netns/unique_fd.h"

namespace viplab {

class NodeSandbox;

struct NodeInitSpec {
  std::string node;  // for messages
  // The program as the sandbox sees it (the lab copies it to /etc/keepalived/bin/viplab-init).
  std::filesystem::path binary;
  int netns_fd = -1;
  const NodeSandbox* sandbox = nullptr;
  std::filesystem::path cgroup_dir;
  std::filesystem::path log_file;  // viplab-init's stderr
  // Host path of the file that gets viplab-init's pid as the harness (and a keepalived in the
  // host PID namespace) sees it, mode 0644, replaced atomically; removed by Stop(). Empty: none.
  std::filesystem::path pid_file;
  std::chrono::milliseconds ready_timeout{5000};
};

class NodeInit {
 public:
  // Throws SystemError (with viplab-init's own message) when it does not come up.
  static NodeInit Start(const NodeInitSpec& spec);

  NodeInit(NodeInit&&) noexcept = default;
  NodeInit& operator=(NodeInit&&) noexcept = default;
  ~NodeInit();  // Stop(1 s) if still running

  pid_t pid() const { return process_.pid(); }  // as the harness sees it
  int pidfd() const { return process_.pidfd(); }
  int pidns_fd() const { return pidns_.get(); }  // the node's PID namespace
  int mntns_fd() const { return mntns_.get(); }  // the mount namespace with the node's /proc
  const NamespaceId& pid_namespace() const { return pid_namespace_; }
  bool Running() { return process_.Running(); }

  // The harness's pid of the process of this namespace whose pid inside is `inner` (e.g. read
  // from a pid file written inside), searched among `candidates` (e.g. the node cgroup's pids).
  std::optional<pid_t> OuterPid(pid_t inner, const std::vector<pid_t>& candidates) const;

  // SIGTERM, wait up to `grace`, then SIGKILL; the namespace dies with it. Removes the pid file.
  // Returns the wait status. Idempotent.
  int Stop(std::chrono::milliseconds grace) noexcept;

 private:
  NodeInit(Process process, UniqueFd pidns, UniqueFd mntns, std::filesystem::path pid_file);
  Process process_;
  UniqueFd pidns_;
  UniqueFd mntns_;
  NamespaceId pid_namespace_;
  std::filesystem::path pid_file_;
};

}  // namespace viplab
