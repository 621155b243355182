// ParseNotifyLine on keepalived 2.2.7's fifo lines, and NotifyFifo end to end on a real fifo
// driven by an EventLoop (no root needed).
#include "daemon/notify_fifo.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "netns/event_loop.h"

namespace viplab {
namespace {

TEST(ParseNotifyLineTest, Instance) {
  const auto n = ParseNotifyLine(R"(INSTANCE "VI_1" MASTER 101)");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->type, "INSTANCE");
  EXPECT_EQ(n->name, "VI_1");
  EXPECT_EQ(n->state, "MASTER");
  EXPECT_EQ(n->priority, 101);
}

TEST(ParseNotifyLineTest, Group) {
  const auto n = ParseNotifyLine(R"(GROUP "G1" FAULT)");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->type, "GROUP");
  EXPECT_EQ(n->name, "G1");
  EXPECT_EQ(n->state, "FAULT");
  EXPECT_EQ(n->priority, -1);
}

TEST(ParseNotifyLineTest, GroupWithPriorityAsWrittenBy227) {
  const auto n = ParseNotifyLine(R"(GROUP "G1" BACKUP 0)");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->priority, 0);
}

TEST(ParseNotifyLineTest, EventStatesAndTrailingBlanks) {
  const auto n = ParseNotifyLine("INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 254\r");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->state, "MASTER_RX_LOWER_PRI");
  EXPECT_EQ(n->priority, 254);
  const auto stop = ParseNotifyLine("INSTANCE \"VI 1\" STOP 0  ");
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->name, "VI 1");
  EXPECT_EQ(stop->state, "STOP");
}

TEST(ParseNotifyLineTest, MalformedLines) {
  for (const char* line : {
           "",
           "INSTANCE",
           "INSTANCE ",
           R"(FOO "VI_1" MASTER 1)",
           R"(instance "VI_1" MASTER 1)",
           R"(INSTANCE VI_1 MASTER 1)",
           R"(INSTANCE "VI_1 MASTER 1)",
           R"(INSTANCE "" MASTER 1)",
           R"(INSTANCE "VI_1")",
           R"(INSTANCE "VI_1"MASTER 1)",
           R"(INSTANCE "VI_1" master 1)",
           R"(INSTANCE "VI_1" MASTER abc)",
           R"(INSTANCE "VI_1" MASTER 300)",
           R"(INSTANCE "VI_1" MASTER -1)",
           R"(INSTANCE "VI_1" MASTER 100 extra)",
           R"(INSTANCE "VI_1" MASTER 1x)",
       }) {
    EXPECT_FALSE(ParseNotifyLine(line)) << "accepted: '" << line << "'";
  }
}

class NotifyFifoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vlt-notify-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    loop_.Start();
  }
  void TearDown() override {
    loop_.Stop();
    std::filesystem::remove_all(dir_);
  }

  // Waits (condition variable, deadline) until `count` notifications arrived.
  bool WaitForCount(size_t count) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return received_.size() >= count; });
  }

  NotifyFifo::Handler Collect() {
    return [this](const VrrpNotification& n, TimePoint t) {
      std::lock_guard lock(mutex_);
      received_.push_back(n);
      times_.push_back(t);
      cv_.notify_all();
    };
  }

  std::filesystem::path dir_;
  EventLoop loop_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<VrrpNotification> received_;
  std::vector<TimePoint> times_;
};

void WriteAll(int fd, std::string_view text) {
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

TEST_F(NotifyFifoTest, DeliversLinesSplitAcrossWritesAndSkipsJunk) {
  const auto path = dir_ / "notify.fifo";
  // A stale regular file in the way is replaced by the fifo.
  { std::ofstream(path) << "stale\n"; }
  const TimePoint before = Now();
  NotifyFifo fifo(path, loop_, Collect());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));

  const int writer = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(writer, 0);
  WriteAll(writer, "INSTANCE \"VI_1\" BAC");
  WriteAll(writer, "KUP 100\ngarbage line\nINSTANCE \"VI_1\" MASTER 100\n");
  // keepalived restarting closes its end: no EOF for the reader, later lines still arrive.
  ::close(writer);
  const int writer2 = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(writer2, 0);
  WriteAll(writer2, "GROUP \"G1\" FAULT 0\n");
  ::close(writer2);

  ASSERT_TRUE(WaitForCount(3));
  std::lock_guard lock(mutex_);
  ASSERT_EQ(received_.size(), 3u);
  EXPECT_EQ(received_[0].state, "BACKUP");
  EXPECT_EQ(received_[1].state, "MASTER");
  EXPECT_EQ(received_[2].type, "GROUP");
  EXPECT_GE(times_[0], before);
  EXPECT_LE(times_[0], times_[2]);
}

TEST_F(NotifyFifoTest, HandlerMayDestroyTheFifo) {
  const auto path = dir_ / "notify.fifo";
  std::unique_ptr<NotifyFifo> fifo;
  bool destroyed = false;
  std::mutex m;
  std::condition_variable cv;
  fifo = std::make_unique<NotifyFifo>(path, loop_, [&](const VrrpNotification&, TimePoint) {
    std::lock_guard lock(m);
    fifo.reset();  // from inside the handler; later lines must not be delivered
    destroyed = true;
    cv.notify_all();
  });
  const int writer = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(writer, 0);
  WriteAll(writer, "INSTANCE \"VI_1\" BACKUP 1\nINSTANCE \"VI_1\" MASTER 1\n");
  ::close(writer);
  std::unique_lock lock(m);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return destroyed; }));
  EXPECT_FALSE(fifo);
  EXPECT_FALSE(loop_.last_error());
}

}  // namespace
}  // namespace viplab
