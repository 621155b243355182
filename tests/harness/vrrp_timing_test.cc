#include "harness/model/vrrp_timing.h"

#include <gtest/gtest.h>

namespace viplab {
namespace {

// The table of docs/vrrp-timing.md (advert 1 s, VRRPv2).
TEST(VrrpTiming, SkewAndMasterDownMatchTheReferenceTable) {
  EXPECT_NEAR(SkewMs(254, 1, 2), 7.8, 0.05);
  EXPECT_NEAR(SkewMs(251, 1, 2), 19.5, 0.05);
  EXPECT_NEAR(SkewMs(101, 1, 2), 605.5, 0.05);
  EXPECT_NEAR(SkewMs(100, 1, 2), 609.4, 0.05);
  EXPECT_NEAR(MasterDownMs(254, 1, 2), 3007.8, 0.05);
  EXPECT_NEAR(MasterDownMs(251, 1, 2), 3019.5, 0.05);
  EXPECT_NEAR(MasterDownMs(101, 1, 2), 3605.5, 0.05);
  EXPECT_NEAR(MasterDownMs(100, 1, 2), 3609.4, 0.05);
}

TEST(VrrpTiming, Version3ScalesSkewWithTheAdvertInterval) {
  // RFC 5798: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256.
  EXPECT_NEAR(SkewMs(100, 0.5, 3), 304.7, 0.05);
  EXPECT_NEAR(MasterDownMs(100, 0.5, 3), 1804.7, 0.05);
  EXPECT_NEAR(MasterDownMs(100, 1, 2, 5), 5609.4, 0.05);  // down_timer_adverts 5
}

NodeSpec Node(int priority, CheckType type, int weight) {
  NodeSpec n;
  n.priority = priority;
  n.check.type = type;
  n.check.weight = weight;
  return n;
}

TEST(VrrpTiming, EffectivePriorityFollowsKeepalivedWeights) {
  // issue #2599: 101 + 2 while healthy, 101 when the check fails.
  EXPECT_EQ(EffectivePriority(Node(101, CheckType::kScript, 2), true), 103);
  EXPECT_EQ(EffectivePriority(Node(101, CheckType::kScript, 2), false), 101);
  EXPECT_EQ(EffectivePriority(Node(101, CheckType::kScript, -10), true), 101);
  EXPECT_EQ(EffectivePriority(Node(101, CheckType::kScript, -10), false), 91);
  EXPECT_EQ(EffectivePriority(Node(250, CheckType::kScript, 10), true), 254);  // clamped
  EXPECT_EQ(EffectivePriority(Node(5, CheckType::kScript, -10), false), 1);
  EXPECT_EQ(EffectivePriority(Node(255, CheckType::kScript, -10), false), 255);
  EXPECT_EQ(EffectivePriority(Node(100, CheckType::kNone, 50), true), 100);
}

TEST(VrrpTiming, CheckDetection) {
  CheckSpec script;
  script.type = CheckType::kScript;
  script.interval = 2;
  script.fall = 3;
  EXPECT_EQ(CheckDetectionMaxMs(script), 6000);
  CheckSpec process;
  process.type = CheckType::kProcess;
  EXPECT_EQ(CheckDetectionMaxMs(process), 0);
}

}  // namespace
}  // namespace viplab
