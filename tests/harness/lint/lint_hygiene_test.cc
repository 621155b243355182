// The info rules (KA012..KA017), tracking keepalived drops (KA018, KA019), the order of the
// findings, and how long a lint takes.
#include <gtest/gtest.h>

#include <chrono>

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


kconf::ConfigSet One(const kconf::VrrpInstance& instance,
                     std::vector<kconf::VrrpScript> scripts = {}) {
  return Set({Node("lb1", {instance}, std::move(scripts))});
}

TEST(LintHygieneTest, ListedLinesAreInfo) {
  kconf::ConfigSet set = One(Instance("VI_1", 51, 100));
  kconf::KeepalivedConfig& config = set.nodes[0].config;
  config.unknown.push_back(kconf::LineRef{
      .keyword = "vrrp_magic", .args = {"on"}, .where = {.file = "lb1.conf", .line = 4}});
  config.unmodelled.push_back(kconf::LineRef{
      .keyword = "lvs_id", .args = {"LB1"}, .where = {.file = "lb1.conf", .line = 5}});
  config.not_exercised.push_back(kconf::NotExercised{.what = "virtual_server 10.0.0.1 80",
                                                     .why = "LVS",
                                                     .where = {.file = "lb1.conf", .line = 40}});
  const std::vector<Finding> findings = Lint(set, Options());
  ASSERT_EQ(Only(findings, "KA012").size(), 1u) << Dump(findings);
  EXPECT_TRUE(Contains(Only(findings, "KA012")[0].message, "'vrrp_magic on'"));
  EXPECT_EQ(Only(findings, "KA012")[0].severity, Severity::kInfo);
  ASSERT_EQ(Only(findings, "KA013").size(), 1u);
  EXPECT_TRUE(Contains(Only(findings, "KA013")[0].message, "'lvs_id LB1'"));
  ASSERT_EQ(Only(findings, "KA014").size(), 1u);
  EXPECT_TRUE(Contains(Only(findings, "KA014")[0].message, "virtual_server 10.0.0.1 80"));
  EXPECT_EQ(LintExitCode(findings), 0);
  const std::vector<Finding> clean = Lint(One(Instance("VI_1", 51, 100)), Options());
  EXPECT_TRUE(clean.empty()) << Dump(clean);
}

TEST(LintHygieneTest, AuthPassLongerThanEight) {
  kconf::VrrpInstance instance = Instance("VI_1", 51, 100);
  instance.auth_type = "PASS";
  instance.auth_pass = "ocp4_api_vip";
  const std::vector<Finding> ka015 = Only(Lint(One(instance), Options()), "KA015");
  ASSERT_EQ(ka015.size(), 1u);
  EXPECT_EQ(ka015[0].severity, Severity::kInfo);
  EXPECT_TRUE(Contains(ka015[0].message,
                       "has 12 characters; keepalived uses the first 8 "
                       "(\"ocp4_api\")"))
      << ka015[0].message;
  instance.auth_pass = "ocp4_api";
  EXPECT_TRUE(Only(Lint(One(instance), Options()), "KA015").empty());
}

TEST(LintHygieneTest, AuthenticationIgnoredInVersion3) {
  kconf::VrrpInstance instance = Instance("VI_1", 51, 100);
  instance.auth_type = "PASS";
  instance.auth_pass = "1111";
  EXPECT_TRUE(Only(Lint(One(instance), Options()), "KA016").empty());
  instance.version = 3;
  const std::vector<Finding> ka016 = Only(Lint(One(instance), Options()), "KA016");
  ASSERT_EQ(ka016.size(), 1u);
  EXPECT_TRUE(Contains(ka016[0].message, "VRRP version 3 does not support authentication"));
}

