// EventLoop: one epoll instance driven by one thread. Sources register an fd with a callback
// that runs on the loop thread when the fd becomes readable (or with the given events). Nothing
// in viplab polls on a timer: every wait is an fd becoming ready here or a condition variable.
//
// Add/Remove/Post are thread-safe. Callbacks run serially on the loop thread; a callback may
// Add/Remove (including itself). Exceptions thrown by callbacks stop the loop and are rethrown by
// Stop()/the destructor's join is noexcept so they are reported through `last_error()`.
#pragma once

#include <sys/epoll.h>

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

  EventLoop();  // creates the epoll fd and a wake-up eventfd; does not start a thread
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

 private:
  void RunLoop();
  UniqueFd epoll_fd_;
  UniqueFd wake_fd_;
  mutable std::mutex mutex_;
  std::map<int, std::shared_ptr<Callback>> callbacks_;
  std::vector<std::function<void()>> posted_;
  std::exception_ptr error_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace viplab
