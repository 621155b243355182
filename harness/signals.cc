#include "harness/signals.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdint>

#include "netns/error.h"

namespace viplab {
namespace {

std::atomic<int> g_signal{0};
int g_event_fd = -1;

void OnSignal(int signo) {
  g_signal.store(signo);
  const uint64_t one = 1;
  (void)!::write(g_event_fd, &one, sizeof one);
}

}  // namespace

void InstallInterruptHandlers() {
  if (g_event_fd >= 0) return;
  g_event_fd = static_cast<int>(
      CheckErrno(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "could not create an eventfd"));
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGHUP, &action, nullptr);
}

int InterruptEventFd() { return g_event_fd; }
int InterruptSignal() { return g_signal.load(); }

void ThrowIfInterrupted() {
  if (g_signal.load() != 0) throw Interrupted();
}

}  // namespace viplab
