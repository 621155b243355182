// NodeSandbox: the persistent mount and UTS namespaces of one lab node.
//
// Inside the node's mount namespace /run, /tmp and /etc/keepalived are private: /run is a fresh
// tmpfs whose /run/netns shows the node's own named network namespace (`visible_netns`, because
// `keepalived --namespace` opens it there) — only that one, so a sandbox never holds references
// on other labs' namespaces — or, without `visible_netns`, every named namespace that exists at
// creation, and /tmp and /etc/keepalived are bind mounts of
// directories on the host (`host_dir`/tmp and `host_dir`/etc-keepalived) so the harness can write
// configs and read pid files and logs. The UTS namespace's hostname is the node name.
//
// Both namespaces are kept alive by bind mounts of their nsfs files under `host_dir` (which must
// not be inside a shared mount) and are released by the destructor. Processes join them in their
// pre-exec hook with setns(mnt_fd(), CLONE_NEWNS) and setns(uts_fd(), CLONE_NEWUTS).
#pragma once

#include <filesystem>
#include <string>

#include "netns/unique_fd.h"

namespace viplab {

class NodeSandbox {
 public:
  static NodeSandbox Create(const std::filesystem::path& host_dir, const std::string& hostname,
                            const std::string& visible_netns = {});
  // Unmounts the nsfs bind mounts under `host_dir` if present (used by `viplab clean`).
  static void RemoveAt(const std::filesystem::path& host_dir) noexcept;

  NodeSandbox(NodeSandbox&&) noexcept;
  NodeSandbox& operator=(NodeSandbox&&) noexcept;
  ~NodeSandbox();

  int mnt_fd() const { return mnt_fd_.get(); }
  int uts_fd() const { return uts_fd_.get(); }
  const std::filesystem::path& host_dir() const { return host_dir_; }
  std::filesystem::path tmp_dir() const { return host_dir_ / "tmp"; }
  std::filesystem::path etc_keepalived_dir() const { return host_dir_ / "etc-keepalived"; }

 private:
  NodeSandbox() = default;
  std::filesystem::path host_dir_;
  UniqueFd mnt_fd_;
  UniqueFd uts_fd_;
  bool owned_ = false;
};

}  // namespace viplab
