#include "harness/run/signals.h"

#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <mutex>
#include <thread>

#include "netns/error.h"

namespace viplab {
namespace {

std::atomic<int> g_signal{0};
std::atomic<int> g_event_fd{-1};
std::once_flag g_installed;

sigset_t InterruptSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

// The one reader. After the first signal it unblocks the signals in its own thread with their
// default action: the next one (process-directed, every other thread blocks it) is delivered
// here and ends the process.
void ReadSignals(int signal_fd, int event_fd) {
  signalfd_siginfo info{};
  while (::read(signal_fd, &info, sizeof(info)) != static_cast<ssize_t>(sizeof(info))) {
    if (errno != EINTR) return;  // cannot happen for a valid signalfd; give up quietly
  }
  g_signal.store(static_cast<int>(info.ssi_signo));
  const uint64_t one = 1;
  (void)!::write(event_fd, &one, sizeof(one));
  const sigset_t set = InterruptSignals();
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  for (;;) ::pause();  // a second signal ends the process here
}

}  // namespace

void InstallInterruptHandlers() {
  std::call_once(g_installed, [] {
    // Default actions (an ignored signal, e.g. SIGINT of a background job, would never reach
    // the signalfd); blocked, they are only ever read there until the first one arrives.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int signo : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signo, &dfl, nullptr);
    const sigset_t set = InterruptSignals();
    if (const int err = ::pthread_sigmask(SIG_BLOCK, &set, nullptr); err != 0) {
      throw SystemError::FromErrno(err, "could not block SIGINT/SIGTERM/SIGHUP");
    }
    const int signal_fd = static_cast<int>(CheckErrno(
        ::signalfd(-1, &set, SFD_CLOEXEC), "could not create a signalfd for SIGINT/SIGTERM"));
    const int event_fd = static_cast<int>(
        CheckErrno(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "could not create an eventfd"));
    g_event_fd.store(event_fd);
    // Lives as long as the process (detached): signals can come until exit.
    std::thread(ReadSignals, signal_fd, event_fd).detach();
  });
}

int InterruptEventFd() { return g_event_fd.load(); }
int InterruptSignal() { return g_signal.load(); }

void ThrowIfInterrupted() {
  if (g_signal.load() != 0) throw Interrupted();
}

void IgnoreSigpipe() { ::signal(SIGPIPE, SIG_IGN); }

}  // namespace viplab
