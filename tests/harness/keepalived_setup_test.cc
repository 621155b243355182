// The keepalived.conf viplab renders for each issue-2599 case, pinned to reviewed text in
// golden/. A change in rendering shows up as a readable diff here before it changes a lab run.
#include "harness/lab/keepalived_setup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "daemon/keepalived_config.h"
#include "harness/model/scenario.h"

namespace viplab {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::filesystem::path kSource = VIPLAB_SOURCE_DIR;

class GoldenConfigTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenConfigTest, RenderedConfigMatchesReviewedText) {
  const Scenario s = LoadScenario(kSource / "cases/issue-2599" / (GetParam() + ".json"));
  for (size_t i = 0; i < s.nodes.size(); ++i) {
    const auto golden = kSource / "tests/harness/golden" /
                        ("issue-2599-" + GetParam() + "." + s.nodes[i].name + ".conf");
    ASSERT_TRUE(std::filesystem::exists(golden)) << golden;
    EXPECT_EQ(RenderKeepalivedConfig(BuildKeepalivedConfig(s, i, {"vl-1-", ServiceKind::kStandin})),
              ReadFile(golden))
        << "node " << s.nodes[i].name << ", golden file " << golden;
  }
}

INSTANTIATE_TEST_SUITE_P(Issue2599, GoldenConfigTest,
                         ::testing::Values("a-weight2-nopreempt", "b-no-weight-fault",
                                           "c-weight4-preempt", "d-track-process"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(KeepalivedSetupTest, RealHaproxyIsTrackedByItsLabAndNode) {
  const Scenario s = LoadScenario(kSource / "cases/issue-2599/d-track-process.json");
  EXPECT_THAT(RenderKeepalivedConfig(BuildKeepalivedConfig(s, 1, {"vl-4-", ServiceKind::kHaproxy})),
              ::testing::HasSubstr("    process haproxy -L vl-4-lb2\n    param_match partial\n"));
}

TEST(KeepalivedSetupTest, NodeOverridesReachTheirOwnConfigOnly) {
  Scenario s = LoadScenario(kSource / "cases/issue-2599/d-track-process.json");
  s.nodes[1].advert_int = 2;
  EXPECT_THAT(RenderKeepalivedConfig(BuildKeepalivedConfig(s, 1, {"vl-1-", ServiceKind::kStandin})),
              ::testing::HasSubstr("advert_int 2\n"));
  EXPECT_THAT(RenderKeepalivedConfig(BuildKeepalivedConfig(s, 0, {"vl-1-", ServiceKind::kStandin})),
              ::testing::HasSubstr("advert_int 1\n"));
}

}  // namespace
}  // namespace viplab
