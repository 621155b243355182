// EventLoop: one epoll instance driven by one thread. Sources register an fd with a callback
// that runs on the loop thread when the fd becomes readable (or with the given events). Nothing
// in viplab polls on a timer: every wait is an fd becoming ready here or a condition variable.
//
// Add/Remove/Post are thread-safe. Callbacks run serially on the loop thread; a callback may
// Add/Remove (including itself). Remove(fd) called from another thread returns only once a
// callback of that fd that is running has finished, so the caller may then destroy what the
// callback uses. Exceptions thrown by callbacks (or posted functions) stop the loop; they are
// reported through `last_error()` (Stop() and the destructor never rethrow). Posted functions
// run in order while the loop runs; any still queued when it stops wait for the next Start().
#pragma once

#include <sys/epoll.h>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "netns/unique_fd.h"

namespace viplab {

class EventLoop {
 public:
  using Callback = std::function<void(uint32_t epoll_events)>;

  EventLoop();   // creates the epoll fd and a wake-up eventfd; does not start a thread
  ~EventLoop();  // stops and joins the thread if running
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void Add(int fd, Callback callback, uint32_t events = EPOLLIN);
  void Remove(int fd);
  // Runs `fn` on the loop thread soon.
  void Post(std::function<void()> fn);

  void Start();  // spawns the loop thread
  void Stop();   // wakes and joins it; idempotent
  // First exception a callback threw (the loop stops on it), or null.
  std::exception_ptr last_error() const;
  // `handler` is called once with that first error: on the loop thread as the loop stops, or at
  // once on the caller's thread if the loop has already failed. Thread-safe; replaces an earlier
  // handler. The handler must not throw (what it throws is dropped) nor Stop() this loop.
  void OnError(std::function<void(std::exception_ptr)> handler);

 private:
  void RunLoop();
  void Wake();
  void Fail(std::exception_ptr error);
  UniqueFd epoll_fd_;
  UniqueFd wake_fd_;
  mutable std::mutex mutex_;
  std::map<int, std::shared_ptr<Callback>> callbacks_;
  // Registration id per fd, also stored in the epoll event: an event that was already fetched
  // for a removed fd is not delivered to a new registration that reuses the fd number.
  std::map<int, uint32_t> ids_;
  uint32_t next_id_ = 0;
  int running_fd_ = -1;  // fd whose callback runs now, -1 if none
  std::condition_variable callback_done_;
  std::vector<std::function<void()>> posted_;
  std::exception_ptr error_;
  std::function<void(std::exception_ptr)> on_error_;
  bool stopping_ = false;
  std::mutex lifecycle_mutex_;  // serializes Start/Stop (and the join)
  std::thread::id loop_thread_id_;
  std::thread thread_;
};

}  // namespace viplab
