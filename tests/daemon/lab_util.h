// Helpers of the daemon lab tests: root check, scratch directories and cgroups that clean up
// after themselves, and event-driven waits (poll/inotify with deadlines, never sleeps).
#pragma once

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/cgroup.h"
#include "daemon/process.h"
#include "netns/unique_fd.h"

namespace viplab::testing {

#define VIPLAB_REQUIRE_ROOT() \
  if (::geteuid() != 0) GTEST_SKIP() << "lab tests need root (run them with sudo ctest -L lab)"

inline std::filesystem::path BuildDir() { return VIPLAB_BUILD_DIR; }
inline std::filesystem::path StandinBinary() { return BuildDir() / "haproxy"; }
inline std::filesystem::path CheckBinary() { return BuildDir() / "viplab-check"; }

// A fresh directory (mkdtemp under /tmp), removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/vlt-daemon-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

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

inline int RemainingMs(std::chrono::steady_clock::time_point deadline) {
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<int64_t>(left.count(), 0));
}

// One line from a pipe (poll with deadline); nullopt on timeout or EOF.
inline std::optional<std::string> ReadLine(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string line;
  while (true) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, RemainingMs(deadline)) <= 0) return std::nullopt;
    char c;
    if (::read(fd, &c, 1) != 1) return std::nullopt;
    if (c == '\n') return line;
    line.push_back(c);
  }
}

// True once `path` is readable within `timeout` (a pidfd: the process exited).
inline bool Readable(int fd, std::chrono::milliseconds timeout) {
  pollfd pfd{fd, POLLIN, 0};
  return ::poll(&pfd, 1, static_cast<int>(timeout.count())) == 1;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Waits until `path` contains `text`, woken by inotify on every write to it.
inline bool WaitForFileContains(const std::filesystem::path& path, const std::string& text,
                                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  UniqueFd inotify(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!inotify || ::inotify_add_watch(inotify.get(), path.c_str(), IN_MODIFY) < 0) return false;
  while (true) {
    if (ReadFile(path).find(text) != std::string::npos) return true;
    pollfd pfd{inotify.get(), POLLIN, 0};
    if (::poll(&pfd, 1, RemainingMs(deadline)) <= 0) return false;
    char buf[4096];
    while (::read(inotify.get(), buf, sizeof(buf)) > 0) {
    }
  }
}

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
