// Bad input never builds a lab: a clear message naming the file (and line:column or field) and
// exit code 2. Needs no root: input is validated before anything else.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/common/cli_process.h"
#include "tests/common/lab_env.h"

namespace viplab {
namespace {

using testing::CliProcess;
using ::testing::HasSubstr;

class CliInput : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  testing::ScratchDir dir_{"viplab-input"};
};

TEST_F(CliInput, MalformedJsonExitsTwoWithLineAndColumn) {
  const auto before = testing::LabNamespaces();
  const std::string file = Write("bad.json", "{\n  \"name\": \"x\",,\n}\n");
  CliProcess cli({"run", file});
  EXPECT_EQ(cli.Wait(), 2);
  EXPECT_THAT(cli.output(), HasSubstr(file + ":2:15: malformed JSON"));
  EXPECT_EQ(testing::LabNamespaces(), before);
}

TEST_F(CliInput, UnknownFieldExitsTwo) {
  const std::string file = Write("x.json", R"({"name": "x", "vip": "10.77.0.200/24",
    "subnet": "10.77.0.0/24", "nodes": [{"name": "lb1", "priority": 100}],
    "fault": {"action": "kill"}, "expcet": {}})");
  CliProcess cli({"run", file});
  EXPECT_EQ(cli.Wait(), 2);
  EXPECT_THAT(cli.output(), HasSubstr(file + ": expcet: unknown field"));
}

// keepalived 2.2.7 takes whole seconds for a script interval; addresses that cannot work on a
// veth are refused. Both exit 2 before any lab is built.
TEST_F(CliInput, FractionalScriptIntervalAndLoopbackSubnetExitTwo) {
  const auto before = testing::LabNamespaces();
  const std::string interval = Write("i.json", R"({"name": "x", "vip": "10.77.0.200/24",
    "subnet": "10.77.0.0/24", "nodes": [{"name": "lb1", "priority": 100}],
    "check": {"type": "script", "interval": 0.5}, "fault": {"action": "kill"}})");
  CliProcess run_interval({"run", interval});
  EXPECT_EQ(run_interval.Wait(), 2);
  EXPECT_THAT(run_interval.output(),
              HasSubstr(interval + ": check.interval: 0.5 is not a whole number of seconds: "
                                   "keepalived older than 2.3.2"));
  const std::string loopback = Write("l.json", R"({"name": "x", "vip": "127.0.0.200/24",
    "subnet": "127.0.0.0/24", "nodes": [{"name": "lb1", "priority": 100}],
    "fault": {"action": "kill"}})");
  CliProcess run_loopback({"run", loopback});
  EXPECT_EQ(run_loopback.Wait(), 2);
  EXPECT_THAT(run_loopback.output(), HasSubstr(loopback + ": subnet: 127.0.0.0/24 overlaps"));
  EXPECT_EQ(testing::LabNamespaces(), before);
}

// state MASTER + nopreempt is what keepalived runs with nopreempt cleared: a warning, exit 0.
TEST_F(CliInput, StateMasterWithNopreemptIsAWarning) {
  const std::string file = Write("m.json", R"({"name": "x", "vip": "10.77.0.200/24",
    "subnet": "10.77.0.0/24",
    "nodes": [{"name": "lb1", "priority": 150, "state": "MASTER", "nopreempt": true},
              {"name": "lb2", "priority": 100}],
    "fault": {"target": "keepalived", "action": "stop"}})");
  CliProcess cli({"explain", file});
  EXPECT_EQ(cli.Wait(), 0);
  EXPECT_THAT(cli.output(), HasSubstr("viplab: warning: " + file +
                                      ": nodes[0].nopreempt: keepalived 2.2.7 clears nopreempt"));
}

TEST_F(CliInput, MissingFileExitsTwo) {
  CliProcess cli({"run", (dir_ / "none.json").string()});
  EXPECT_EQ(cli.Wait(), 2);
  EXPECT_THAT(cli.output(), HasSubstr("no such file or directory"));
}

TEST_F(CliInput, UnknownOptionExitsTwo) {
  CliProcess cli({"run", "--frobnicate"});
  EXPECT_EQ(cli.Wait(), 2);
}

TEST_F(CliInput, UnknownServiceExitsTwo) {
  CliProcess cli(
      {"run", std::string(VIPLAB_SOURCE_DIR) + "/cases/issue-2599", "--service", "nginx"});
  EXPECT_EQ(cli.Wait(), 2);
  EXPECT_THAT(cli.output(), HasSubstr("--service"));
}

TEST_F(CliInput, HelpExitsZero) {
  CliProcess cli({"run", "--help"});
  EXPECT_EQ(cli.Wait(), 0);
  EXPECT_THAT(cli.output(), HasSubstr("--json"));
}

}  // namespace
}  // namespace viplab
