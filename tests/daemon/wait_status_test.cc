// DescribeWaitStatus wording for the wait statuses the harness reports.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <csignal>

#include "daemon/process.h"

namespace viplab {
namespace {

TEST(DescribeWaitStatusTest, Exited) {
  EXPECT_EQ(DescribeWaitStatus(0), "exited with status 0");
  EXPECT_EQ(DescribeWaitStatus(W_EXITCODE(3, 0)), "exited with status 3");
  EXPECT_EQ(DescribeWaitStatus(W_EXITCODE(255, 0)), "exited with status 255");
}

TEST(DescribeWaitStatusTest, Killed) {
  EXPECT_EQ(DescribeWaitStatus(W_EXITCODE(0, SIGKILL)), "killed by signal 9 (Killed)");
  EXPECT_EQ(DescribeWaitStatus(W_EXITCODE(0, SIGTERM)), "killed by signal 15 (Terminated)");
  EXPECT_EQ(DescribeWaitStatus(W_EXITCODE(0, SIGSEGV) | WCOREFLAG),
            "killed by signal 11 (Segmentation fault), core dumped");
}

TEST(DescribeWaitStatusTest, StoppedAndUnknown) {
  EXPECT_EQ(DescribeWaitStatus(W_STOPCODE(SIGSTOP)), "stopped by signal 19 (Stopped (signal))");
  EXPECT_EQ(DescribeWaitStatus(-1), "status unknown (reaped elsewhere)");
}

}  // namespace
}  // namespace viplab
