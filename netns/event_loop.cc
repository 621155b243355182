#include "netns/event_loop.h"

#include <fmt/format.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "netns/error.h"

namespace viplab {
namespace {

// epoll_event.data.u64 = id << 32 | fd; id 0 is the wake-up eventfd.
constexpr uint64_t Tag(uint32_t id, int fd) {
  return uint64_t{id} << 32 | static_cast<uint32_t>(fd);
}

}  // namespace

EventLoop::EventLoop()
    : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!epoll_fd_) throw SystemError::FromErrno(errno, "could not create the event loop's epoll fd");
  if (!wake_fd_) throw SystemError::FromErrno(errno, "could not create the event loop's eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = Tag(0, wake_fd_.get());
  CheckErrno(::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, wake_fd_.get(), &ev),
             "could not register the event loop's eventfd");
}

EventLoop::~EventLoop() {
  std::lock_guard lifecycle(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  Wake();
  if (!thread_.joinable()) return;
  if (std::this_thread::get_id() == thread_.get_id()) {
    // Destroyed from its own callback, which is not supported (the callback's caller still uses
    // the members); detaching at least avoids std::terminate.
    thread_.detach();
  } else {
    thread_.join();
  }
}

void EventLoop::Add(int fd, Callback callback, uint32_t events) {
  std::lock_guard lock(mutex_);
  if (callbacks_.count(fd) != 0) {
    throw SystemError::FromErrno(EEXIST, fmt::format("fd {} is already in the event loop", fd));
  }
  uint32_t id = ++next_id_;
  if (id == 0) id = ++next_id_;  // 0 is the wake-up fd's id
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = Tag(id, fd);
  CheckErrno(::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, fd, &ev),
             fmt::format("could not add fd {} to the event loop", fd));
  callbacks_[fd] = std::make_shared<Callback>(std::move(callback));
  ids_[fd] = id;
}

void EventLoop::Remove(int fd) {
  std::unique_lock lock(mutex_);
  if (callbacks_.erase(fd) == 0) return;
  ids_.erase(fd);
  // Fails harmlessly (EBADF/ENOENT) if the fd was already closed.
  ::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, fd, nullptr);
  if (std::this_thread::get_id() != loop_thread_id_) {
    callback_done_.wait(lock, [&] { return running_fd_ != fd; });
  }
}

void EventLoop::Post(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    posted_.push_back(std::move(fn));
  }
  Wake();
}

void EventLoop::Start() {
  std::lock_guard lifecycle(lifecycle_mutex_);
  if (thread_.joinable()) {
    bool stopped = false;
    {
      std::lock_guard lock(mutex_);
      stopped = stopping_;
    }
    // Running, or stopped from inside its own callback (cannot join ourselves).
    if (!stopped || std::this_thread::get_id() == thread_.get_id()) return;
    thread_.join();  // stopped by a callback or an error: restart
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { RunLoop(); });
}

void EventLoop::Stop() {
  std::lock_guard lifecycle(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  Wake();
  // From a callback: the loop sees `stopping_` once the callback returns; the thread is joined
  // by the next Stop()/Start() from outside or by the destructor.
  if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) thread_.join();
}

std::exception_ptr EventLoop::last_error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void EventLoop::Wake() {
  const uint64_t one = 1;
  // EAGAIN only when the counter is saturated, and then a wake-up is pending anyway.
  [[maybe_unused]] ssize_t n = ::write(wake_fd_.get(), &one, sizeof(one));
}

void EventLoop::OnError(std::function<void(std::exception_ptr)> handler) {
  std::exception_ptr already;
  {
    std::lock_guard lock(mutex_);
    if (!error_) {
      on_error_ = std::move(handler);
      return;
    }
    already = error_;
  }
  try {
    if (handler) handler(already);
  } catch (...) {
    // See the header: a throwing handler has nobody to report to.
  }
}

void EventLoop::Fail(std::exception_ptr error) {
  std::function<void(std::exception_ptr)> handler;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (error_) return;
    error_ = error;
    handler = std::move(on_error_);
  }
  try {
    if (handler) handler(std::move(error));
  } catch (...) {
    // See the header: a throwing handler has nobody to report to.
  }
}

void EventLoop::RunLoop() {
  {
    std::lock_guard lock(mutex_);
    loop_thread_id_ = std::this_thread::get_id();
  }
  std::array<epoll_event, 64> events;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    const int n = ::epoll_wait(epoll_fd_.get(), events.data(), events.size(), -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      Fail(std::make_exception_ptr(
          SystemError::FromErrno(errno, "could not wait for events in the event loop")));
      break;
    }
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[i].data.u64;
      const uint32_t id = static_cast<uint32_t>(tag >> 32);
      const int fd = static_cast<int>(static_cast<uint32_t>(tag));
      if (id == 0) {
        uint64_t count = 0;
        [[maybe_unused]] ssize_t r = ::read(wake_fd_.get(), &count, sizeof(count));
        std::vector<std::function<void()>> posted;
        {
          std::lock_guard lock(mutex_);
          if (stopping_) break;
          posted.swap(posted_);
        }
        for (size_t j = 0; j < posted.size(); ++j) {
          try {
            posted[j]();
          } catch (...) {
            Fail(std::current_exception());
            // Keep the rest (and their order) for a later Start().
            std::lock_guard lock(mutex_);
            posted_.insert(posted_.begin(), std::make_move_iterator(posted.begin() + j + 1),
                           std::make_move_iterator(posted.end()));
            break;
          }
        }
        continue;
      }
      std::shared_ptr<Callback> callback;  // keeps the callback alive if it removes itself
      {
        std::lock_guard lock(mutex_);
        if (stopping_) break;
        auto it = ids_.find(fd);
        if (it == ids_.end() || it->second != id) continue;  // removed since epoll_wait
        callback = callbacks_.at(fd);
        running_fd_ = fd;
      }
      try {
        (*callback)(events[i].events);
      } catch (...) {
        Fail(std::current_exception());
      }
      {
        std::lock_guard lock(mutex_);
        running_fd_ = -1;
      }
      callback_done_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  loop_thread_id_ = std::thread::id();
}

}  // namespace viplab
