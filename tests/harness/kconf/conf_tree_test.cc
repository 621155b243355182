// The keepalived.conf parser against what keepalived 2.2.7's lib/parser.c does before its keyword
// handlers run: one test per construct and per error (the file:line in the message), on files
// written into a scratch folder; then every configuration of the shared corpus.
#include "harness/kconf/conf_tree.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "netns/error.h"
#include "tests/common/files.h"

namespace viplab::kconf {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

void Write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Parses `text` written as keepalived.conf in a fresh scratch folder.
class ConfTreeTest : public ::testing::Test {
 protected:
  fs::path Conf(std::string_view text, const std::string& name = "keepalived.conf") {
    fs::path path = dir_ / name;
    Write(path, text);
    return path;
  }
  ConfTree Parse(std::string_view text, const std::string& config_id = "") {
    ParseOptions options;
    options.config_id = config_id;
    return ParseKeepalivedConf(Conf(text), options);
  }
  // The InputError message of parsing `text` ("" when it parsed).
  std::string Error(std::string_view text, const std::string& config_id = "") {
    try {
      Parse(text, config_id);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }
  std::string At(int line, const std::string& name = "keepalived.conf") {
    return fmt::format("{}:{}: ", (dir_ / name).string(), line);
  }
  testing::ScratchDir dir_{"kconf-test"};
};

std::vector<std::string> Keywords(const std::vector<ConfNode>& nodes) {
  std::vector<std::string> out;
  for (const ConfNode& node : nodes) out.push_back(node.keyword);
  return out;
}

TEST_F(ConfTreeTest, WordsAndBlocks) {
  ConfTree tree = Parse(
      "global_defs {\n"
      "  router_id  lb1\t\n"
      "}\n"
      "vrrp_instance VI_1\n"
      "{\n"
      "  state MASTER\n"
      "  virtual_ipaddress {\n"
      "    10.0.0.1/24 dev eth0\n"
      "  }\n"
      "}\n");
  ASSERT_EQ(tree.top.size(), 2u);
  const ConfNode& global = tree.top[0];
  EXPECT_EQ(global.keyword, "global_defs");
  EXPECT_TRUE(global.has_block);
  ASSERT_EQ(global.children.size(), 1u);
  EXPECT_EQ(global.children[0].keyword, "router_id");
  EXPECT_THAT(global.children[0].args, ElementsAre("lb1"));
  EXPECT_EQ(global.children[0].where.line, 2);
  const ConfNode& instance = tree.top[1];
  EXPECT_THAT(instance.args, ElementsAre("VI_1"));
  EXPECT_TRUE(instance.has_block);
  EXPECT_EQ(instance.where.line, 4);
  EXPECT_THAT(Keywords(instance.children), ElementsAre("state", "virtual_ipaddress"));
  const ConfNode& vips = instance.children[1];
  ASSERT_EQ(vips.children.size(), 1u);
  EXPECT_EQ(vips.children[0].keyword, "10.0.0.1/24");
  EXPECT_THAT(vips.children[0].args, ElementsAre("dev", "eth0"));
  EXPECT_FALSE(instance.children[0].has_block);
  EXPECT_THAT(tree.files, ElementsAre(dir_ / "keepalived.conf"));
}

TEST_F(ConfTreeTest, BlockOnOneLine) {
  ConfTree tree = Parse(
      "vrrp_instance VI_1 { state BACKUP\n"
      "  unicast_peer { 10.0.0.2 10.0.0.3 }\n"
      "  virtual_ipaddress_excluded {\n"
      "  }\n"
      "  track_script { chk }\n"
      "}\n");
  ASSERT_EQ(tree.top.size(), 1u);
  const ConfNode& instance = tree.top[0];
  ASSERT_THAT(Keywords(instance.children),
              ElementsAre("state", "unicast_peer", "virtual_ipaddress_excluded", "track_script"));
  const ConfNode& peers = instance.children[1];
  EXPECT_TRUE(peers.has_block);
  ASSERT_EQ(peers.children.size(), 1u);
  EXPECT_EQ(peers.children[0].keyword, "10.0.0.2");
  EXPECT_THAT(peers.children[0].args, ElementsAre("10.0.0.3"));
  EXPECT_EQ(peers.children[0].where.line, 2);
  EXPECT_EQ(peers.text, "unicast_peer { 10.0.0.2 10.0.0.3 }");
  EXPECT_TRUE(instance.children[2].has_block);
  EXPECT_THAT(instance.children[2].children, IsEmpty());
  EXPECT_THAT(instance.children[3].children[0].keyword, "chk");
}

TEST_F(ConfTreeTest, Comments) {
  ConfTree tree = Parse(
      "# whole line\n"
      "! also whole line\n"
      "   # indented\n"
      "global_defs { # trailing\n"
      "  router_id lb1 ! bang\n"
      "  notification_email_from a\\#b\n"
      "}\n");
  ASSERT_EQ(tree.top.size(), 1u);
  EXPECT_EQ(tree.top[0].where.line, 4);
  EXPECT_EQ(tree.top[0].text, "global_defs {");
  ASSERT_EQ(tree.top[0].children.size(), 2u);
  EXPECT_THAT(tree.top[0].children[0].args, ElementsAre("lb1"));
  EXPECT_EQ(tree.top[0].children[0].text, "router_id lb1");
  // lib/parser.c decomment(): `\#` outside quotes is a literal `#`.
  EXPECT_THAT(tree.top[0].children[1].args, ElementsAre("a#b"));
}

TEST_F(ConfTreeTest, QuotedWordsKeepCommentsAndBraces) {
  ConfTree tree = Parse(
      "vrrp_script chk {\n"
      "  script \"/bin/check --x # not a comment { }\" # a comment\n"
      "  user \"\" x\"y z\"\n"
      "}\n");
  const ConfNode& script = tree.top[0].children[0];
  EXPECT_THAT(script.args, ElementsAre("/bin/check --x # not a comment { }"));
  EXPECT_EQ(script.text, "script \"/bin/check --x # not a comment { }\"");
  // alloc_strvec_r(): an empty "" is a word; an unquoted word ends at a quote; no escapes.
  EXPECT_THAT(tree.top[0].children[1].args, ElementsAre("", "x", "y z"));
  ConfTree single = Parse("vrrp_script c {\n script 'a b'\n}\n");
  EXPECT_THAT(single.top[0].children[0].args, ElementsAre("'a", "b'"));
}

TEST_F(ConfTreeTest, CarriageReturnsAndNoFinalNewline) {
  ConfTree tree = Parse("global_defs {\r\n  router_id lb1\r\n}");
  EXPECT_THAT(tree.top[0].children[0].args, ElementsAre("lb1"));
}

TEST_F(ConfTreeTest, ExtraCloseBraceNamesItsLine) {
  EXPECT_THAT(Error("global_defs {\n}\n}\n"), HasSubstr(At(3) + "extra '}'"));
}

TEST_F(ConfTreeTest, UnclosedBlockNamesTheOpeningKeyword) {
  std::string error =
      Error("global_defs {\n}\nvrrp_instance VI_1 {\n  virtual_ipaddress {\n    10.0.0.1\n  }\n");
  EXPECT_THAT(error, HasSubstr(At(3) + "block 'vrrp_instance' opened here is never closed"));
}

TEST_F(ConfTreeTest, OpenBraceWithoutKeyword) {
  EXPECT_THAT(Error("{\n}\n"), HasSubstr(At(1) + "'{' without a keyword"));
  EXPECT_THAT(Error("a {\n}\n{\n}\n"), HasSubstr(At(3) + "'{' without a keyword"));
}

TEST_F(ConfTreeTest, UnterminatedQuote) {
  EXPECT_THAT(Error("global_defs {\n  router_id \"lb1\n}\n"),
              HasSubstr(At(2) + "unterminated quote"));
}

TEST_F(ConfTreeTest, EmptyFileAndCommentsOnly) {
  EXPECT_THAT(Error(""), HasSubstr("keepalived.conf: no keyword at all"));
  EXPECT_THAT(Error("# nothing\n\n! here\n"), HasSubstr("no keyword at all"));
}

TEST_F(ConfTreeTest, BinaryFile) {
  EXPECT_THAT(Error(std::string("global_defs {\n}\nab\0cd\n", 20)),
              HasSubstr(At(3) + "binary content (byte 0x00)"));
  EXPECT_THAT(Error("global_defs {\x01\n}\n"), HasSubstr(At(1) + "binary content (byte 0x01)"));
}

TEST_F(ConfTreeTest, UnreadableFile) {
  try {
    ParseKeepalivedConf(dir_ / "absent.conf", ParseOptions{});
    FAIL() << "parsed a missing file";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("absent.conf: cannot read the configuration: No such file"));
  }
}

TEST_F(ConfTreeTest, OverlongLine) {
  EXPECT_THAT(Error("global_defs {\n  router_id " + std::string(1100, 'x') + "\n}\n"),
              HasSubstr(At(2) + "line longer than keepalived's"));
}

TEST_F(ConfTreeTest, ParseTextUsesOriginForMessagesAndIncludes) {
  Write(dir_ / "sub" / "part.conf", "vrrp_script chk {\n}\n");
  ConfTree tree = ParseKeepalivedText("include sub/part.conf\nglobal_defs {\n}\n",
                                      dir_ / "main.conf", ParseOptions{});
  EXPECT_THAT(Keywords(tree.top), ElementsAre("vrrp_script", "global_defs"));
  EXPECT_THAT(tree.files, ElementsAre(dir_ / "main.conf", dir_ / "sub/part.conf"));
  try {
    ParseKeepalivedText("a {\n", dir_ / "main.conf", ParseOptions{});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir_ / "main.conf").string() + ":1: block 'a'"));
  }
}

}  // namespace
}  // namespace viplab::kconf
