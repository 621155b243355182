// Helpers of the daemon lab tests (link viplab_daemon): a cgroup that cleans up after itself, a
// free loopback port, and running a command to completion.
#pragma once

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/cgroup.h"
#include "daemon/process.h"
#include "netns/unique_fd.h"
#include "tests/common/lab_env.h"

namespace viplab::testing {

// cgroup viplab-test-<pid>/<name>, killed and removed (with the per-test parent) at the end.
class ScopedCgroup {
 public:
  explicit ScopedCgroup(const std::string& name)
      : parent_(fmt::format("viplab-test-{}", ::getpid())),
        cgroup_(Cgroup::Create(parent_ / name)) {}
  ~ScopedCgroup() {
    cgroup_.Remove();
    Cgroup::RemoveTree(parent_);
  }
  ScopedCgroup(const ScopedCgroup&) = delete;
  ScopedCgroup& operator=(const ScopedCgroup&) = delete;
  Cgroup& operator*() { return cgroup_; }
  Cgroup* operator->() { return &cgroup_; }
  const std::filesystem::path& parent() const { return parent_; }

 private:
  std::filesystem::path parent_;
  Cgroup cgroup_;
};

// A port that was free a moment ago on 127.0.0.1.
inline int FreeLoopbackPort() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
    throw std::runtime_error("could not find a free port");
  }
  return ntohs(addr.sin_port);
}

// Runs a command to completion (at most 10 s) and returns its wait status.
inline int RunToEnd(std::vector<std::string> argv, const std::filesystem::path& log = {}) {
  ProcessSpec spec;
  spec.label = argv.front();
  spec.argv = std::move(argv);
  spec.log_file = log;
  Process process = Process::Start(spec);
  const auto status = process.WaitFor(std::chrono::seconds(10));
  if (!status) throw std::runtime_error(fmt::format("{} did not finish", spec.label));
  return *status;
}

}  // namespace viplab::testing
