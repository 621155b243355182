// Event-driven waits of the lab tests, each with a deadline and never a sleep: a list one thread
// appends to and another waits on, a line from a pipe, a readable fd (a pidfd: the process
// exited), a file gaining some text (inotify).
#pragma once

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "netns/unique_fd.h"
#include "tests/common/lab_env.h"

namespace viplab::testing {

// Milliseconds left until `deadline` (0 once it passed), for poll(2).
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

// True once `fd` is readable within `timeout` (a pidfd: the process exited).
inline bool Readable(int fd, std::chrono::milliseconds timeout) {
  pollfd pfd{fd, POLLIN, 0};
  return ::poll(&pfd, 1, static_cast<int>(timeout.count())) == 1;
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
