// Filter globs and shards: shards of the real matrix partition it exactly, in order, k mod N.
#include "harness/model/sharding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <set>

#include "harness/model/matrix.h"
#include "netns/error.h"

namespace viplab {
namespace {

using ::testing::HasSubstr;

std::string ErrorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Shard, ParsesIOfN) {
  const Shard s = ParseShard("2/5", "--shard");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.total, 5);
  EXPECT_EQ(ParseShard("0/1", "--shard").total, 1);
}

TEST(Shard, RejectsBadText) {
  EXPECT_EQ(ErrorOf([] { ParseShard("3", "--shard"); }),
            "--shard: '3' is not I/N (shard I of N, I counted from 0)");
  EXPECT_THAT(ErrorOf([] { ParseShard("5/5", "--shard"); }),
              HasSubstr("--shard: '5/5': the shard index must be a whole number in 0..4"));
  EXPECT_THAT(ErrorOf([] { ParseShard("0/0", "--shard"); }),
              HasSubstr("the shard count must be a whole number >= 1"));
  for (const char* bad : {"-1/3", "1/x", "a/3", " 1/3", "1/3 ", "1//3", "/3", "1/"}) {
    EXPECT_THROW(ParseShard(bad, "--shard"), InputError) << bad;
  }
}

GetEnv Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(Shard, HonoursGoogleTestVariables) {
  EXPECT_FALSE(ShardFromEnvironment(Env({})));
  const auto s =
      ShardFromEnvironment(Env({{"GTEST_TOTAL_SHARDS", "4"}, {"GTEST_SHARD_INDEX", "3"}}));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 3);
  EXPECT_EQ(s->total, 4);
}

TEST(Shard, RejectsBadGoogleTestVariables) {
  EXPECT_EQ(ErrorOf([] {
              ShardFromEnvironment(Env({{"GTEST_TOTAL_SHARDS", "4"}}));
            }),
            "GTEST_TOTAL_SHARDS is set but GTEST_SHARD_INDEX is not");
  EXPECT_EQ(ErrorOf([] {
              ShardFromEnvironment(Env({{"GTEST_SHARD_INDEX", "1"}}));
            }),
            "GTEST_SHARD_INDEX is set but GTEST_TOTAL_SHARDS is not");
  EXPECT_EQ(ErrorOf([] {
              ShardFromEnvironment(Env({{"GTEST_TOTAL_SHARDS", "0"}, {"GTEST_SHARD_INDEX", "0"}}));
            }),
            "GTEST_TOTAL_SHARDS: '0' is not a whole number >= 1");
  EXPECT_EQ(ErrorOf([] {
              ShardFromEnvironment(Env({{"GTEST_TOTAL_SHARDS", "4"}, {"GTEST_SHARD_INDEX", "4"}}));
            }),
            "GTEST_SHARD_INDEX: '4' is not a whole number in 0..3");
  EXPECT_THROW(
      ShardFromEnvironment(Env({{"GTEST_TOTAL_SHARDS", "two"}, {"GTEST_SHARD_INDEX", "0"}})),
      InputError);
}

TEST(Shard, ShardsOfTheMatrixPartitionItExactly) {
  const Matrix m = LoadMatrix(std::filesystem::path(VIPLAB_SOURCE_DIR) / "cases/matrix.json");
  std::vector<std::string> names;
  for (const MatrixEntry& e : m.entries) names.push_back(e.name);
  for (int total = 1; total <= 8; ++total) {
    std::multiset<std::string> seen;
    for (int index = 0; index < total; ++index) {
      const std::vector<std::string> part = SelectShard(names, Shard{index, total});
      // k mod N, in order: the i-th member is names[index + i * total].
      for (size_t i = 0; i < part.size(); ++i) EXPECT_EQ(part[i], names[index + i * total]);
      EXPECT_GE(part.size(), names.size() / total);
      EXPECT_LE(part.size(), names.size() / total + 1);
      seen.insert(part.begin(), part.end());
    }
    // Union = all, disjoint: every name exactly once.
    EXPECT_EQ(seen, std::multiset<std::string>(names.begin(), names.end())) << total;
  }
}

TEST(Shard, MoreShardsThanItemsLeavesSomeEmpty) {
  const std::vector<int> items = {10, 11};
  EXPECT_EQ(SelectShard(items, Shard{1, 3}), std::vector<int>{11});
  EXPECT_TRUE(SelectShard(items, Shard{2, 3}).empty());
}

TEST(Filter, GlobsMatchWholeNamesAcrossSlashes) {
  EXPECT_TRUE(MatchesGlob("nopreempt/script-w+large/service-kill", "nopreempt/*"));
  EXPECT_TRUE(MatchesGlob("nopreempt/script-w+large/service-kill", "*/service-kill"));
  EXPECT_TRUE(MatchesGlob("nopreempt/script-w+large/service-kill", "*/script-w+*/*"));
  EXPECT_TRUE(MatchesGlob("preempt/none/link-down", "preempt/*"));
  EXPECT_FALSE(MatchesGlob("nopreempt/none/link-down", "preempt/*"));
  EXPECT_FALSE(MatchesGlob("preempt/none/link-down", "*/service-*"));
  EXPECT_TRUE(MatchesGlob("preempt/process-fault/node-crash", "preempt/process-[fw]*/node-?rash"));
  EXPECT_TRUE(MatchesAnyGlob("anything", {}));
  EXPECT_TRUE(MatchesAnyGlob("preempt/none/link-down", {"x", "*/link-*"}));
  EXPECT_FALSE(MatchesAnyGlob("preempt/none/link-down", {"x", "y"}));
}

}  // namespace
}  // namespace viplab
