// The parser on real configurations: every *.conf of the shared corpus (../shared/
// keepalived-corpus next to the project, or $VIPLAB_CORPUS) parses, a few nodes are checked, and
// parsing one set is timed. Skipped, saying so, when the corpus is not there.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "harness/kconf/conf_tree.h"
#include "netns/error.h"
#include "tests/common/files.h"

namespace viplab::kconf {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::viplab::testing::CorpusPath;

std::vector<fs::path> CorpusConfs() {
  std::vector<fs::path> confs;
  for (const auto& entry : fs::recursive_directory_iterator(CorpusPath())) {
    if (entry.is_regular_file() && entry.path().extension() == ".conf") {
      confs.push_back(entry.path());
    }
  }
  std::sort(confs.begin(), confs.end());
  return confs;
}

const ConfNode* Find(const std::vector<ConfNode>& nodes, std::string_view keyword) {
  for (const ConfNode& node : nodes) {
    if (node.keyword == keyword) return &node;
  }
  return nullptr;
}

TEST(ConfCorpusTest, EveryConfigurationParses) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  std::vector<fs::path> confs = CorpusConfs();
  EXPECT_GE(confs.size(), 16u);
  for (const fs::path& conf : confs) {
    SCOPED_TRACE(conf.string());
    try {
      ConfTree tree = ParseKeepalivedConf(conf, ParseOptions{});
      EXPECT_FALSE(tree.top.empty());
      EXPECT_THAT(tree.files, ElementsAre(conf));
    } catch (const InputError& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

TEST(ConfCorpusTest, OctaviaAmphora) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  fs::path conf = CorpusPath() / "octavia-amphora-active-standby" / "amp1.conf";
  ConfTree tree = ParseKeepalivedConf(conf, ParseOptions{});
  std::vector<std::string> top;
  for (const ConfNode& node : tree.top) top.push_back(node.keyword);
  EXPECT_THAT(top, ElementsAre("vrrp_script", "vrrp_instance"));
  const ConfNode& instance = tree.top[1];
  EXPECT_EQ(instance.where.line, 8);
  const ConfNode* excluded = Find(instance.children, "virtual_ipaddress_excluded");
  ASSERT_NE(excluded, nullptr);
  EXPECT_TRUE(excluded->has_block);
  EXPECT_THAT(excluded->children, IsEmpty());
  EXPECT_EQ(excluded->where.line, 31);
}

TEST(ConfCorpusTest, LocalCheckScriptIsOneWordWithoutItsComment) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  fs::path conf = CorpusPath() / "keepalived-sample-vrrp-localcheck" / "lb1.conf";
  ConfTree tree = ParseKeepalivedConf(conf, ParseOptions{});
  const ConfNode* script_block = nullptr;
  for (const ConfNode& node : tree.top) {
    if (node.keyword == "vrrp_script" && node.args == std::vector<std::string>{"chk_http_port"}) {
      script_block = &node;
    }
  }
  ASSERT_NE(script_block, nullptr);
  const ConfNode* script = Find(script_block->children, "script");
  ASSERT_NE(script, nullptr);
  EXPECT_THAT(script->args, ElementsAre("</dev/tcp/127.0.0.1/80"));
  EXPECT_EQ(script->text, "script \"</dev/tcp/127.0.0.1/80\"");
  EXPECT_EQ(script->where.line, 25);
}

// A 3-node set must parse far below 100 ms. The best of five runs is asserted (a busy machine
// can stall any one run); best and worst are printed for the record.
TEST(ConfCorpusTest, ThreeNodeSetParsesFast) {
  VIPLAB_SKIP_WITHOUT_CORPUS();
  fs::path set = CorpusPath() / "kolla-ansible-loadbalancer";
  double best = 1e9;
  double worst = 0;
  size_t nodes = 0;
  for (int run = 0; run < 5; ++run) {
    auto start = std::chrono::steady_clock::now();
    nodes = 0;
    for (const char* name : {"lb1.conf", "lb2.conf", "lb3.conf"}) {
      nodes += ParseKeepalivedConf(set / name, ParseOptions{}).top.size();
    }
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
    worst = std::max(worst, took.count());
  }
  fmt::print(
      "parsed kolla-ansible-loadbalancer (3 files, {} top-level nodes): best {:.3f} ms, "
      "worst {:.3f} ms of 5 runs\n",
      nodes, best, worst);
  EXPECT_LT(best, 10.0);
}

}  // namespace
}  // namespace viplab::kconf
