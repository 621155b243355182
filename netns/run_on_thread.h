// Internal helper (not part of the public netns API): runs a callable on a fresh, short-lived
// thread and rethrows its exception in the caller. Namespace switches (setns, unshare) apply to
// the calling thread only, so doing them on a throw-away thread leaves the caller untouched.
#pragma once

#include <exception>
#include <thread>
#include <utility>

namespace viplab::internal {

template <typename Fn>
void RunOnThread(Fn&& fn) {
  std::exception_ptr error;
  std::thread thread([&] {
    try {
      fn();
    } catch (...) {
      error = std::current_exception();
    }
  });
  thread.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace viplab::internal