TEST(LintHygieneTest, UnusedScripts) {
  const std::vector<Finding> ka017 =
      Only(Lint(One(Instance("VI_1", 51, 100), {Script("chk", "true", 5)}), Options()), "KA017");
  ASSERT_EQ(ka017.size(), 1u);
  EXPECT_EQ(ka017[0].severity, Severity::kInfo);
  EXPECT_TRUE(Contains(ka017[0].message, "vrrp_script chk has weight 5 but no instance"))
      << ka017[0].message;
  kconf::VrrpInstance tracking = Instance("VI_1", 51, 100);
  tracking.track_scripts.push_back(Ref("chk"));
  EXPECT_TRUE(Only(Lint(One(tracking, {Script("chk", "true", 5)}), Options()), "KA017").empty());
}

// An instance's own weighted track_script in a sync group: dropped unless the group has
// sync_group_tracking_weight (vrrp.c vrrp_complete_instance).
TEST(LintHygieneTest, SyncGroupDropsInstanceWeights) {
  auto make = [](bool keep_weights) {
    kconf::VrrpInstance instance = Instance("VI_1", 51, 110);
    instance.track_scripts.push_back(Ref("chk"));
    kconf::ConfigNode node = Node("lb1", {instance}, {Script("chk", "true", -20)});
    kconf::SyncGroup group;
    group.name = "G";
    group.members = {"VI_1"};
    group.tracking_weight = keep_weights;  // sync_group_tracking_weight in the group
    node.config.sync_groups.push_back(group);
    return Set({std::move(node)});
  };
  const std::vector<Finding> ka018 = Only(Lint(make(false), Options()), "KA018");
  ASSERT_EQ(ka018.size(), 1u);
  EXPECT_EQ(ka018[0].severity, Severity::kWarning);
  EXPECT_TRUE(Contains(ka018[0].message, "track_script chk (weight -20) is dropped"))
      << ka018[0].message;
  EXPECT_TRUE(Only(Lint(make(true), Options()), "KA018").empty());
}

TEST(LintHygieneTest, TrackingAnUndefinedScript) {
  kconf::VrrpInstance instance = Instance("VI_1", 51, 100);
  instance.track_scripts.push_back(Ref("chk_haproxy"));
  const std::vector<Finding> ka019 = Only(Lint(One(instance), Options()), "KA019");
  ASSERT_EQ(ka019.size(), 1u);
  EXPECT_TRUE(Contains(ka019[0].message, "track_script chk_haproxy names no vrrp_script"));
  EXPECT_TRUE(
      Only(Lint(One(instance, {Script("chk_haproxy", "true", 0)}), Options()), "KA019").empty());
}

// What the reader records keepalived correcting: info; a track entry naming nothing: warning.
TEST(LintHygieneTest, ReaderWarnings) {
  kconf::ConfigSet set = One(Instance("VI_1", 51, 100));
  set.nodes[0].config.warnings.push_back(
      kconf::ConfigWarning{.keyword = "auth_pass",
                           .what = "auth_pass truncated to 8 characters",
                           .where = {.file = "lb1.conf", .line = 7}});
  set.nodes[0].config.warnings.push_back(kconf::ConfigWarning{
      .keyword = "track_script",
      .what = "track_script chk not found (keepalived looks it up where this line is: it must "
              "be defined above): ignored",
      .where = {.file = "lb1.conf", .line = 21}});
  const std::vector<Finding> findings = Lint(set, Options());
  const std::vector<Finding> ka020 = Only(findings, "KA020");
  ASSERT_EQ(ka020.size(), 1u) << Dump(findings);
  EXPECT_EQ(ka020[0].severity, Severity::kInfo);
  EXPECT_EQ(ka020[0].message, "auth_pass: auth_pass truncated to 8 characters");
  const std::vector<Finding> ka019 = Only(findings, "KA019");
  ASSERT_EQ(ka019.size(), 1u) << Dump(findings);
  EXPECT_EQ(ka019[0].severity, Severity::kWarning);
  EXPECT_EQ(ka019[0].where.line, 21);
  EXPECT_TRUE(Only(Lint(One(Instance("VI_1", 51, 100)), Options()), "KA020").empty());
}

