// LabDirectory: the per-lab record under /run/viplab/vl-<id>/. The id is allocated atomically
// (mkdir of the first free vl-<id>), so concurrent labs never share a prefix. lab.json records
// the owner's pid and start time; `viplab clean` uses it to tell a live lab from one a SIGKILLed
// run left behind. Everything the lab creates carries the prefix "vl-<id>-".
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace viplab {

inline constexpr const char* kStateRoot = "/run/viplab";

struct LabRecord {
  int id = 0;
  std::string prefix;  // "vl-<id>-"
  pid_t owner_pid = 0;
  unsigned long long owner_start_ticks = 0;  // /proc/<pid>/stat field 22, guards pid reuse
  std::string cgroup;                        // relative to the cgroup v2 root
  std::filesystem::path dir;

  bool OwnerAlive() const;
};

class LabDirectory {
 public:
  // Creates /run/viplab/vl-<id> with the first free id and writes lab.json. Throws SystemError.
  static LabDirectory Allocate();

  LabDirectory(LabDirectory&&) noexcept;
  LabDirectory& operator=(LabDirectory&&) = delete;
  ~LabDirectory();  // removes the directory tree; never throws

  const LabRecord& record() const { return record_; }
  int id() const { return record_.id; }
  const std::string& prefix() const { return record_.prefix; }
  const std::filesystem::path& dir() const { return record_.dir; }

 private:
  explicit LabDirectory(LabRecord record) : record_(std::move(record)), owned_(true) {}
  LabRecord record_;
  bool owned_ = false;
};

// Every lab record on this machine (live or stale).
std::vector<LabRecord> ListLabRecords();
std::string LabCgroupPath(int id);  // "viplab/vl-<id>"

}  // namespace viplab
