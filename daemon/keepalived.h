// Keepalived: one real keepalived daemon of one node.
//
// It is started from the *host* network namespace with `--namespace <netns>` so it can open the
// kernel's process-event connector (which exists only in the initial network namespace; needed by
// track_process) before switching into the node's namespace. It runs inside the node's mount and
// UTS namespaces (NodeSandbox), in the foreground (--dont-fork), VRRP only, logging to the console
// which is appended to the node's log file. Pid files live in the node's private /tmp.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/process.h"
#include "netns/pid_namespace.h"

namespace viplab {

class NodeInit;
class NodeSandbox;

// Path of the keepalived binary (PATH, then /usr/sbin); throws EnvironmentError naming the
// Debian package "keepalived" when it is missing.
std::filesystem::path FindKeepalived();

struct KeepalivedSpec {
  std::string node;                      // node name, for messages
  std::filesystem::path binary;          // FindKeepalived()
  std::string netns_name;                // named netns under /run/netns
  const NodeSandbox* sandbox = nullptr;  // mount+UTS namespaces of the node
  // The node's PID namespace (pid_namespaces labs, daemon/node_init.h): keepalived runs inside it
  // (never as its PID 1), in the mount namespace with the node's /proc, and VrrpChildPid()
  // translates the pid it writes. nullptr: the host's PID namespace (needed by track_process).
  const NodeInit* init = nullptr;
  std::string config_path = "/etc/keepalived/keepalived.conf";  // as seen inside the sandbox
  std::filesystem::path log_file;                               // host path
  std::filesystem::path cgroup_dir;                             // node cgroup
  std::vector<std::string> extra_args;
};

// Runs `keepalived --config-test` on the spec's config inside the sandbox. Returns nullopt when
// valid (or when keepalived only cleared a preemption setting, see OnlyClearsPreemption), else
// keepalived's own messages.
std::optional<std::string> TestKeepalivedConfig(const KeepalivedSpec& spec);

// True when every line of --config-test's output is one of keepalived 2.2.7's "clearing"
// messages for state MASTER + nopreempt / preempt_delay, or nopreempt + preempt_delay
// (vrrp.c, vrrp_complete_instance). These are config errors (exit 5), but the daemon runs with
// the setting cleared, so the lab runs such a config as keepalived would.
bool OnlyClearsPreemption(std::string_view messages);

class Keepalived {
 public:
  static Keepalived Start(const KeepalivedSpec& spec);

  pid_t parent_pid() const { return process_.pid(); }
  // Pid of the VRRP child from the -r pidfile, as the harness sees it (translated from the
  // node's PID namespace when keepalived runs in one); nullopt before keepalived wrote it.
  std::optional<pid_t> VrrpChildPid() const;
  Process& process() { return process_; }
  // Graceful stop: SIGTERM, wait up to `grace`, then SIGKILL.
  int Stop(std::chrono::milliseconds grace) noexcept { return process_.Stop(grace); }

  // Host paths of the pid files (inside the sandbox they are /tmp/keepalived.pid, /tmp/vrrp.pid).
  std::filesystem::path pidfile() const;
  std::filesystem::path vrrp_pidfile() const;

 private:
  Keepalived(Process process, std::filesystem::path tmp_dir)
      : process_(std::move(process)), tmp_dir_(std::move(tmp_dir)) {}
  Process process_;
  std::filesystem::path tmp_dir_;
  std::optional<NamespaceId> pid_namespace_;  // set when it runs in a node's PID namespace
  std::filesystem::path cgroup_dir_;
};

}  // namespace viplab
