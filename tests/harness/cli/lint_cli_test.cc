// `viplab lint` and `viplab certify --dry-run` from the command line: exit codes on our sample
// sets (cases/certify), bad input naming file:line with nothing left behind, the JSON form, and
// every set of the shared corpus read, linted and mapped. No root needed.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/common/cli_process.h"
#include "tests/common/files.h"
#include "tests/common/lab_env.h"

namespace viplab {
namespace {

using testing::CliProcess;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Sample(const std::string& set) {
  std::vector<std::string> files;
  for (const auto& e :
       std::filesystem::directory_iterator(testing::SourceDir() / "cases" / "certify" / set)) {
    if (e.path().extension() == ".conf") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> Args(std::vector<std::string> head, std::vector<std::string> tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

class LintCli : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  testing::ScratchDir dir_{"viplab-lint"};
};

TEST_F(LintCli, TheIssue2599PairIsAnErrorAndItsFixesAreClean) {
  CliProcess trap(Args({"lint", "--no-config-test"}, Sample("issue-2599")));
  EXPECT_EQ(trap.Wait(), 1) << trap.output();
  EXPECT_THAT(trap.output(), HasSubstr("#2599"));
  EXPECT_THAT(trap.output(), HasSubstr("error"));
  for (const char* fixed :
       {"issue-2599-fix-fault", "issue-2599-fix-preempt", "issue-2599-fix-track-process"}) {
    CliProcess lint(Args({"lint", "--no-config-test"}, Sample(fixed)));
    EXPECT_EQ(lint.Wait(), 0) << fixed << "\n" << lint.output();
    EXPECT_THAT(lint.output(), HasSubstr("0 error(s), 0 warning(s)")) << fixed;
  }
}

TEST_F(LintCli, EveryOtherSampleSetIsClean) {
  for (const char* set : {"three-node-unicast", "sync-group-two-segments"}) {
    CliProcess lint(Args({"lint", "--no-config-test"}, Sample(set)));
    EXPECT_EQ(lint.Wait(), 0) << set << "\n" << lint.output();
  }
  const std::string file =
      (testing::SourceDir() / "cases/certify/single-file-id/keepalived.conf").string();
  CliProcess lint({"lint", "--no-config-test", file + "@lb1", file + "@lb2"});
  EXPECT_EQ(lint.Wait(), 0) << lint.output();
  EXPECT_THAT(lint.output(), HasSubstr("lb1 (" + file + "@lb1)"));
}

TEST_F(LintCli, JsonHoldsFindingsPredictionsAndTheExitCode) {
  CliProcess lint(Args({"lint", "--no-config-test", "--json", "-"}, Sample("issue-2599")));
  ASSERT_EQ(lint.Wait(), 1);
  const nlohmann::json j = nlohmann::json::parse(lint.output());
  EXPECT_EQ(j["schema"], "viplab-lint/1");
  EXPECT_EQ(j["summary"]["exit_code"], 1);
  EXPECT_GE(j["summary"]["errors"].get<int>(), 1);
  ASSERT_FALSE(j["predictions"].empty());
  EXPECT_EQ(j["predictions"][0]["fault"], "check-fails");
  // The oracle: haproxy dies on lb1, the VIP stays there (#2599).
  EXPECT_THAT(j["predictions"][0]["summary"].get<std::string>(), HasSubstr("stays on lb1"));
}

TEST_F(LintCli, BadInputExitsTwoNamingFileAndLine) {
  const auto before = testing::LabNamespaces();
  const std::string brace = Write("lb1.conf", "vrrp_instance VI_1 {\n  interface eth0\n");
  CliProcess unbalanced({"lint", brace});
  EXPECT_EQ(unbalanced.Wait(), 2);
  EXPECT_THAT(unbalanced.output(), HasSubstr(brace + ":1"));
  const std::string include = Write("inc.conf", "include missing/*.conf\n");
  CliProcess missing({"lint", include});
  EXPECT_EQ(missing.Wait(), 2);
  EXPECT_THAT(missing.output(), HasSubstr(include + ":1"));
  const std::string empty = Write("empty.conf", "");
  CliProcess nothing({"lint", empty});
  EXPECT_EQ(nothing.Wait(), 2);
  EXPECT_THAT(nothing.output(), HasSubstr(empty));
  EXPECT_EQ(testing::LabNamespaces(), before);
}

TEST_F(LintCli, FilesThatFormNoVrrpGroupExitTwo) {
  const std::string a = Write("a.conf",
                              "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
                              " virtual_ipaddress {\n  10.77.0.100/24\n }\n}\n");
  const std::string b = Write("b.conf",
                              "vrrp_instance B {\n interface eth0\n virtual_router_id 2\n"
                              " virtual_ipaddress {\n  10.77.0.101/24\n }\n}\n");
  CliProcess lint({"lint", "--no-config-test", a, b});
  EXPECT_EQ(lint.Wait(), 2);
  EXPECT_THAT(lint.output(), HasSubstr("no VRRP group"));
}

// keepalived 2.2.7 does not track a sync group member's weighted script (vrrp.c
// vrrp_complete_instance): read from a file, the trap is a warning, not only the reader's note.
TEST_F(LintCli, AWeightedScriptInASyncGroupIsAWarning) {
  std::vector<std::string> files;
  for (const char* node : {"lb1", "lb2"}) {
    files.push_back(
        Write(std::string(node) + ".conf", fmt::format(R"(
vrrp_script chk {{
  script "/bin/true"
  weight -50
}}
vrrp_sync_group G {{
  group {{
    VI_1
  }}
}}
vrrp_instance VI_1 {{
  interface eth0
  virtual_router_id 9
  priority {}
  virtual_ipaddress {{
    10.77.0.9/24
  }}
  track_script {{
    chk
  }}
}}
)",
                                                       node == std::string("lb1") ? 150 : 100)));
  }
  CliProcess lint(Args({"lint", "--no-config-test"}, files));
  EXPECT_EQ(lint.Wait(), 1) << lint.output();
  EXPECT_THAT(lint.output(), HasSubstr("KA018 sync-group-drops-weight lb1/VI_1"));
}

TEST_F(LintCli, CertifyDryRunPrintsTheMappingAndThePlan) {
  CliProcess dry(Args({"certify", "--dry-run", "--runs", "2"}, Sample("issue-2599")));
  EXPECT_EQ(dry.Wait(), 0) << dry.output();
  EXPECT_THAT(dry.output(), HasSubstr("lb1"));
  EXPECT_THAT(dry.output(), HasSubstr("eth0"));
  EXPECT_THAT(dry.output(), HasSubstr("plan: "));
  EXPECT_THAT(dry.output(), HasSubstr("x 2 run(s)"));
}

// Every set of the shared corpus reads, lints (exit 0 or 1, never 2) and maps.
TEST_F(LintCli, EveryCorpusSetLintsAndMaps) {
  const auto corpus = testing::CorpusDir();
  if (!corpus) GTEST_SKIP() << "no keepalived corpus (../shared/keepalived-corpus, VIPLAB_CORPUS)";
  int sets = 0;
  for (const auto& e : std::filesystem::directory_iterator(*corpus)) {
    if (!e.is_directory()) continue;
    ++sets;
    CliProcess lint({"lint", "--no-config-test", e.path().string()});
    const int code = lint.Wait();
    EXPECT_TRUE(code == 0 || code == 1) << e.path() << " exit " << code << "\n" << lint.output();
    CliProcess dry({"certify", "--dry-run", e.path().string()});
    EXPECT_EQ(dry.Wait(), 0) << e.path() << "\n" << dry.output();
    EXPECT_THAT(dry.output(), HasSubstr("plan: ")) << e.path();
  }
  EXPECT_EQ(sets, 8);
}

}  // namespace
}  // namespace viplab
