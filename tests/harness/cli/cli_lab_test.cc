// The viplab CLI as users and CI run it: reports, signals, leftovers, `viplab clean`, and clear
// errors with exit code 2 for a bad environment.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/common/cli_process.h"
#include "tests/common/lab_env.h"

namespace viplab {
namespace {

using std::chrono::seconds;
using testing::CliProcess;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string kCases = std::string(VIPLAB_SOURCE_DIR) + "/cases/issue-2599/";

// "[name] lab vl-7- built in ..." -> "vl-7-"
std::string PrefixFromOutput(const std::string& output) {
  std::smatch m;
  std::regex_search(output, m, std::regex(R"(lab (vl-\d+-) built)"));
  return m.size() > 1 ? m[1].str() : "";
}

TEST(CliLab, RunWritesTheJsonReport) {
  VIPLAB_SKIP_UNLESS_LAB();
  const testing::ScratchDir dir("viplab-cli");
  CliProcess cli({"run", kCases + "d-track-process.json", "--json", (dir / "r.json").string(),
                  "--logs", (dir / "logs").string()});
  ASSERT_EQ(cli.Wait(), 0) << cli.output();
  EXPECT_THAT(cli.output(), HasSubstr("PASS  issue-2599/d-track-process"));
  EXPECT_THAT(cli.output(), HasSubstr("1 passed, 0 failed"));

  nlohmann::json report = nlohmann::json::parse(std::ifstream(dir / "r.json"));
  EXPECT_EQ(report["schema_version"], 1);
  ASSERT_EQ(report["scenarios"].size(), 1u);
  const auto& s = report["scenarios"][0];
  EXPECT_EQ(s["name"], "issue-2599/d-track-process");
  EXPECT_EQ(s["service"], "standin");
  EXPECT_EQ(s["startup"], "staggered");
  EXPECT_EQ(s["passed"], true);
  EXPECT_EQ(s["owner_before"], "lb1");
  EXPECT_EQ(s["owner_after"], "lb2");
  EXPECT_EQ(s["vip_moved"], true);
  EXPECT_TRUE(s["failover_ms"].is_number());
  EXPECT_TRUE(s["release_ms"].is_number());
  EXPECT_TRUE(s["outage_ms"].is_number());
  EXPECT_EQ(s["expected"]["owner_after"], "lb2");
  bool saw_fault = false, saw_master = false;
  for (const auto& e : s["events"]) {
    ASSERT_TRUE(e["t_ms"].is_number());
    saw_fault |= e["kind"] == "fault" && e["node"] == "lb1";
    saw_master |= e["kind"] == "state" && e["node"] == "lb2" && e["detail"] == "MASTER";
  }
  EXPECT_TRUE(saw_fault);
  EXPECT_TRUE(saw_master);
  // Logs kept per scenario and node.
  const auto logs = dir / "logs" / "issue-2599_d-track-process";
  EXPECT_TRUE(std::filesystem::exists(logs / "lb1" / "keepalived.conf"));
  EXPECT_TRUE(std::filesystem::exists(logs / "lb2" / "keepalived.log"));
}

TEST(CliLab, RealHaproxyReplacesTheStandin) {
  VIPLAB_SKIP_UNLESS_LAB();
  // Case (b): the vrrp_script's HTTP check fails once haproxy is gone, so lb1 goes FAULT.
  const std::string host_before = testing::HostNetworkSnapshot();
  const testing::ScratchDir dir("viplab-hap");
  CliProcess cli({"run", kCases + "b-no-weight-fault.json", "--service", "haproxy", "--verbose",
                  "--logs", dir.path().string()});
  ASSERT_EQ(cli.Wait(), 0) << cli.output();
  EXPECT_THAT(cli.output(), HasSubstr("PASS  issue-2599/b-no-weight-fault"));
  EXPECT_THAT(cli.output(), HasSubstr("lb1 -> lb2"));
  const auto lb1 = dir / "issue-2599_b-no-weight-fault" / "lb1";
  std::ifstream cfg(lb1 / "haproxy.cfg");
  EXPECT_THAT(std::string(std::istreambuf_iterator<char>(cfg), {}), HasSubstr("string \"lb1\\n\""));
  std::ifstream log(lb1 / "haproxy.log");
  EXPECT_THAT(std::string(std::istreambuf_iterator<char>(log), {}), HasSubstr("Loading success"));
  EXPECT_THAT(testing::LabLeftovers(PrefixFromOutput(cli.output())), IsEmpty());
  EXPECT_EQ(testing::HostNetworkSnapshot(), host_before);
}

TEST(CliLab, SigintTearsTheLabDown) {
  VIPLAB_SKIP_UNLESS_LAB();
  const std::string host_before = testing::HostNetworkSnapshot();
  CliProcess cli({"run", kCases + "a-weight2-nopreempt.json", "--verbose"});
  ASSERT_TRUE(cli.WaitForLine("injecting", seconds(60))) << cli.output();
  const std::string prefix = PrefixFromOutput(cli.output());
  ASSERT_FALSE(prefix.empty()) << cli.output();
  EXPECT_THAT(testing::LabLeftovers(prefix), ::testing::Not(IsEmpty()));  // it is really running
  cli.Signal(SIGINT);
  EXPECT_EQ(cli.Wait(), 130) << cli.output();
  EXPECT_THAT(cli.output(), HasSubstr("interrupted"));
  EXPECT_THAT(testing::LabLeftovers(prefix), IsEmpty());
  EXPECT_EQ(testing::HostNetworkSnapshot(), host_before);
}

TEST(CliLab, SigtermTearsTheLabDown) {
  VIPLAB_SKIP_UNLESS_LAB();
  CliProcess cli({"run", kCases + "a-weight2-nopreempt.json", "--verbose"});
  ASSERT_TRUE(cli.WaitForLine("waiting for one master", seconds(60))) << cli.output();
  const std::string prefix = PrefixFromOutput(cli.output());
  ASSERT_FALSE(prefix.empty());
  cli.Signal(SIGTERM);
  EXPECT_EQ(cli.Wait(), 130) << cli.output();
  EXPECT_THAT(testing::LabLeftovers(prefix), IsEmpty());
}

TEST(CliLab, CleanRemovesWhatASigkilledRunLeft) {
  VIPLAB_SKIP_UNLESS_LAB();
  CliProcess cli({"run", kCases + "a-weight2-nopreempt.json", "--verbose"});
  ASSERT_TRUE(cli.WaitForLine("injecting", seconds(60))) << cli.output();
  const std::string prefix = PrefixFromOutput(cli.output());
  ASSERT_FALSE(prefix.empty());
  cli.Signal(SIGKILL);
  EXPECT_EQ(cli.Wait(), 128 + SIGKILL);
  ASSERT_THAT(testing::LabLeftovers(prefix), ::testing::Not(IsEmpty()));

  CliProcess clean({"clean"});
  EXPECT_EQ(clean.Wait(), 0) << clean.output();
  EXPECT_THAT(clean.output(), HasSubstr("removed lab " + prefix.substr(0, prefix.size() - 1)));
  EXPECT_THAT(testing::LabLeftovers(prefix), IsEmpty());
}

// Processes whose command line mentions the lab (keepalived's config path, the stand-in's --lab).
std::vector<std::string> LabProcesses(const std::string& prefix) {
  std::vector<std::string> found;
  const std::string lab = prefix.substr(0, prefix.size() - 1);  // "vl-7-" -> "vl-7"
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline(std::istreambuf_iterator<char>(in), {});
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find("/" + lab + "/") != std::string::npos ||
        cmdline.find(prefix) != std::string::npos) {
      found.push_back(entry.path().filename().string() + ": " + cmdline);
    }
  }
  return found;
}

