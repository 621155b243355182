// The weight rules (KA001 weight with nopreempt, KA002 weight below the gap), KA003 state MASTER
// clearing nopreempt / preempt_delay, KA004 detection against the SLO.
#include <gtest/gtest.h>

#include "harness/lint/lint.h"
#include "tests/harness/lint/lint_builder.h"

namespace viplab::lint {
namespace {

using testing::Contains;
using testing::Dump;
using testing::Instance;
using testing::Node;
using testing::Only;
using testing::Options;
using testing::Pair;
using testing::Ref;
using testing::Script;
using testing::Set;


// keepalived #2599: 101/100, weight 2, both nopreempt: lb1 fails to 101 < lb2's 102, but lb2
// never preempts.
TEST(LintWeightsTest, Issue2599PairIsAnError) {
  const std::vector<Finding> findings = Lint(Pair(101, 100, 2, true), Options());
  const std::vector<Finding> ka001 = Only(findings, "KA001");
  ASSERT_EQ(ka001.size(), 2u) << Dump(findings);  // either node as master
  const Finding& lb1 = ka001[0];
  EXPECT_EQ(lb1.severity, Severity::kError);
  EXPECT_EQ(lb1.rule, "weight-with-nopreempt");
  EXPECT_EQ(lb1.node, "lb1");
  EXPECT_EQ(lb1.instance, "VI_1");
  EXPECT_TRUE(Contains(lb1.message, "lb1 priority 101 + chk_haproxy 2 = 103")) << lb1.message;
  EXPECT_TRUE(Contains(lb1.message, "chk_haproxy (weight 2) failing: 101")) << lb1.message;
  EXPECT_TRUE(Contains(lb1.message, "lb2 priority 100 + chk_haproxy 2 = 102 (102 > 101"))
      << lb1.message;
  EXPECT_TRUE(Contains(lb1.basis, "#2599"));
  EXPECT_TRUE(lb1.basis.starts_with("keepalived 2.2.7: vrrp.c vrrp_state_backup")) << lb1.basis;
  EXPECT_TRUE(Contains(lb1.basis, "vrrp_state_backup"));
  EXPECT_TRUE(Contains(lb1.fix, "weight 0"));
  EXPECT_EQ(ka001[1].node, "lb2");
  EXPECT_TRUE(Only(findings, "KA002").empty()) << Dump(findings);
  EXPECT_EQ(LintExitCode(findings), 1);
}

// The fixes: weight 0 (FAULT on failure); no nopreempt (102 > 101 preempts); no nopreempt and
// weight -10 (91 < 100).
TEST(LintWeightsTest, Issue2599FixesAreClean) {
  for (const auto& [weight, nopreempt] :
       {std::pair{0, true}, std::pair{2, false}, std::pair{-10, false}}) {
    const std::vector<Finding> findings = Lint(Pair(101, 100, weight, nopreempt), Options());
    EXPECT_TRUE(Only(findings, "KA001").empty()) << weight << Dump(findings);
    EXPECT_TRUE(Only(findings, "KA002").empty()) << weight << Dump(findings);
  }
}

// A negative weight beyond the gap does not help while the backup keeps nopreempt: it accepts
// every advert of the running master (keepalived #2599, maintainer's answer).
TEST(LintWeightsTest, NegativeWeightWithNopreemptStillNeverMoves) {
  const std::vector<Finding> findings = Lint(Pair(101, 100, -10, true), Options());
  const std::vector<Finding> ka001 = Only(findings, "KA001");
  ASSERT_FALSE(ka001.empty()) << Dump(findings);
  EXPECT_TRUE(Contains(ka001[0].message, "chk_haproxy (weight -10) failing: 91"))
      << ka001[0].message;
}

TEST(LintWeightsTest, NegativeWeightWithinTheGapIsAnError) {
  const std::vector<Finding> findings = Lint(Pair(110, 100, -5, false), Options());
  const std::vector<Finding> ka002 = Only(findings, "KA002");
  ASSERT_EQ(ka002.size(), 1u) << Dump(findings);
  EXPECT_EQ(ka002[0].severity, Severity::kError);
  EXPECT_EQ(ka002[0].node, "lb1");
  EXPECT_TRUE(Contains(ka002[0].message, "lb1 priority 110; chk_haproxy (weight -5) failing: 105"))
      << ka002[0].message;
  EXPECT_TRUE(Contains(ka002[0].message, "best backup lb2 priority 100: 100 does not exceed 105"))
      << ka002[0].message;
  EXPECT_TRUE(Contains(ka002[0].fix, "weight -11 or lower")) << ka002[0].fix;
  EXPECT_TRUE(Only(Lint(Pair(110, 100, -11, false), Options()), "KA002").empty());
}

TEST(LintWeightsTest, PositiveWeightWithinTheGapIsAnError) {
  const std::vector<Finding> findings = Lint(Pair(110, 100, 5, false), Options());
  const std::vector<Finding> ka002 = Only(findings, "KA002");
  ASSERT_EQ(ka002.size(), 1u) << Dump(findings);
  EXPECT_TRUE(Contains(ka002[0].message, "= 115; chk_haproxy (weight 5) failing: 110"))
      << ka002[0].message;
  EXPECT_TRUE(Contains(ka002[0].message, "= 105: 105 does not exceed 110")) << ka002[0].message;
  EXPECT_TRUE(Only(Lint(Pair(110, 100, 11, false), Options()), "KA002").empty());
}

// A script tracked from the sync group counts for every member.
TEST(LintWeightsTest, SyncGroupScriptsCount) {
  auto make = [](const std::string& name, int priority) {
    kconf::VrrpInstance instance = Instance("VI_1", 51, priority);
    kconf::ConfigNode node = Node(name, {instance}, {Script("chk", "killall -0 haproxy", -5)});
    kconf::SyncGroup group;
    group.name = "G";
    group.members = {"VI_1"};
    group.track_scripts.push_back(Ref("chk"));
    node.config.sync_groups.push_back(group);
    return node;
  };
  const std::vector<Finding> findings = Lint(Set({make("lb1", 110), make("lb2", 100)}), Options());
  const std::vector<Finding> ka002 = Only(findings, "KA002");
  ASSERT_EQ(ka002.size(), 1u) << Dump(findings);
  EXPECT_TRUE(Contains(ka002[0].message, "failing: 105")) << ka002[0].message;
  EXPECT_TRUE(Only(Lint(Set({make("lb1", 104), make("lb2", 100)}), Options()), "KA002").empty());
}

TEST(LintWeightsTest, MasterStateClearsNopreemptAndPreemptDelay) {
  kconf::ConfigSet set = Pair(101, 100, 0, true);
  set.nodes[0].config.instances[0].state = "MASTER";
  set.nodes[0].config.instances[0].preempt_delay_s = 5;
  const std::vector<Finding> findings = Lint(set, Options());
  const std::vector<Finding> ka003 = Only(findings, "KA003");
  ASSERT_EQ(ka003.size(), 2u) << Dump(findings);
  EXPECT_EQ(ka003[0].severity, Severity::kWarning);
  EXPECT_EQ(ka003[0].node, "lb1");
  EXPECT_TRUE(Contains(ka003[0].message, "nopreempt will not work with initial state MASTER"))
      << ka003[0].message;
  EXPECT_TRUE(Contains(ka003[1].message, "preempt_delay 5")) << ka003[1].message;
  EXPECT_TRUE(Contains(ka003[0].basis, "vrrp_complete_instance"));
  EXPECT_TRUE(Only(Lint(Pair(101, 100, 0, true), Options()), "KA003").empty());
}

TEST(LintWeightsTest, SlowDetectionAboveTheSlo) {
  kconf::ConfigSet set = Pair(101, 100, 0, false);
  for (kconf::ConfigNode& node : set.nodes) {
    node.config.scripts[0].interval_s = 5;
    node.config.scripts[0].fall = 2;
  }
  const std::vector<Finding> findings = Lint(set, Options());
  const std::vector<Finding> ka004 = Only(findings, "KA004");
  ASSERT_EQ(ka004.size(), 1u) << Dump(findings);
  EXPECT_EQ(ka004[0].severity, Severity::kWarning);
  // 2 x 5 s + 5 s timeout = 15000 ms; takeover 3 x 1 s + (256 - 100) / 256 s = 3609 ms.
  EXPECT_TRUE(Contains(ka004[0].message, "fall 2 x interval 5 s + timeout 5 s = 15000 ms"))
      << ka004[0].message;
  EXPECT_TRUE(Contains(ka004[0].message, "takeover up to 3609 ms")) << ka004[0].message;
  EXPECT_TRUE(Contains(ka004[0].message, "> SLO failover 10000 ms")) << ka004[0].message;
  // The default script (fall 1 x 1 s + 1 s) is inside 10 s, not inside 4 s.
  EXPECT_TRUE(Only(Lint(Pair(101, 100, 0, false), Options()), "KA004").empty());
  LintOptions strict = Options();
  strict.slo.failover_ms = 4000;
  EXPECT_EQ(Only(Lint(Pair(101, 100, 0, false), strict), "KA004").size(), 1u);
}

}  // namespace
}  // namespace viplab::lint
