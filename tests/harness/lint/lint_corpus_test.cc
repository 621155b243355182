// lint on real configurations: every set of the shared corpus (../shared/keepalived-corpus next
// to the project, or $VIPLAB_CORPUS) lints, and the traps each set is known for are found.
// Skipped, saying so, when the corpus is not there.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "harness/kconf/config_set.h"
#include "harness/lint/lint.h"
#include "tests/common/files.h"
#include "tests/harness/lint/lint_builder.h"

namespace viplab::lint {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::Dump;
using testing::Only;
using ::viplab::testing::CorpusPath;

// The set's own folder is its --files DIR only where the scripts sit at their node paths; the
// corpus keeps them beside the configs, so lint looks on nothing but the configs here.
std::vector<Finding> LintSet(const std::string& folder) {
  const kconf::ConfigSet set = kconf::LoadConfigSet({(CorpusPath() / folder).string()});
  return Lint(set, testing::Options());
}

TEST(LintCorpusTest, EverySetLints) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  int sets = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(CorpusPath())) {
    if (!entry.is_directory()) continue;
    ++sets;
    const std::vector<Finding> findings = LintSet(entry.path().filename().string());
    if (std::getenv("VIPLAB_LINT_DUMP") != nullptr) {
      std::printf("== %s\n%s", entry.path().filename().c_str(), Dump(findings).c_str());
    }
    for (const Finding& finding : findings) {
      EXPECT_FALSE(finding.code.empty());
      EXPECT_FALSE(finding.message.empty()) << finding.code;
      EXPECT_FALSE(finding.basis.empty()) << finding.code;
      EXPECT_FALSE(finding.fix.empty()) << finding.code;
    }
  }
  EXPECT_GE(sets, 8);
}


// Equal base priorities on all three nodes (the tie goes to the highest address); positive
// weights that do move the VIP (no KA001/KA002); slow checks against 10 s.
TEST(LintCorpusTest, OpenShift) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  const std::vector<Finding> findings = LintSet("openshift-mco-onprem-api-ingress");
  const std::vector<Finding> ka008 = Only(findings, "KA008");
  ASSERT_EQ(ka008.size(), 2u) << Dump(findings);
  EXPECT_TRUE(Contains(ka008[0].message, "master-0, master-1, master-2 all have priority 40"))
      << ka008[0].message;
  EXPECT_TRUE(Contains(ka008[1].message, "all have priority 20")) << ka008[1].message;
  EXPECT_TRUE(Only(findings, "KA001").empty()) << Dump(findings);
  EXPECT_TRUE(Only(findings, "KA002").empty()) << Dump(findings);
  const std::vector<Finding> ka004 = Only(findings, "KA004");
  ASSERT_FALSE(ka004.empty());
  EXPECT_TRUE(Contains(ka004[0].message, "chk_ocp_lb: fall 3 x interval 2 s + timeout 2 s"))
      << ka004[0].message;
  EXPECT_EQ(Only(findings, "KA020").size(), 6u) << Dump(findings);  // auth_pass over 8, x 6
}

// `</dev/tcp/...` check lines: run by /bin/sh (dash), three per node.
TEST(LintCorpusTest, LocalCheck) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  const std::vector<Finding> findings = LintSet("keepalived-sample-vrrp-localcheck");
  const std::vector<Finding> ka009 = Only(findings, "KA009");
  ASSERT_EQ(ka009.size(), 6u) << Dump(findings);
  EXPECT_EQ(ka009[0].node, "lb1");
  EXPECT_TRUE(Contains(ka009[0].message, "\"</dev/tcp/127.0.0.1/80\"")) << ka009[0].message;
  EXPECT_EQ(ka009[0].where.line, 25);
  EXPECT_TRUE(Only(findings, "KA002").empty()) << Dump(findings);
}

// nopreempt with a FAULT check (no weight): the master goes FAULT, the VIP moves; no weight
// rule fires. The issue's split brain is a network matter, not a file one.
TEST(LintCorpusTest, Issue2370) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  const std::vector<Finding> findings = LintSet("keepalived-issue-2370-multicast-split-brain");
  EXPECT_TRUE(Only(findings, "KA001").empty()) << Dump(findings);
  EXPECT_TRUE(Only(findings, "KA002").empty()) << Dump(findings);
  EXPECT_EQ(LintExitCode(findings), 0) << Dump(findings);
}

// All BACKUP + nopreempt with priorities 1/2/3 and a FAULT check: nothing to warn about.
TEST(LintCorpusTest, Kolla) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  const std::vector<Finding> findings = LintSet("kolla-ansible-loadbalancer");
  EXPECT_TRUE(Only(findings, "KA001").empty()) << Dump(findings);
  EXPECT_TRUE(Only(findings, "KA008").empty()) << Dump(findings);
  EXPECT_TRUE(Only(findings, "KA003").empty()) << Dump(findings);
}

// ceph-a MASTER 100, ceph-b and ceph-c BACKUP 90: weight -20 moves the VIP (80 < 90); the two
// backups tie.
TEST(LintCorpusTest, Cephadm) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  const std::vector<Finding> findings = LintSet("cephadm-ingress");
  EXPECT_TRUE(Only(findings, "KA002").empty()) << Dump(findings);
  EXPECT_TRUE(Only(findings, "KA007").empty()) << Dump(findings);
  const std::vector<Finding> ka008 = Only(findings, "KA008");
  ASSERT_EQ(ka008.size(), 1u) << Dump(findings);
  EXPECT_TRUE(Contains(ka008[0].message, "ceph-b, ceph-c all have priority 90"));
}

// A sync group's script is reported once, not once per member instance.
TEST(LintCorpusTest, SyncGroupScriptReportedOnce) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  const std::vector<Finding> findings = LintSet("vyos-vrrp-sync-group");
  const std::vector<Finding> ka004 = Only(findings, "KA004");
  ASSERT_EQ(ka004.size(), 1u) << Dump(findings);
  EXPECT_TRUE(Contains(ka004[0].message, "fall 3 x interval 60 s")) << ka004[0].message;
}

// Lint of the real 3-node sets (loaded once) against the 100 ms target.
TEST(LintCorpusTest, ThreeNodeSetsLintFast) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  using Clock = std::chrono::steady_clock;
  auto ms_since = [](Clock::time_point start, int runs) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count() / runs;
  };
  for (const char* folder :
       {"openshift-mco-onprem-api-ingress", "cephadm-ingress", "kolla-ansible-loadbalancer"}) {
    const int runs = 50;
    Clock::time_point start = Clock::now();
    for (int i = 0; i < runs; ++i) {
      Lint(kconf::LoadConfigSet({(CorpusPath() / folder).string()}), testing::Options());
    }
    const double whole_ms = ms_since(start, runs);
    const kconf::ConfigSet set = kconf::LoadConfigSet({(CorpusPath() / folder).string()});
    start = Clock::now();
    for (int i = 0; i < runs; ++i) Lint(set, testing::Options());
    const double lint_ms = ms_since(start, runs);
    std::printf("%s: load + lint %.3f ms, lint alone %.3f ms (mean of %d)\n", folder, whole_ms,
                lint_ms, runs);
    EXPECT_LT(whole_ms, 100.0) << folder;
  }
}

}  // namespace
}  // namespace viplab::lint
