// A run never passes blind: a worker that dies (the observer's event loop, a netlink monitor, a
// notify fifo, the capture, a VRRP delayer) fails the timeline, which stops every wait at once
// and becomes the run's error. No root: the observer runs with no watched namespace. Also the
// CLI's signal path: interrupts on a signalfd, a second signal ends viplab, SIGPIPE ignored.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>

#include "harness/observe/observer.h"
#include "harness/observe/timeline.h"
#include "harness/run/signals.h"
#include "netns/error.h"

namespace viplab {
namespace {

using namespace std::chrono_literals;

bool Never(const LabState&, TimePoint) { return false; }

TEST(TimelineFail, StopsAWaitAtOnceAndKeepsTheFirstReason) {
  Timeline timeline;
  EXPECT_EQ(timeline.failure(), "");
  const TimePoint start = Now();
  std::thread worker([&] {  // usually lands while the wait below is blocked
    timeline.Fail("the observer stopped: netlink socket closed");
    timeline.Fail("a later reason");
  });
  EXPECT_FALSE(timeline.WaitUntil(Never, start + 60s));
  worker.join();
  EXPECT_LT(MillisBetween(start, Now()), 10'000);
  EXPECT_EQ(timeline.failure(), "the observer stopped: netlink socket closed");
  // Later waits (e.g. the observation window after the fault) return at once too.
  EXPECT_FALSE(timeline.WaitUntil(Never, Now() + 60s));
}

TEST(TimelineFail, InterruptStillWins) {
  Timeline timeline;
  timeline.Fail("capture died");
  timeline.Interrupt();
  EXPECT_THROW(timeline.WaitUntil(Never, Now() + 60s), Interrupted);
}

TEST(ObserverError, ACallbackThatThrowsFailsTheTimeline) {
  Timeline timeline;
  Scenario scenario;
  scenario.vip = Ipv4Prefix::Parse("10.77.0.200/24");
  Observer observer(timeline, scenario);
  observer.Start();
  // What a netlink monitor or notify fifo does on a read error: throw out of its callback.
  observer.PostForTest([] { throw SystemError::Plain("netlink monitor of namespace 'x': gone"); });
  EXPECT_FALSE(timeline.WaitUntil(Never, Now() + 60s));
  EXPECT_EQ(timeline.failure(), "the observer stopped: netlink monitor of namespace 'x': gone");
  EXPECT_EQ(observer.error(), "netlink monitor of namespace 'x': gone");
  observer.Stop();
}

TEST(ObserverError, NoneWhileHealthy) {
  Timeline timeline;
  Scenario scenario;
  scenario.vip = Ipv4Prefix::Parse("10.77.0.200/24");
  Observer observer(timeline, scenario);
  observer.Start();
  bool ran = false;
  observer.PostForTest([&] {
    ran = true;
    timeline.Add("lb1", event_kind::kState, "MASTER");
  });
  EXPECT_TRUE(timeline.WaitUntil([](const LabState& s, TimePoint) { return !s.vrrp_state.empty(); },
                                 Now() + 60s));
  observer.Stop();
  EXPECT_TRUE(ran);
  EXPECT_EQ(observer.error(), "");
  EXPECT_EQ(timeline.failure(), "");
}

// The signal path (harness/run/signals.h), in a child process each: a signalfd reader, no handler.
bool EventFdFires() {
  pollfd pfd{};
  pfd.fd = InterruptEventFd();
  pfd.events = POLLIN;
  return ::poll(&pfd, 1, 10'000) == 1;  // the eventfd is what every lab's observer watches
}

[[noreturn]] void SignalTwice() {
  InstallInterruptHandlers();
  ::kill(::getpid(), SIGINT);
  if (!EventFdFires()) ::_exit(10);
  if (InterruptSignal() != SIGINT) ::_exit(11);
  try {
    ThrowIfInterrupted();
    ::_exit(12);
  } catch (const Interrupted&) {
  }
  ::kill(::getpid(), SIGINT);  // the user presses Ctrl-C again
  for (;;) ::pause();
}

[[noreturn]] void SigtermInterrupts() {
  InstallInterruptHandlers();
  ::kill(::getpid(), SIGTERM);
  if (!EventFdFires()) ::_exit(10);
  ::_exit(InterruptSignal() == SIGTERM ? 0 : 11);
}

[[noreturn]] void WriteToAClosedPipe() {
  IgnoreSigpipe();
  int fds[2];
  if (::pipe(fds) != 0) ::_exit(10);
  ::close(fds[0]);  // the reader (`head`) is gone
  const ssize_t n = ::write(fds[1], "x", 1);
  ::_exit(n < 0 && errno == EPIPE ? 0 : 11);
}

TEST(SignalsDeathTest, FirstSignalInterruptsASecondEndsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(SignalTwice(), ::testing::KilledBySignal(SIGINT), "");
}

TEST(SignalsDeathTest, SigtermInterruptsToo) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(SigtermInterrupts(), ::testing::ExitedWithCode(0), "");
}

TEST(SignalsDeathTest, AClosedPipeIsEpipeNotDeath) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(WriteToAClosedPipe(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace viplab