TEST(LintOrderTest, ErrorsFirstThenNodeThenLine) {
  kconf::ConfigSet set = Pair(101, 100, 2, true);     // KA001 errors on lb1 and lb2
  set.nodes[1].config.instances[0].state = "MASTER";  // KA003 warning on lb2
  set.nodes[0].config.unknown.push_back(
      kconf::LineRef{.keyword = "bogus", .args = {}, .where = {.file = "lb1.conf", .line = 1}});
  const std::vector<Finding> findings = Lint(set, Options());
  // lb2's state MASTER clears its nopreempt: lb1 failing (101) is preempted by lb2 (102).
  ASSERT_EQ(findings.size(), 3u) << Dump(findings);
  for (size_t i = 1; i < findings.size(); ++i) {
    const Finding& a = findings[i - 1];
    const Finding& b = findings[i];
    ASSERT_GE(static_cast<int>(a.severity), static_cast<int>(b.severity)) << Dump(findings);
    if (a.severity == b.severity && a.node == b.node && a.where.file == b.where.file) {
      EXPECT_LE(a.where.line, b.where.line) << Dump(findings);
    }
    if (a.severity == b.severity) {
      EXPECT_LE(a.node, b.node) << Dump(findings);
    }
  }
  EXPECT_EQ(findings.front().code, "KA001");
  EXPECT_EQ(findings.back().code, "KA012");
  // Within a severity: by node name, whatever the order of the files.
  kconf::ConfigSet reversed =
      Set({Node("lb2", {Instance("VI_1", 51, 100)}), Node("lb1", {Instance("VI_1", 51, 101)})});
  for (kconf::ConfigNode& node : reversed.nodes) {
    node.config.unknown.push_back(
        kconf::LineRef{.keyword = "bogus", .args = {}, .where = {.file = node.file, .line = 1}});
  }
  const std::vector<Finding> infos = Lint(reversed, Options());
  ASSERT_EQ(infos.size(), 2u) << Dump(infos);
  EXPECT_EQ(infos[0].node, "lb1");
  EXPECT_EQ(infos[1].node, "lb2");
}

// A 3-node set with two instances and six scripts each: far below the 100 ms target.
TEST(LintPerformanceTest, ThreeNodeSetLintsInMicroseconds) {
  std::vector<kconf::ConfigNode> nodes;
  for (int n = 0; n < 3; ++n) {
    std::vector<kconf::VrrpScript> scripts;
    kconf::VrrpInstance api = Instance("API", 51, 40);
    kconf::VrrpInstance ingress = Instance("INGRESS", 52, 20);
    for (int s = 0; s < 6; ++s) {
      const std::string name = "chk_" + std::to_string(s);
      scripts.push_back(
          Script(name, "/usr/bin/timeout 1.9 /etc/keepalived/" + name + ".sh", s % 2 ? 5 : -10));
      (s < 3 ? api : ingress).track_scripts.push_back(Ref(name));
    }
    for (kconf::VrrpInstance* instance : {&api, &ingress}) {
      instance->unicast_src_ip = "10.0.0." + std::to_string(n + 1);
      for (int peer = 0; peer < 3; ++peer) {
        if (peer != n) instance->unicast_peers.push_back("10.0.0." + std::to_string(peer + 1));
      }
    }
    nodes.push_back(Node("master-" + std::to_string(n), {api, ingress}, scripts));
  }
  const kconf::ConfigSet set = Set(std::move(nodes));
  const int runs = 200;
  const auto start = std::chrono::steady_clock::now();
  size_t count = 0;
  for (int i = 0; i < runs; ++i) count += Lint(set, Options()).size();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
      runs;
  RecordProperty("lint_ms", std::to_string(ms));
  std::printf("lint of a 3-node set (2 instances, 6 scripts): %.3f ms per run, %zu findings\n", ms,
              count / runs);
  EXPECT_GT(count, 0u);
  EXPECT_LT(ms, 100.0);
}

}  // namespace
}  // namespace viplab::lint
