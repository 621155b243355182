// Cgroup: one cgroup v2 directory. Every lab gets one (and one per node below it) so that a node
// can be frozen or killed as a unit and nothing a lab started can escape teardown: Kill() uses
// cgroup.kill, which also reaches the keepalived VRRP child and check scripts. Create is
// idempotent; Remove kills what is left and removes the directories, children first.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <vector>

namespace viplab {

class Cgroup {
 public:
  // The cgroup v2 mount point from /proc/mounts (here /sys/fs/cgroup/unified). Throws
  // EnvironmentError when cgroup v2 is not mounted.
  static std::filesystem::path Root();
  // mkdir -p Root()/relative. Throws SystemError.
  static Cgroup Create(const std::filesystem::path& relative);
  // Kills everything below Root()/relative and removes it; no-op when missing. For `viplab clean`.
  static void RemoveTree(const std::filesystem::path& relative) noexcept;

  Cgroup() = default;
  const std::filesystem::path& dir() const { return dir_; }
  std::vector<pid_t> Pids() const;  // cgroup.procs
  // cgroup.procs of the cgroup directory `dir` (absolute).
  static std::vector<pid_t> PidsIn(const std::filesystem::path& dir);
  bool Populated() const;  // "populated 1" in cgroup.events
  // Writes cgroup.freeze and waits (poll on cgroup.events) until "frozen" matches.
  void Freeze(bool frozen, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Writes 1 to cgroup.kill and waits until the cgroup is empty. Throws on timeout. `meanwhile`
  // (optional) runs between the two: every process then has a SIGKILL pending (it dies at its
  // next return to user space, without running any more of its own code) but may not be gone.
  void Kill(std::chrono::milliseconds timeout = std::chrono::seconds(5),
            const std::function<void()>& meanwhile = {});
  // Kill() then rmdir (children first). Never throws.
  void Remove() noexcept;

 private:
  explicit Cgroup(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

}  // namespace viplab
