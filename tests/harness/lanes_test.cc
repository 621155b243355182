// Lanes with a fake runner: input order kept whatever the completion order, at most N at once,
// each scenario on one worker thread, an exception fails only its scenario, interrupts stop
// further scenarios.
#include "harness/run/lanes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "harness/report/report.h"
#include "netns/error.h"

namespace viplab {
namespace {

using ::testing::ElementsAre;
using namespace std::chrono_literals;

std::vector<Scenario> Scenarios(int n) {
  std::vector<Scenario> out(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) out[static_cast<size_t>(i)].name = "s" + std::to_string(i);
  return out;
}

int IndexOf(const Scenario& s) { return std::stoi(s.name.substr(1)); }

ScenarioResult ResultFor(const Scenario& s) {
  ScenarioResult r;
  r.name = s.name;
  r.passed = IndexOf(s) % 3 != 0;
  r.fault = "fault of " + s.name;
  r.measured.owner_before = "lb1";
  r.measured.failover_ms = 100.0 * IndexOf(s);
  return r;
}

std::vector<std::string> NamesOf(const std::vector<ScenarioResult>& results) {
  std::vector<std::string> out;
  for (const auto& r : results) out.push_back(r.name);
  return out;
}

// A condition the fake runners wait on, with a timeout so a broken lane fails instead of hanging.
class Signal {
 public:
  void Notify(int value) {
    std::lock_guard lock(mutex_);
    done_.insert(value);
    cv_.notify_all();
  }
  bool WaitFor(int value) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 10s, [&] { return done_.count(value) > 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::set<int> done_;
};

TEST(Lanes, ResultsComeInInputOrderWhateverTheCompletionOrder) {
  const auto scenarios = Scenarios(4);
  Signal finished;
  std::mutex mutex;
  std::vector<int> completion, emitted;
  // s3 finishes first, then s2, s1, s0: each waits for its successor.
  auto run = [&](const Scenario& s) {
    const int i = IndexOf(s);
    if (i < 3) {
      EXPECT_TRUE(finished.WaitFor(i + 1));
    }
    {
      std::lock_guard lock(mutex);
      completion.push_back(i);
    }
    finished.Notify(i);
    return ResultFor(s);
  };
  LaneOptions options;
  options.jobs = 4;
  options.on_result = [&](size_t index, const ScenarioResult& r) {
    EXPECT_EQ(r.name, scenarios[index].name);
    emitted.push_back(static_cast<int>(index));
  };
  const auto results = RunLanes(scenarios, run, options);
  EXPECT_THAT(completion, ElementsAre(3, 2, 1, 0));
  EXPECT_THAT(emitted, ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(NamesOf(results), ElementsAre("s0", "s1", "s2", "s3"));
}

TEST(Lanes, AtMostNAtOnce) {
  const auto scenarios = Scenarios(12);
  std::mutex mutex;
  std::condition_variable cv;
  int running = 0, most = 0, started = 0;
  auto run = [&](const Scenario& s) {
    std::unique_lock lock(mutex);
    ++started;
    most = std::max(most, ++running);
    cv.notify_all();
    // The first three hold until all three run, so the test sees the full width every time.
    if (started <= 3) cv.wait_for(lock, 10s, [&] { return running == 3; });
    lock.unlock();
    std::this_thread::sleep_for(2ms);
    lock.lock();
    --running;
    return ResultFor(s);
  };
  LaneOptions options;
  options.jobs = 3;
  const auto results = RunLanes(scenarios, run, options);
  EXPECT_EQ(most, 3);
  EXPECT_EQ(results.size(), 12u);
}

TEST(Lanes, EachScenarioRunsWhollyOnAWorkerThread) {
  const auto scenarios = Scenarios(9);
  std::mutex mutex;
  std::set<std::thread::id> threads;
  auto run = [&](const Scenario& s) {
    std::lock_guard lock(mutex);
    threads.insert(std::this_thread::get_id());
    return ResultFor(s);
  };
  LaneOptions options;
  options.jobs = 2;
  RunLanes(scenarios, run, options);
  EXPECT_LE(threads.size(), 2u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST(Lanes, ParallelResultsEqualSerialOnes) {
  const auto scenarios = Scenarios(10);
  auto run = [](const Scenario& s) {
    std::this_thread::sleep_for(std::chrono::milliseconds((IndexOf(s) * 7) % 5));
    return ResultFor(s);
  };
  LaneOptions serial, parallel;
  parallel.jobs = 4;
  const auto a = RunLanes(scenarios, run, serial);
  const auto b = RunLanes(scenarios, run, parallel);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(ScenarioResultToJson(a[i], scenarios[i]), ScenarioResultToJson(b[i], scenarios[i]));
  }
}

TEST(Lanes, SerialLaneRunsInOrder) {
  const auto scenarios = Scenarios(5);
  std::vector<int> calls;
  LaneOptions options;
  RunLanes(
      scenarios,
      [&](const Scenario& s) {
        calls.push_back(IndexOf(s));
        return ResultFor(s);
      },
      options);
  EXPECT_THAT(calls, ElementsAre(0, 1, 2, 3, 4));
}

TEST(Lanes, InterruptStopsFurtherScenariosAndThrows) {
  const auto scenarios = Scenarios(6);
  std::atomic<bool> interrupted{false};
  std::atomic<int> calls{0};
  std::vector<int> emitted;
  LaneOptions options;
  options.interrupted = [&] { return interrupted.load(); };
  options.on_result = [&](size_t i, const ScenarioResult&) {
    emitted.push_back(static_cast<int>(i));
  };
  auto run = [&](const Scenario& s) {
    ++calls;
    if (IndexOf(s) == 1) interrupted = true;  // the signal arrives while s1 runs
    return ResultFor(s);
  };
  EXPECT_THROW(RunLanes(scenarios, run, options), Interrupted);
  EXPECT_EQ(calls.load(), 2);
  EXPECT_THAT(emitted, ElementsAre(0, 1));
}

TEST(Lanes, RunnerInterruptedStopsEveryLane) {
  const auto scenarios = Scenarios(20);
  std::atomic<int> calls{0};
  Signal s0_threw;
  auto run = [&](const Scenario& s) -> ScenarioResult {
    ++calls;
    if (IndexOf(s) == 0) {
      s0_threw.Notify(0);
      throw Interrupted();
    }
    // The other lane's first scenario finishes only after s0 threw; then nothing new starts.
    EXPECT_TRUE(s0_threw.WaitFor(0));
    std::this_thread::sleep_for(5ms);
    return ResultFor(s);
  };
  LaneOptions options;
  options.jobs = 2;
  EXPECT_THROW(RunLanes(scenarios, run, options), Interrupted);
  EXPECT_LE(calls.load(), 2);  // s0, and s1 if the second lane took it before s0 threw
}

TEST(Lanes, AnExceptionFailsOnlyItsScenarioAndTheBatchGoesOn) {
  auto scenarios = Scenarios(4);
  scenarios[2].file = "cases/s2.json";
  std::vector<int> calls, emitted;
  LaneOptions options;
  options.on_result = [&](size_t i, const ScenarioResult&) {
    emitted.push_back(static_cast<int>(i));
  };
  auto run = [&](const Scenario& s) -> ScenarioResult {
    calls.push_back(IndexOf(s));
    if (IndexOf(s) == 2) throw SystemError::Plain("keepalived on lb1 has no VRRP child");
    return ResultFor(s);
  };
  const std::vector<ScenarioResult> results = RunLanes(scenarios, run, options);
  EXPECT_THAT(calls, ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(emitted, ElementsAre(0, 1, 2, 3));
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[2].name, "s2");
  EXPECT_EQ(results[2].file, "cases/s2.json");
  EXPECT_FALSE(results[2].passed);
  EXPECT_EQ(results[2].error, "keepalived on lb1 has no VRRP child");
  EXPECT_EQ(results[3].error, "");
}

TEST(Lanes, ExceptionsInParallelLanesEachFailTheirOwnScenario) {
  const auto scenarios = Scenarios(3);
  Signal s1_threw;
  auto run = [&](const Scenario& s) -> ScenarioResult {
    if (IndexOf(s) == 1) {
      s1_threw.Notify(1);
      throw SystemError::Plain("s1 broke");
    }
    if (IndexOf(s) == 0) {
      EXPECT_TRUE(s1_threw.WaitFor(1));
      throw InputError("s0 broke");
    }
    return ResultFor(s);
  };
  LaneOptions options;
  options.jobs = 2;
  const std::vector<ScenarioResult> results = RunLanes(scenarios, run, options);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].error, "s0 broke");
  EXPECT_EQ(results[1].error, "s1 broke");
  EXPECT_EQ(results[2].name, "s2");
  EXPECT_TRUE(results[2].passed);
}

TEST(Lanes, AThrowingOnResultStopsTheBatch) {
  const auto scenarios = Scenarios(4);
  std::vector<int> calls;
  LaneOptions options;
  options.on_result = [&](size_t i, const ScenarioResult&) {
    if (i == 1) throw SystemError::Plain("could not write the report");
  };
  auto run = [&](const Scenario& s) {
    calls.push_back(IndexOf(s));
    return ResultFor(s);
  };
  EXPECT_THROW(RunLanes(scenarios, run, options), SystemError);
  EXPECT_THAT(calls, ElementsAre(0, 1));
}

TEST(Lanes, EdgeCases) {
  LaneOptions options;
  auto run = [](const Scenario& s) { return ResultFor(s); };
  EXPECT_TRUE(RunLanes({}, run, options).empty());
  options.jobs = 64;  // more lanes than scenarios
  EXPECT_THAT(NamesOf(RunLanes(Scenarios(3), run, options)), ElementsAre("s0", "s1", "s2"));
  options.jobs = 0;
  EXPECT_THROW(RunLanes(Scenarios(3), run, options), InputError);
}

}  // namespace
}  // namespace viplab
