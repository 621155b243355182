#include "netns/event_loop.h"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "netns/error.h"
#include "netns/unique_fd.h"

namespace viplab {
namespace {

using namespace std::chrono_literals;

// A one-shot signal with a deadline. Set() notifies under the lock: a waiter returns only after
// Set() let go of the lock, so a Flag on the waiter's stack may be destroyed as soon as Wait()
// returns (notifying after unlocking raced with that destruction; found by ThreadSanitizer).
class Flag {
 public:
  void Set() {
    std::lock_guard lock(mutex_);
    set_ = true;
    cv_.notify_all();
  }
  bool Wait(std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return set_; });
  }
  bool IsSet() {
    std::lock_guard lock(mutex_);
    return set_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool set_ = false;
};

UniqueFd MakeEventFd() {
  UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd) throw std::runtime_error("eventfd failed");
  return fd;
}

void Signal(const UniqueFd& fd) {
  const uint64_t one = 1;
  ASSERT_EQ(::write(fd.get(), &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)));
}

void Drain(int fd) {
  uint64_t value;
  [[maybe_unused]] ssize_t n = ::read(fd, &value, sizeof(value));
}

// Posts a no-op and waits for it: everything the loop had to do before has been done.
void Barrier(EventLoop& loop) {
  Flag done;
  loop.Post([&] { done.Set(); });
  ASSERT_TRUE(done.Wait());
}

TEST(EventLoopTest, CallbackRunsOnLoopThreadWhenFdIsReadable) {
  EventLoop loop;
  UniqueFd fd = MakeEventFd();
  Flag called;
  std::thread::id callback_thread;
  loop.Add(fd.get(), [&](uint32_t events) {
    EXPECT_TRUE(events & EPOLLIN);
    Drain(fd.get());
    callback_thread = std::this_thread::get_id();
    called.Set();
  });
  loop.Start();
  Signal(fd);
  ASSERT_TRUE(called.Wait());
  EXPECT_NE(callback_thread, std::this_thread::get_id());
  loop.Stop();
  EXPECT_EQ(loop.last_error(), nullptr);
}

TEST(EventLoopTest, PostRunsInOrderOnLoopThread) {
  EventLoop loop;
  std::vector<int> order;
  std::thread::id post_thread;
  Flag done;
  loop.Post([&] { order.push_back(1); });  // before Start: queued
  loop.Start();
  loop.Post([&] {
    order.push_back(2);
    post_thread = std::this_thread::get_id();
  });
  loop.Post([&] {
    order.push_back(3);
    done.Set();
  });
  ASSERT_TRUE(done.Wait());
  loop.Stop();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_NE(post_thread, std::this_thread::get_id());
}

TEST(EventLoopTest, CallbackMayRemoveItself) {
  EventLoop loop;
  UniqueFd fd = MakeEventFd();
  std::atomic<int> calls{0};
  loop.Add(fd.get(), [&](uint32_t) {
    ++calls;
    loop.Remove(fd.get());  // level-triggered and not drained: would fire forever if kept
  });
  loop.Start();
  Signal(fd);
  Barrier(loop);
  Signal(fd);
  Barrier(loop);
  EXPECT_EQ(calls.load(), 1);
  // The fd can be registered again after removal.
  Flag again;
  loop.Add(fd.get(), [&](uint32_t) {
    Drain(fd.get());
    again.Set();
  });
  EXPECT_TRUE(again.Wait());
}

TEST(EventLoopTest, AddingAnFdTwiceFails) {
  EventLoop loop;
  UniqueFd fd = MakeEventFd();
  loop.Add(fd.get(), [](uint32_t) {});
  EXPECT_THROW(loop.Add(fd.get(), [](uint32_t) {}), SystemError);
  loop.Remove(fd.get());
  loop.Remove(fd.get());  // idempotent
}

// State letter ('R', 'S', ...) of one of our threads, from /proc.
char ThreadState(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ? '?' : stat[paren + 2];
}

TEST(EventLoopTest, RemoveFromAnotherThreadWaitsForTheRunningCallback) {
  EventLoop loop;
  UniqueFd fd = MakeEventFd();
  Flag entered;
  Flag release;
  std::atomic<bool> callback_finished{false};
  loop.Add(fd.get(), [&](uint32_t) {
    Drain(fd.get());
    entered.Set();
    release.Wait();
    callback_finished = true;
  });
  loop.Start();
  Signal(fd);
  ASSERT_TRUE(entered.Wait());

  std::atomic<pid_t> remover_tid{0};
  std::atomic<bool> finished_when_remove_returned{false};
  std::thread remover([&] {
    remover_tid = static_cast<pid_t>(::syscall(SYS_gettid));
    loop.Remove(fd.get());
    finished_when_remove_returned = callback_finished.load();
  });
  // Release the callback only once the remover is blocked (sleeping) inside Remove().
  while (remover_tid == 0 || ThreadState(remover_tid) != 'S') std::this_thread::yield();
  release.Set();
  remover.join();
  EXPECT_TRUE(finished_when_remove_returned);
}

TEST(EventLoopTest, ExceptionStopsLoopAndIsReported) {
  EventLoop loop;
  UniqueFd fd = MakeEventFd();
  Flag threw;
  loop.Add(fd.get(), [&](uint32_t) {
    Drain(fd.get());
    threw.Set();
    throw std::runtime_error("callback failed");
  });
  loop.Start();
  Signal(fd);
  ASSERT_TRUE(threw.Wait());
  bool posted_ran = false;
  loop.Post([&] { posted_ran = true; });  // the loop has stopped: must not run
  loop.Stop();
  EXPECT_FALSE(posted_ran);
  ASSERT_NE(loop.last_error(), nullptr);
  try {
    std::rethrow_exception(loop.last_error());
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "callback failed");
  }
}

TEST(EventLoopTest, OnErrorHearsTheFirstFailureOnce) {
  EventLoop loop;
  UniqueFd fd = MakeEventFd();
  std::mutex mutex;
  std::vector<std::string> heard;
  Flag called;
  loop.OnError([&](std::exception_ptr e) {
    {
      std::lock_guard lock(mutex);
      heard.push_back(ExceptionMessage(e));
    }
    called.Set();
  });
  loop.Add(fd.get(), [&](uint32_t) {
    Drain(fd.get());
    throw std::runtime_error("monitor died");
  });
  loop.Start();
  Signal(fd);
  ASSERT_TRUE(called.Wait());
  loop.Stop();
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(heard, std::vector<std::string>{"monitor died"});
  }
  // Registered after the failure: told at once, on this thread.
  std::string late;
  loop.OnError([&](std::exception_ptr e) { late = ExceptionMessage(e); });
  EXPECT_EQ(late, "monitor died");
}

TEST(EventLoopTest, StopIsIdempotentAndLoopRestarts) {
  EventLoop loop;
  loop.Stop();  // never started
  loop.Start();
  loop.Start();  // already running: no second thread
  loop.Stop();
  loop.Stop();
  loop.Start();
  Barrier(loop);
  loop.Stop();
}

}  // namespace
}  // namespace viplab