// `viplab run -v 2>&1 | head -c 200`: the reader goes away while the lab runs. viplab must not
// die of SIGPIPE (leaving the lab behind) but stop printing, finish, tear down and exit normally.
TEST(CliLab, AClosedOutputPipeStopsPrintingNotTheRun) {
  VIPLAB_SKIP_UNLESS_LAB();
  const std::string host_before = testing::HostNetworkSnapshot();
  CliProcess cli(
      {"run", kCases + "d-track-process.json", "--verbose"}, {},
      {"bash", "-c",
       R"("$0" "$@" 2>&1 | head -c 200; s=${PIPESTATUS[0]}; echo; echo "viplab exit $s")"});
  EXPECT_EQ(cli.Wait(), 0) << cli.output();
  const std::string prefix = PrefixFromOutput(cli.output());
  ASSERT_FALSE(prefix.empty()) << cli.output();
  EXPECT_THAT(cli.output(), HasSubstr("viplab exit 0"));  // passed: it ran to the end
  EXPECT_THAT(testing::LabLeftovers(prefix), IsEmpty());
  EXPECT_THAT(LabProcesses(prefix), IsEmpty());
  EXPECT_EQ(testing::HostNetworkSnapshot(), host_before);
}

// The report is rewritten after every scenario: `signo` (SIGKILL, SIGINT, SIGTERM) after the
// first of three leaves a valid report of exactly that one, marked partial, which `viplab report`
// renders and calls partial. SIGKILL leaves the running lab to `viplab clean`; the others tear it
// down themselves.
void SignalMidBatch(int signo) {
  const testing::ScratchDir dir(fmt::format("viplab-partial-{}", signo));
  std::vector<std::string> args = {"run"};
  for (int i = 1; i <= 3; ++i) {
    nlohmann::json scenario = nlohmann::json::parse(std::ifstream(kCases + "d-track-process.json"));
    scenario["name"] = "batch/d" + std::to_string(i);
    const auto file = dir / ("d" + std::to_string(i) + ".json");
    std::ofstream(file) << scenario.dump(2);
    args.push_back(file.string());
  }
  const std::string report_file = (dir / "r.json").string();
  args.insert(args.end(), {"--json", report_file, "--verbose"});
  CliProcess cli(args);
  // The PASS line is printed once the report holding it is on disk.
  ASSERT_TRUE(cli.WaitForLine("PASS  batch/d1", seconds(120))) << cli.output();
  ASSERT_TRUE(cli.WaitForLine("[batch/d2] lab vl-", seconds(60))) << cli.output();
  ASSERT_TRUE(cli.WaitForLine("built", seconds(60))) << cli.output();
  std::smatch m;
  const std::string out = cli.output();
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(\[batch/d2\] lab (vl-\d+-) built)")));
  const std::string running = m[1].str();
  cli.Signal(signo);
  EXPECT_EQ(cli.Wait(), signo == SIGKILL ? 128 + SIGKILL : 130) << cli.output();

  const nlohmann::json report = nlohmann::json::parse(std::ifstream(report_file));
  EXPECT_EQ(report["partial"], true);
  EXPECT_EQ(report["scenarios_planned"], 3);
  ASSERT_EQ(report["scenarios"].size(), 1u);
  EXPECT_EQ(report["scenarios"][0]["name"], "batch/d1");
  EXPECT_EQ(report["scenarios"][0]["passed"], true);
  CliProcess render({"report", report_file, "--junit", (dir / "junit.xml").string()});
  EXPECT_EQ(render.Wait(), 0) << render.output();
  EXPECT_THAT(render.output(), HasSubstr("partial report: 1 of 3 scenarios finished"));

  if (signo == SIGKILL) {
    CliProcess clean({"clean"});
    EXPECT_EQ(clean.Wait(), 0) << clean.output();
  }
  EXPECT_THAT(testing::LabLeftovers(running), IsEmpty());
  EXPECT_THAT(LabProcesses(running), IsEmpty());
}

