// Script command lines as keepalived 2.2.7 reads them (lib/parser.c
// alloc_strvec_quoted_escaped(), lib/notify.c set_script_params_array()), ConfNode::line, and
// the keepalived.conf(5) examples of conditional configuration and multi-line definitions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "harness/kconf/conf_tree.h"
#include "netns/error.h"

namespace viplab::kconf {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const SourceLocation kWhere{.file = "k.conf", .line = 7};

ConfTree Parse(std::string_view text, const std::string& config_id = "") {
  ParseOptions options;
  options.config_id = config_id;
  return ParseKeepalivedText(text, "/nonexistent-viplab/keepalived.conf", options);
}

TEST(SplitQuotedEscapedTest, QuotesJoinAndEscapesDecode) {
  EXPECT_THAT(SplitQuotedEscaped("abcd\" efg h jkl \"mnop", kWhere),
              ElementsAre("abcd efg h jkl mnop"));
  EXPECT_THAT(SplitQuotedEscaped("abcd \"efg h jkl\" mnop", kWhere),
              ElementsAre("abcd", "efg h jkl", "mnop"));
  EXPECT_THAT(SplitQuotedEscaped("'a \"b' \"c 'd\" ''", kWhere), ElementsAre("a \"b", "c 'd", ""));
  EXPECT_THAT(SplitQuotedEscaped(R"(a\ b \"c\" \x41\101\t\cA \q\\)", kWhere),
              ElementsAre("a b", "\"c\"", "AA\t\x01", "q\\"));
}

TEST(SplitQuotedEscapedTest, Errors) {
  try {
    SplitQuotedEscaped("echo 'open", kWhere);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("k.conf:7: missing terminating '"));
  }
  EXPECT_THROW(SplitQuotedEscaped("echo a\\", kWhere), InputError);
}

TEST(ScriptArgvTest, ScriptLinesAreReadTwice) {
  ConfTree tree = Parse(
      "vrrp_script chk {\n"
      "  script \"bash -c '</dev/tcp/127.0.0.1/80'\"   # comment\n"
      "}\n"
      "vrrp_instance V { notify_master \"/usr/bin/n.sh master\" root }\n"
      "vrrp_script plain { script /bin/true }\n");
  const ConfNode& script = tree.top[0].children[0];
  EXPECT_EQ(script.line, "script \"bash -c '</dev/tcp/127.0.0.1/80'\"");
  EXPECT_THAT(script.args, ElementsAre("bash -c '</dev/tcp/127.0.0.1/80'"));
  EXPECT_THAT(ScriptArgv(script), ElementsAre("bash", "-c", "</dev/tcp/127.0.0.1/80"));
  const ConfNode& notify = tree.top[1].children[0];
  EXPECT_EQ(notify.line, "notify_master \"/usr/bin/n.sh master\" root");
  EXPECT_THAT(ScriptArgv(notify), ElementsAre("/usr/bin/n.sh", "master"));
  EXPECT_THAT(ScriptArgv(tree.top[2].children[0]), ElementsAre("/bin/true"));
  EXPECT_THAT(ScriptArgv(Parse("nopreempt\n").top[0]), ElementsAre());  // no second word
}

TEST(ConfNodeLineTest, LineIsWhatTheHandlerGets) {
  ConfTree tree = Parse("$P=150\nvrrp_instance V {\n@lb1 priority $P # c\n}\n", "lb1");
  EXPECT_EQ(tree.top[0].line, "vrrp_instance V");
  EXPECT_EQ(tree.top[0].children[0].line, "priority 150");
  EXPECT_EQ(tree.top[0].children[0].text, "@lb1 priority $P");
}

// keepalived.conf(5) "Parameter substitution works in conjunction with conditional
// configuration".
TEST(ManPageExampleTest, ConditionalDefinitions) {
  std::string text =
      "@main $PRIORITY=240\n"
      "@backup $PRIORITY=200\n"
      "$IF_MAIN=@main\n"
      "vrrp_instance VI_0 {\n"
      "  priority $PRIORITY\n"
      "  $IF_MAIN advert_int 2\n"
      "}\n";
  ConfTree main = Parse(text, "main");
  ASSERT_EQ(main.top[0].children.size(), 2u);
  EXPECT_THAT(main.top[0].children[0].args, ElementsAre("240"));
  EXPECT_EQ(main.top[0].children[1].keyword, "advert_int");
  ConfTree backup = Parse(text, "backup");
  ASSERT_EQ(backup.top[0].children.size(), 1u);
  EXPECT_THAT(backup.top[0].children[0].args, ElementsAre("200"));
}

// keepalived.conf(5)'s multi-line $INSTANCE example, used twice with a different $NUM.
TEST(ManPageExampleTest, MultiLineInstanceTemplate) {
  std::string text =
      "$INSTANCE= \\\n"
      "vrrp_instance VI_${NUM} { \\\n"
      "    interface eth0.${NUM} \\\n"
      "    @high priority 130 \\\n"
      "    @low priority 120 \\\n"
      "    virtual_ipaddress { \\\n"
      "        10.0.${NUM}.254/24 \\\n"
      "    } \\\n"
      "}\n"
      "\n"
      "$NUM=0\n"
      "$INSTANCE\n"
      "\n"
      "$NUM=1\n"
      "$INSTANCE\n";
  ConfTree tree = Parse(text, "low");
  ASSERT_EQ(tree.top.size(), 2u);
  for (int num : {0, 1}) {
    const ConfNode& instance = tree.top[num];
    SCOPED_TRACE(num);
    EXPECT_THAT(instance.args, ElementsAre("VI_" + std::to_string(num)));
    ASSERT_EQ(instance.children.size(), 3u);
    EXPECT_THAT(instance.children[0].args, ElementsAre("eth0." + std::to_string(num)));
    EXPECT_THAT(instance.children[1].args, ElementsAre("120"));
    EXPECT_EQ(instance.children[2].children[0].keyword, "10.0." + std::to_string(num) + ".254/24");
    EXPECT_EQ(instance.where.line, num == 0 ? 12 : 15);
  }
}

// Token soup (fixed seed): every input parses or throws InputError; nothing crashes or hangs
// (the sanitizer build runs this too).
TEST(ParserRobustnessTest, RandomTokenSoup) {
  const std::vector<std::string> tokens = {
      "{",    "}",   "\"",      "'",     "#",      "!",        "\\",     "$A",
      "${A}", "$A=", "$M=x \\", "@a ",   "@^a ",   "include ", "*.conf", " ",
      "word", "\n",  "\n",      "$",     "${",     "~",        "~SEQ(",  ",",
      ")",    "\r",  "\t",      "x{y}z", "$_HASH", "${_BANG}", "$_PWD"};
  std::mt19937 random(20261127);
  int parsed = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    for (int n = static_cast<int>(random() % 40); n > 0; --n) {
      text += tokens[random() % tokens.size()];
    }
    try {
      Parse(text, i % 2 == 0 ? "" : "a");
      ++parsed;
    } catch (const InputError&) {
    }
  }
  EXPECT_GT(parsed, 500);
}

}  // namespace
}  // namespace viplab::kconf
