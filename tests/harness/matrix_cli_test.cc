// `viplab matrix --list` through the real binary: no root needed, names in expansion order,
// --filter / --shard / GTEST_* selection, and exit code 2 with a message for bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/model/matrix.h"
#include "harness/model/sharding.h"
#include "lab_checks.h"

namespace viplab {
namespace {

using testing::CliProcess;
using ::testing::HasSubstr;

const std::string kMatrix = std::string(VIPLAB_SOURCE_DIR) + "/cases/matrix.json";

// The child must not inherit a sharding of this test run, nor (as root) root itself.
std::vector<std::string> Unprivileged() {
  std::vector<std::string> argv = {"env", "-u", "GTEST_TOTAL_SHARDS", "-u", "GTEST_SHARD_INDEX"};
  if (::geteuid() == 0 && std::filesystem::exists("/usr/bin/setpriv")) {
    argv.insert(argv.begin(),
                {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"});
  }
  return argv;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> ExpectedNames() {
  std::vector<std::string> names;
  for (const MatrixEntry& e : LoadMatrix(kMatrix).entries) names.push_back(e.name);
  return names;
}

TEST(MatrixCli, ListPrintsEveryNameInOrderWithoutRoot) {
  CliProcess cli({"matrix", kMatrix, "--list"}, {}, Unprivileged());
  ASSERT_EQ(cli.Wait(), 0) << cli.output();
  EXPECT_EQ(Lines(cli.output()), ExpectedNames());
}

TEST(MatrixCli, ListFilterAndShard) {
  CliProcess cli({"matrix", kMatrix, "--list", "--filter", "nopreempt/*", "--filter",
                  "*/service-kill", "--shard", "1/3"},
                 {}, Unprivileged());
  ASSERT_EQ(cli.Wait(), 0) << cli.output();
  std::vector<std::string> filtered;
  for (const std::string& name : ExpectedNames()) {
    if (MatchesAnyGlob(name, {"nopreempt/*", "*/service-kill"})) filtered.push_back(name);
  }
  EXPECT_EQ(Lines(cli.output()), SelectShard(filtered, Shard{1, 3}));
}

TEST(MatrixCli, HonoursGoogleTestShardVariables) {
  std::vector<std::string> prefix = Unprivileged();
  prefix.insert(prefix.end(), {"GTEST_TOTAL_SHARDS=4", "GTEST_SHARD_INDEX=2"});
  CliProcess cli({"matrix", kMatrix, "--list"}, {}, prefix);
  ASSERT_EQ(cli.Wait(), 0) << cli.output();
  EXPECT_EQ(Lines(cli.output()), SelectShard(ExpectedNames(), Shard{2, 4}));
}

TEST(MatrixCli, ShardOptionOverridesTheVariables) {
  std::vector<std::string> prefix = Unprivileged();
  prefix.insert(prefix.end(), {"GTEST_TOTAL_SHARDS=4", "GTEST_SHARD_INDEX=2"});
  CliProcess cli({"matrix", kMatrix, "--list", "--shard", "0/2"}, {}, prefix);
  ASSERT_EQ(cli.Wait(), 0) << cli.output();
  EXPECT_EQ(Lines(cli.output()), SelectShard(ExpectedNames(), Shard{0, 2}));
}

TEST(MatrixCli, BadSelectionExitsTwo) {
  CliProcess shard({"matrix", kMatrix, "--list", "--shard", "3/3"}, {}, Unprivileged());
  EXPECT_EQ(shard.Wait(), 2);
  EXPECT_THAT(shard.output(), HasSubstr("--shard: '3/3'"));

  std::vector<std::string> prefix = Unprivileged();
  prefix.insert(prefix.end(), {"GTEST_TOTAL_SHARDS=4"});
  CliProcess env({"matrix", kMatrix, "--list"}, {}, prefix);
  EXPECT_EQ(env.Wait(), 2);
  EXPECT_THAT(env.output(), HasSubstr("GTEST_TOTAL_SHARDS is set but GTEST_SHARD_INDEX is not"));

  CliProcess filter({"matrix", kMatrix, "--list", "--filter", "nothing/*"}, {}, Unprivileged());
  EXPECT_EQ(filter.Wait(), 2);
  EXPECT_THAT(filter.output(), HasSubstr("--filter: 'nothing/*' matches none of the"));

  CliProcess jobs({"matrix", kMatrix, "--jobs", "0"}, {}, Unprivileged());
  EXPECT_EQ(jobs.Wait(), 2);
  EXPECT_THAT(jobs.output(), HasSubstr("--jobs"));
}

TEST(MatrixCli, BadMatrixFileExitsTwoNamingFileAndField) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("viplab-matrix-cli-" + std::to_string(::getpid()) + ".json");
  auto matrix = nlohmann::json::parse(std::ifstream(kMatrix));
  matrix["axes"]["check"][0]["prioritys"] = matrix["axes"]["check"][0]["priorities"];
  std::ofstream(path) << matrix.dump(2);
  std::filesystem::permissions(path, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  CliProcess cli({"matrix", path.string(), "--list"}, {}, Unprivileged());
  EXPECT_EQ(cli.Wait(), 2);
  EXPECT_THAT(cli.output(), HasSubstr(path.string() + ": axes.check[0].prioritys: unknown field"));
  std::filesystem::remove(path);
}

TEST(MatrixCli, RunWithoutRootExitsTwo) {
  if (::geteuid() == 0 && !std::filesystem::exists("/usr/bin/setpriv")) {
    GTEST_SKIP() << "cannot drop root here; the scenario would really run";
  }
  CliProcess cli({"matrix", kMatrix, "--filter", "preempt/none/service-kill"}, {}, Unprivileged());
  EXPECT_EQ(cli.Wait(), 2);
  EXPECT_THAT(cli.output(), HasSubstr("viplab needs root"));
}

}  // namespace
}  // namespace viplab
