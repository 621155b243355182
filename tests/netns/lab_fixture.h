// Shared helpers of the netns lab tests: a per-test unique name prefix, a check that nothing with
// that prefix is left behind, and waiting on a condition variable with a deadline.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "netns/link.h"

namespace viplab::testing {

// Names under /run/netns starting with `prefix`.
inline std::vector<std::string> NamespacesWithPrefix(const std::string& prefix) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0) names.push_back(name);
  }
  return names;
}

// Mount points (from /proc/self/mountinfo) containing `needle`.
inline std::vector<std::string> MountsContaining(const std::string& needle) {
  std::ifstream in("/proc/self/mountinfo");
  std::vector<std::string> found;
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) found.push_back(line);
  }
  return found;
}

// Base fixture: skips without root, gives each test a unique prefix ("vlt-<pid>-<n>-") and fails
// the test if a namespace or mount carrying it survives the test body.
class LabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "lab tests need root";
    static int counter = 0;
    prefix_ = fmt::format("vlt-{}-{}-", ::getpid(), ++counter);
  }

  void TearDown() override {
    if (prefix_.empty()) return;
    EXPECT_TRUE(NamespacesWithPrefix(prefix_).empty())
        << "namespaces left behind: "
        << fmt::format("{}", fmt::join(NamespacesWithPrefix(prefix_), ", "));
    EXPECT_TRUE(MountsContaining(prefix_).empty())
        << "mounts left behind: " << fmt::format("{}", fmt::join(MountsContaining(prefix_), "\n"));
  }

  std::string Name(const std::string& suffix) const { return prefix_ + suffix; }

  std::string prefix_;
};

// A VethSpec without designated initializers (GCC 12 warns about the members they omit).
inline VethSpec Veth(std::string name, std::string peer_name, int peer_ns_fd = -1,
                     std::optional<std::string> master = std::nullopt, bool up = true) {
  VethSpec spec;
  spec.name = std::move(name);
  spec.peer_name = std::move(peer_name);
  spec.peer_ns_fd = peer_ns_fd;
  spec.master = std::move(master);
  spec.up = up;
  return spec;
}

// A list that one thread appends to and another waits on.
template <typename T>
class WaitableList {
 public:
  void Push(T value) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(std::move(value));
    }
    cv_.notify_all();
  }

  // Waits until `pred` holds for some item appended at index >= `from`; returns its index, or -1
  // at the deadline.
  template <typename Pred>
  int WaitFor(Pred pred, size_t from = 0,
              std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    int found = -1;
    cv_.wait_for(lock, timeout, [&] {
      for (size_t i = from; i < items_.size(); ++i) {
        if (pred(items_[i])) {
          found = static_cast<int>(i);
          return true;
        }
      }
      return false;
    });
    return found;
  }

  std::vector<T> Snapshot() const {
    std::lock_guard lock(mutex_);
    return items_;
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<T> items_;
};

}  // namespace viplab::testing
