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

// include: a glob relative to the including file's folder, matches in sorted order, nested
// includes relative to their own folder; ConfTree::files in reading order.
TEST_F(ConfTreeTest, IncludeGlobSortedAndNested) {
  Write(dir_ / "conf.d" / "b.conf", "vrrp_instance B {\n  include ../inner/*.inc\n}\n");
  Write(dir_ / "conf.d" / "a.conf", "vrrp_instance A {\n}\n");
  Write(dir_ / "conf.d" / "notes.txt", "not matched\n");
  Write(dir_ / "inner" / "prio.inc", "priority 100\n");
  ConfTree tree = Parse("global_defs {\n}\ninclude conf.d/*.conf\nvrrp_script chk {\n}\n");
  EXPECT_THAT(Keywords(tree.top),
              ElementsAre("global_defs", "vrrp_instance", "vrrp_instance", "vrrp_script"));
  EXPECT_THAT(tree.top[1].args, ElementsAre("A"));
  EXPECT_EQ(tree.top[1].where.file, dir_ / "conf.d" / "a.conf");
  EXPECT_EQ(tree.top[1].where.line, 1);
  const ConfNode& b = tree.top[2];
  ASSERT_EQ(b.children.size(), 1u);
  EXPECT_EQ(b.children[0].keyword, "priority");
  EXPECT_EQ(b.children[0].where.file, dir_ / "conf.d" / "../inner/prio.inc");
  EXPECT_EQ(tree.top[3].where.file, dir_ / "keepalived.conf");
  EXPECT_EQ(tree.top[3].where.line, 4);
  EXPECT_THAT(tree.files,
              ElementsAre(dir_ / "keepalived.conf", dir_ / "conf.d" / "a.conf",
                          dir_ / "conf.d" / "b.conf", dir_ / "conf.d" / "../inner/prio.inc"));
}

TEST_F(ConfTreeTest, IncludeVariantsAndBraceGlob) {
  Write(dir_ / "x.conf", "x_kw\n");
  Write(dir_ / "y.conf", "y_kw\n");
  ConfTree tree = Parse("includea {y,x}.conf\nincluder x.conf\n");
  // GLOB_BRACE expands in the order written; each expansion is sorted on its own.
  EXPECT_THAT(Keywords(tree.top), ElementsAre("y_kw", "x_kw", "x_kw"));
  // A word that only starts with "include" is a keyword.
  EXPECT_THAT(Keywords(Parse("include_check all\n").top), ElementsAre("include_check"));
}

TEST_F(ConfTreeTest, IncludeAfterConfigIdAndDefinitions) {
  Write(dir_ / "lb1.conf", "lb1_kw\n");
  Write(dir_ / "lb2.conf", "lb2_kw\n");
  std::string text = "@lb1 include lb1.conf\n$INC=include lb2.conf\n@^lb1 $INC\n";
  EXPECT_THAT(Keywords(Parse(text, "lb1").top), ElementsAre("lb1_kw"));
  EXPECT_THAT(Keywords(Parse(text, "lb2").top), ElementsAre("lb2_kw"));
}

TEST_F(ConfTreeTest, MissingIncludeNamesItsLine) {
  EXPECT_THAT(Error("global_defs {\n}\ninclude conf.d/*.conf\n"),
              HasSubstr(At(3) + "include 'conf.d/*.conf' matches no file"));
  EXPECT_THAT(Error("include /nonexistent-viplab/x.conf\n"),
              HasSubstr(At(1) + "include '/nonexistent-viplab/x.conf' matches no file"));
}

TEST_F(ConfTreeTest, IncludeLoopNamesTheChain) {
  Write(dir_ / "a.conf", "a_kw\ninclude b.conf\n");
  Write(dir_ / "b.conf", "\nb_kw\ninclude a.conf\n");
  std::string error = Error("include a.conf\n");
  EXPECT_THAT(error, HasSubstr((dir_ / "b.conf").string() + ":3: include loop: "));
  EXPECT_THAT(error,
              HasSubstr(fmt::format("{}:2 includes {}:3 includes {}", (dir_ / "a.conf").string(),
                                    (dir_ / "b.conf").string(), (dir_ / "a.conf").string())));
  EXPECT_THAT(Error("include keepalived.conf\n"), HasSubstr(At(1) + "include loop"));
}