TEST(CliLab, SigkillMidBatchLeavesAPartialReport) {
  VIPLAB_SKIP_UNLESS_LAB();
  SignalMidBatch(SIGKILL);
}
TEST(CliLab, SigintMidBatchLeavesAPartialReport) {
  VIPLAB_SKIP_UNLESS_LAB();
  SignalMidBatch(SIGINT);
}

// A sequence step whose inject throws fails that scenario with the message; the batch goes on
// and the report has both. (The degrade fault refuses real haproxy at injection time: see
// harness/faults/service_faults.cc.)
TEST(CliLab, AStepThatThrowsFailsItsScenarioAndTheBatchGoesOn) {
  VIPLAB_SKIP_UNLESS_LAB();
  const testing::ScratchDir dir("viplab-steps");
  const std::string report_file = (dir / "r.json").string();
  CliProcess cli({"run", std::string(VIPLAB_SOURCE_DIR) + "/cases/catalog/service-degrade-503.json",
                  kCases + "b-no-weight-fault.json", "--service", "haproxy", "--json",
                  report_file});
  EXPECT_EQ(cli.Wait(), 1) << cli.output();
  const nlohmann::json report = nlohmann::json::parse(std::ifstream(report_file));
  EXPECT_EQ(report["partial"], false);
  ASSERT_EQ(report["scenarios"].size(), 2u) << cli.output();
  const auto& failed = report["scenarios"][0];
  EXPECT_EQ(failed["passed"], false);
  ASSERT_TRUE(failed["error"].is_string()) << failed.dump(2);
  EXPECT_THAT(failed["error"].get<std::string>(), HasSubstr("step 1 (inject): could not inject"));
  EXPECT_EQ(report["scenarios"][1]["passed"], true) << cli.output();
}

TEST(CliLab, MissingKeepalivedNamesThePackage) {
  VIPLAB_SKIP_UNLESS_LAB();
  const auto before = testing::LabNamespaces();
  CliProcess cli({"run", kCases}, {{"VIPLAB_KEEPALIVED", "/nonexistent/keepalived"}});
  EXPECT_EQ(cli.Wait(), 2);
  EXPECT_THAT(cli.output(), HasSubstr("Debian package 'keepalived'"));
  EXPECT_EQ(testing::LabNamespaces(), before);
}

TEST(CliLab, WithoutRootSaysSo) {
  VIPLAB_SKIP_UNLESS_LAB();
  const auto before = testing::LabNamespaces();
  CliProcess cli({"run", kCases}, {},
                 {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                  "--bounding-set=-all"});
  EXPECT_EQ(cli.Wait(), 2) << cli.output();
  EXPECT_THAT(cli.output(), HasSubstr("needs root"));
  EXPECT_EQ(testing::LabNamespaces(), before);
}

}  // namespace
}  // namespace viplab
