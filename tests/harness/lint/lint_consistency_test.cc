// KA005 nodes disagreeing, KA006 duplicate VRIDs, KA007 unicast peers, KA008 equal priorities.
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
using testing::Set;


kconf::ConfigSet Two(const kconf::VrrpInstance& a, const kconf::VrrpInstance& b) {
  return Set({Node("lb1", {a}), Node("lb2", {b})});
}

TEST(LintConsistencyTest, AgreeingNodesAreClean) {
  kconf::VrrpInstance a = Instance("VI_1", 51, 150);
  a.auth_type = "PASS";
  a.auth_pass = "secret12_one";  // differs only after 8 characters: the same on the wire
  kconf::VrrpInstance b = Instance("VI_1", 51, 100);
  b.auth_type = "PASS";
  b.auth_pass = "secret12_two";
  const std::vector<Finding> findings = Lint(Two(a, b), Options());
  EXPECT_TRUE(Only(findings, "KA005").empty()) << Dump(findings);
  EXPECT_TRUE(Only(findings, "KA006").empty()) << Dump(findings);
  EXPECT_TRUE(Only(findings, "KA007").empty()) << Dump(findings);
  EXPECT_TRUE(Only(findings, "KA008").empty()) << Dump(findings);
}

TEST(LintConsistencyTest, DisagreementsAreErrorsWithEachNodesValue) {
  struct Case {
    const char* attribute;
    void (*change)(kconf::VrrpInstance&);
    const char* listed;
  };
  const Case cases[] = {
      {"virtual_router_id", [](kconf::VrrpInstance& i) { i.virtual_router_id = 52; },
       "lb1 51, lb2 52"},
      {"advert_int", [](kconf::VrrpInstance& i) { i.advert_int_s = 2; }, "lb1 1 s, lb2 2 s"},
      {"version", [](kconf::VrrpInstance& i) { i.version = 3; }, "lb1 2, lb2 3"},
      {"authentication",
       [](kconf::VrrpInstance& i) {
         i.auth_type = "PASS";
         i.auth_pass = "1111";
       },
       "lb1 none, lb2 PASS 1111"},
      {"virtual_ipaddress", [](kconf::VrrpInstance& i) { i.vips[0].address = "10.0.0.101"; },
       "lb1 10.0.0.100/24, lb2 10.0.0.101/24"},
  };
  for (const Case& c : cases) {
    kconf::VrrpInstance b = Instance("VI_1", 51, 100);
    c.change(b);
    const std::vector<Finding> findings = Lint(Two(Instance("VI_1", 51, 150), b), Options());
    const std::vector<Finding> ka005 = Only(findings, "KA005");
    ASSERT_EQ(ka005.size(), 1u) << c.attribute << "\n" << Dump(findings);
    EXPECT_EQ(ka005[0].severity, Severity::kError);
    EXPECT_EQ(ka005[0].instance, "VI_1");
    EXPECT_TRUE(Contains(ka005[0].message, std::string("disagree on ") + c.attribute))
        << ka005[0].message;
    EXPECT_TRUE(Contains(ka005[0].message, c.listed)) << ka005[0].message;
  }
}

TEST(LintConsistencyTest, Version3AdvertIntervalsMayDiffer) {
  kconf::VrrpInstance a = Instance("VI_1", 51, 150);
  a.version = 3;
  kconf::VrrpInstance b = Instance("VI_1", 51, 100);
  b.version = 3;
  b.advert_int_s = 0.5;
  EXPECT_TRUE(Only(Lint(Two(a, b), Options()), "KA005").empty());
}

TEST(LintConsistencyTest, DuplicateVridOnOneInterface) {
  const kconf::ConfigNode lb1 = Node("lb1", {Instance("VI_1", 51, 150), Instance("VI_2", 51, 150)});
  const std::vector<Finding> findings = Lint(Set({lb1}), Options());
  const std::vector<Finding> ka006 = Only(findings, "KA006");
  ASSERT_EQ(ka006.size(), 1u) << Dump(findings);
  EXPECT_EQ(ka006[0].severity, Severity::kError);
  EXPECT_TRUE(Contains(ka006[0].message,
                       "virtual_router_id 51 is used by 2 instances on "
                       "interface eth0 (IPv4): VI_1 on lb1"))
      << ka006[0].message;
  // Another interface is another segment.
  const kconf::ConfigNode apart =
      Node("lb1", {Instance("VI_1", 51, 150), Instance("VI_2", 51, 150, "eth1")});
  EXPECT_TRUE(Only(Lint(Set({apart}), Options()), "KA006").empty());
}

kconf::VrrpInstance Unicast(int priority, const std::string& src, std::vector<std::string> peers) {
  kconf::VrrpInstance instance = Instance("VI_1", 51, priority);
  instance.unicast_src_ip = src;
  instance.unicast_peers = std::move(peers);
  return instance;
}

TEST(LintConsistencyTest, UnicastPeersMustBeTheOtherNodes) {
  auto lint = [](std::vector<std::string> lb3_peers) {
    return Lint(Set({Node("lb1", {Unicast(150, "10.0.0.1", {"10.0.0.2", "10.0.0.3"})}),
                     Node("lb2", {Unicast(100, "10.0.0.2", {"10.0.0.1", "10.0.0.3"})}),
                     Node("lb3", {Unicast(50, "10.0.0.3", std::move(lb3_peers))})}),
                Options());
  };
  EXPECT_TRUE(Only(lint({"10.0.0.1", "10.0.0.2"}), "KA007").empty());
  const std::vector<Finding> findings = lint({"10.0.0.1", "10.0.0.3"});
  const std::vector<Finding> ka007 = Only(findings, "KA007");
  ASSERT_EQ(ka007.size(), 1u) << Dump(findings);
  EXPECT_EQ(ka007[0].severity, Severity::kError);
  EXPECT_EQ(ka007[0].node, "lb3");
  EXPECT_TRUE(Contains(ka007[0].message, "missing 10.0.0.2")) << ka007[0].message;
  EXPECT_TRUE(Contains(ka007[0].message, "not a peer 10.0.0.3")) << ka007[0].message;
  EXPECT_TRUE(Contains(ka007[0].fix, "unicast_peer { 10.0.0.1 10.0.0.2 } on lb3")) << ka007[0].fix;
  // A node left on multicast.
  const std::vector<Finding> mixed = Only(lint({}), "KA007");
  ASSERT_EQ(mixed.size(), 1u);
  EXPECT_TRUE(Contains(mixed[0].message, "no unicast_peer")) << mixed[0].message;
}

TEST(LintConsistencyTest, EqualPrioritiesAreAWarning) {
  const std::vector<Finding> findings =
      Lint(Set({Node("lb1", {Instance("VI_1", 51, 1)}), Node("lb2", {Instance("VI_1", 51, 1)}),
                Node("lb3", {Instance("VI_1", 51, 1)})}),
           Options());
  const std::vector<Finding> ka008 = Only(findings, "KA008");
  ASSERT_EQ(ka008.size(), 1u) << Dump(findings);
  EXPECT_EQ(ka008[0].severity, Severity::kWarning);
  EXPECT_TRUE(Contains(ka008[0].message, "lb1, lb2, lb3 all have priority 1")) << ka008[0].message;
  EXPECT_TRUE(Contains(ka008[0].basis, "vrrp_state_master_rx"));
  EXPECT_TRUE(
      Only(Lint(Two(Instance("VI_1", 51, 101), Instance("VI_1", 51, 100)), Options()), "KA008")
          .empty());
}

}  // namespace
}  // namespace viplab::lint