TEST_F(ConfTreeTest, IncludingTheSameFileTwiceIsNoLoop) {
  Write(dir_ / "vip.inc", "10.0.0.1\n");
  ConfTree tree = Parse("virtual_ipaddress {\ninclude vip.inc\n}\nx {\ninclude vip.inc\n}\n");
  EXPECT_EQ(tree.top[1].children[0].keyword, "10.0.0.1");
  EXPECT_THAT(tree.files, ElementsAre(dir_ / "keepalived.conf", dir_ / "vip.inc"));
}

TEST_F(ConfTreeTest, ExecutableIncludeIsRefused) {
  Write(dir_ / "run.conf", "x\n");
  fs::permissions(dir_ / "run.conf", fs::perms::owner_exec, fs::perm_options::add);
  EXPECT_THAT(Error("include run.conf\n"),
              HasSubstr(At(1) + "include 'run.conf': '" + (dir_ / "run.conf").string() +
                        "' is not a regular non-executable file"));
}

TEST_F(ConfTreeTest, UnclosedBlockInIncludedFile) {
  Write(dir_ / "part.conf", "\nvrrp_instance X {\n");
  EXPECT_THAT(Error("include part.conf\n"),
              HasSubstr((dir_ / "part.conf").string() + ":2: block 'vrrp_instance'"));
}

// @ID / @^ID lines (lib/parser.c read_line()): kept when ID is / is not the config id.
TEST_F(ConfTreeTest, ConfigIdSelection) {
  std::string text =
      "vrrp_instance VI_1 {\n"
      "@lb1  priority 150\n"
      "@^lb1 priority 100\n"
      "@lb2 state BACKUP\n"
      "@lb1\n"
      "}\n";
  auto priorities = [](const ConfTree& tree) {
    std::vector<std::string> out;
    for (const ConfNode& node : tree.top[0].children) out.push_back(node.text);
    return out;
  };
  EXPECT_THAT(priorities(Parse(text, "lb1")), ElementsAre("@lb1  priority 150"));
  EXPECT_THAT(priorities(Parse(text, "lb2")),
              ElementsAre("@^lb1 priority 100", "@lb2 state BACKUP"));
  // No config id: every @ID line dropped, every @^ID line kept (keepalived itself defaults the
  // id to the host name).
  EXPECT_THAT(priorities(Parse(text, "")), ElementsAre("@^lb1 priority 100"));
  EXPECT_THAT(Parse(text, "lb1").top[0].children[0].args, ElementsAre("150"));
  EXPECT_EQ(Parse(text, "lb1").top[0].children[0].where.line, 2);
}

// $NAME=value and its uses, in values and keywords, with and without braces.
TEST_F(ConfTreeTest, DefinitionsInValuesAndKeywords) {
  ConfTree tree = Parse(
      "$PRIO=150\n"
      "$KW = x\n"  // not a definition (blank before '=')
      "$IFACE= eth1 \n"
      "$VIP=10.0.0.1\n"
      "$BLOCK=virtual_ipaddress\n"
      "vrrp_instance VI_1 {\n"
      "  priority $PRIO\n"
      "  interface ${IFACE}\n"
      "  $BLOCK {\n"
      "    ${VIP}/24 dev $IFACE\n"
      "    $VIP/24\n"  // `$NAME` must end at a blank, ',' or ')': left as it is
      "    $UNDEFINED\n"
      "  }\n"
      "}\n");
  EXPECT_THAT(Keywords(tree.top), ElementsAre("$KW", "vrrp_instance"));
  const ConfNode& instance = tree.top[1];
  EXPECT_THAT(instance.children[0].args, ElementsAre("150"));
  EXPECT_EQ(instance.children[0].text, "priority $PRIO");
  EXPECT_THAT(instance.children[1].args, ElementsAre("eth1"));
  const ConfNode& vips = instance.children[2];
  EXPECT_EQ(vips.keyword, "virtual_ipaddress");
  EXPECT_EQ(vips.text, "$BLOCK {");
  ASSERT_EQ(vips.children.size(), 3u);
  EXPECT_EQ(vips.children[0].keyword, "10.0.0.1/24");
  EXPECT_THAT(vips.children[0].args, ElementsAre("dev", "eth1"));
  EXPECT_EQ(vips.children[1].keyword, "$VIP/24");
  EXPECT_EQ(vips.children[2].keyword, "$UNDEFINED");
}

