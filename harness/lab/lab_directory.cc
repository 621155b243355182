#include "harness/lab/lab_directory.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "netns/error.h"

namespace viplab {
namespace {

std::optional<unsigned long long> ProcessStartTicks(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  // Field 2 (comm) may hold spaces; fields after the last ')' are space separated.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  // Fields 3..21 precede starttime (22).
  for (int i = 3; i < 22; ++i) rest >> field;
  unsigned long long ticks = 0;
  if (!(rest >> ticks)) return std::nullopt;
  return ticks;
}

void WriteRecord(const LabRecord& r) {
  nlohmann::json j = {{"id", r.id},
                      {"prefix", r.prefix},
                      {"owner_pid", r.owner_pid},
                      {"owner_start_ticks", r.owner_start_ticks},
                      {"cgroup", r.cgroup}};
  const auto path = r.dir / "lab.json";
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  if (!out) throw SystemError::FromErrno(errno, fmt::format("could not write '{}'", path.string()));
}

}  // namespace

bool LabRecord::OwnerAlive() const {
  auto ticks = ProcessStartTicks(owner_pid);
  return ticks && *ticks == owner_start_ticks;
}

std::string LabCgroupPath(int id) { return fmt::format("viplab/vl-{}", id); }

LabDirectory LabDirectory::Allocate() {
  std::error_code ec;
  std::filesystem::create_directories(kStateRoot, ec);
  if (ec) {
    throw SystemError::FromErrno(ec.value(), fmt::format("could not create '{}'", kStateRoot));
  }
  for (int id = 1; id < 10000; ++id) {
    const std::filesystem::path dir = fmt::format("{}/vl-{}", kStateRoot, id);
    if (::mkdir(dir.c_str(), 0755) == 0) {
      LabRecord r;
      r.id = id;
      r.prefix = fmt::format("vl-{}-", id);
      r.owner_pid = ::getpid();
      r.owner_start_ticks = ProcessStartTicks(r.owner_pid).value_or(0);
      r.cgroup = LabCgroupPath(id);
      r.dir = dir;
      LabDirectory lab(std::move(r));
      WriteRecord(lab.record_);
      return lab;
    }
    if (errno != EEXIST) {
      throw SystemError::FromErrno(errno, fmt::format("could not create '{}'", dir.string()));
    }
  }
  throw SystemError::Plain(fmt::format("no free lab id under {}: run 'viplab clean'", kStateRoot));
}

LabDirectory::LabDirectory(LabDirectory&& other) noexcept
    : record_(std::move(other.record_)), owned_(std::exchange(other.owned_, false)) {}

LabDirectory::~LabDirectory() {
  if (!owned_) return;
  std::error_code ec;
  std::filesystem::remove_all(record_.dir, ec);
}

std::vector<LabRecord> ListLabRecords() {
  std::vector<LabRecord> records;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kStateRoot, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("vl-", 0) != 0) continue;
    LabRecord r;
    r.dir = entry.path();
    try {
      r.id = std::stoi(name.substr(3));
    } catch (const std::exception&) {
      continue;
    }
    r.prefix = fmt::format("vl-{}-", r.id);
    r.cgroup = LabCgroupPath(r.id);
    std::ifstream in(entry.path() / "lab.json");
    try {
      auto j = nlohmann::json::parse(in);
      r.owner_pid = j.at("owner_pid").get<pid_t>();
      r.owner_start_ticks = j.at("owner_start_ticks").get<unsigned long long>();
    } catch (const std::exception&) {
      // A record cut short by a crash between mkdir and write: treat as stale (owner_pid 0).
    }
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace viplab
