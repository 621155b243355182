#include "tests/common/lab_env.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace viplab::testing {

std::optional<std::string> LabSkipReason() {
  if (::geteuid() != 0) return "lab tests need root (run them with sudo ctest -L lab)";
  return std::nullopt;
}

std::string Shell(const std::string& command, int* status) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  std::array<char, 4096> chunk{};
  while (size_t n = std::fread(chunk.data(), 1, chunk.size(), pipe)) output.append(chunk.data(), n);
  const int rc = ::pclose(pipe);
  if (status != nullptr) *status = rc;
  return output;
}

std::string HostNetworkSnapshot() {
  return Shell(
      "ip -br link; ip -br -4 addr; ip -br -6 addr; ip route show table all; "
      "ip -6 route show table all; ip rule; nft list ruleset");
}

std::vector<std::string> NamespacesWithPrefix(const std::string& prefix) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0) names.push_back(name);
  }
  return names;
}

std::vector<std::string> LabNamespaces() { return NamespacesWithPrefix("vl-"); }

std::vector<std::string> MountsContaining(const std::string& needle) {
  std::ifstream in("/proc/self/mountinfo");
  std::vector<std::string> found;
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) found.push_back(line);
  }
  return found;
}

std::vector<std::string> LabLeftovers(const std::string& prefix) {
  std::vector<std::string> left;
  for (const auto& name : LabNamespaces()) {
    if (name.rfind(prefix, 0) == 0) left.push_back("namespace " + name);
  }
  const std::string lab = prefix.substr(0, prefix.size() - 1);  // "vl-3"
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path("/run/viplab") / lab, ec)) {
    left.push_back("directory /run/viplab/" + lab);
  }
  std::ifstream mounts("/proc/mounts");
  std::string line;
  while (std::getline(mounts, line)) {
    if (line.find("/run/viplab/" + lab + "/") != std::string::npos) left.push_back("mount " + line);
  }
  for (const char* root : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
    const auto cg = std::filesystem::path(root) / "viplab" / lab;
    if (std::filesystem::exists(cg, ec)) left.push_back("cgroup " + cg.string());
  }
  return left;
}

std::vector<pid_t> ChildProcesses() {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream in(task.path() / "children");
    pid_t pid;
    while (in >> pid) pids.push_back(pid);
  }
  return pids;
}

void LabTest::SetUp() {
  VIPLAB_SKIP_UNLESS_LAB();
  static int counter = 0;
  prefix_ = fmt::format("vlt-{}-{}-", ::getpid(), ++counter);
}

void LabTest::TearDown() {
  if (prefix_.empty()) return;
  const std::vector<std::string> namespaces = NamespacesWithPrefix(prefix_);
  EXPECT_TRUE(namespaces.empty()) << "namespaces left behind: "
                                  << fmt::format("{}", fmt::join(namespaces, ", "));
  const std::vector<std::string> mounts = MountsContaining(prefix_);
  EXPECT_TRUE(mounts.empty()) << "mounts left behind: "
                              << fmt::format("{}", fmt::join(mounts, "\n"));
}

VethSpec Veth(std::string name, std::string peer_name, int peer_ns_fd,
              std::optional<std::string> master, bool up) {
  VethSpec spec;
  spec.name = std::move(name);
  spec.peer_name = std::move(peer_name);
  spec.peer_ns_fd = peer_ns_fd;
  spec.master = std::move(master);
  spec.up = up;
  return spec;
}

}  // namespace viplab::testing