TEST_F(ConfTreeTest, DefinitionsUseDefinitionsAndCanBeRedefined) {
  ConfTree tree = Parse(
      "$A=1\n$B=$A $A\nx $B\n$A=2\ny $B\n"
      "z ${_HASH}\n");  // replaced, then the comment is removed again (as keepalived does)
  EXPECT_THAT(tree.top[0].args, ElementsAre("1", "1"));
  EXPECT_THAT(tree.top[1].args, ElementsAre("2", "2"));
  EXPECT_THAT(tree.top[2].args, IsEmpty());
  EXPECT_THAT(Error("$A=$A\nx $A\n"), HasSubstr(At(2) + "definition $A keeps expanding"));
}

// A definition ending in `\` goes on over the next lines; used alone at the end of a line it
// gives one line per definition line (lib/parser.c check_definition(), replace_param()).
TEST_F(ConfTreeTest, MultiLineDefinition) {
  ConfTree tree = Parse(
      "$VIPS=10.0.0.1/24 dev eth0 \\\n"
      "   # a comment line inside\n"
      "   10.0.0.2/24 dev eth0\\\n"
      "   10.0.0.3/24\n"
      "$CHECK=vrrp_script chk { \\\n"
      "  script /bin/true\\\n"
      "}\n"
      "vrrp_instance VI_1 {\n"
      "  virtual_ipaddress {\n"
      "    $VIPS\n"
      "  }\n"
      "}\n"
      "$CHECK\n");
  ASSERT_THAT(Keywords(tree.top), ElementsAre("vrrp_instance", "vrrp_script"));
  const ConfNode& vips = tree.top[0].children[0];
  ASSERT_THAT(Keywords(vips.children), ElementsAre("10.0.0.1/24", "10.0.0.2/24", "10.0.0.3/24"));
  EXPECT_THAT(vips.children[1].args, ElementsAre("dev", "eth0"));
  EXPECT_EQ(vips.children[2].where.line, 10);
  EXPECT_EQ(vips.children[2].text, "$VIPS");
  const ConfNode& check = tree.top[1];
  EXPECT_TRUE(check.has_block);
  ASSERT_EQ(check.children.size(), 1u);
  EXPECT_THAT(check.children[0].args, ElementsAre("/bin/true"));
}

// keepalived loops for ever on these; viplab stops with an error naming the line.
TEST_F(ConfTreeTest, SelfUsingDefinitionsAreRefused) {
  EXPECT_THAT(Error("$M=x \\\n$M\nuse $M\n"),
              HasSubstr(At(3) + "multi-line definition $M expands without end"));
  EXPECT_THAT(Error("$A=${A}$_HASH\\\n*.conf\n\n$A\n"),
              HasSubstr(At(4) + "the definitions on '$A' keep expanding"));
}

TEST_F(ConfTreeTest, MultiLineDefinitionEndsAtEmptyLineAndOnlyAtLineEnd) {
  ConfTree tree = Parse(
      "$M=a \\\n"
      "\n"
      "x $M\n"      // at the end of the line: its first line
      "y $M z\n");  // multi-line definitions are not used inside a line
  EXPECT_THAT(tree.top[0].args, ElementsAre("a"));
  EXPECT_THAT(tree.top[1].args, ElementsAre("$M", "z"));
}

TEST_F(ConfTreeTest, StandardDefinitions) {
  ConfTree tree = Parse("a ${_INSTANCE}\nb $_PWD\n", "lb1");
  EXPECT_THAT(tree.top[0].args, ElementsAre("lb1"));
  EXPECT_THAT(tree.top[1].args, ElementsAre(fs::absolute(dir_.path()).string()));
  EXPECT_THAT(Error("a\nb ${_INSTANCE}\n"), HasSubstr(At(2) + "${_INSTANCE} needs"));
  EXPECT_THAT(Error("a ${_RANDOM 1 9}\n"), HasSubstr(At(1) + "viplab does not read ${_RANDOM}"));
}

TEST_F(ConfTreeTest, SeqIsRefused) {
  EXPECT_THAT(Error("global_defs {\n}\n~SEQ(i, 1, 3) vrrp_instance V$i {\n"),
              HasSubstr(At(3) + "viplab does not read ~SEQ lines yet"));
}

}  // namespace
}  // namespace viplab::kconf
