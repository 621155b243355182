#include "harness/model/sharding.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <charconv>
#include <cstdlib>

#include "netns/error.h"

namespace viplab {
namespace {

// A whole decimal number and nothing else ("3", not "3x", " 3" or "-1").
std::optional<int> ParseCount(std::string_view text) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 0) return std::nullopt;
  return value;
}

Shard CheckShard(std::optional<int> index, std::optional<int> total, std::string_view what,
                 std::string_view shown) {
  if (!total || *total < 1) {
    throw InputError(
        fmt::format("{}: '{}': the shard count must be a whole number >= 1", what, shown));
  }
  if (!index || *index >= *total) {
    throw InputError(fmt::format("{}: '{}': the shard index must be a whole number in 0..{}", what,
                                 shown, *total - 1));
  }
  return Shard{*index, *total};
}

}  // namespace

Shard ParseShard(std::string_view text, std::string_view what) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    throw InputError(
        fmt::format("{}: '{}' is not I/N (shard I of N, I counted from 0)", what, text));
  }
  return CheckShard(ParseCount(text.substr(0, slash)), ParseCount(text.substr(slash + 1)), what,
                    text);
}

std::optional<Shard> ShardFromEnvironment(const GetEnv& getenv) {
  const char* total = getenv("GTEST_TOTAL_SHARDS");
  const char* index = getenv("GTEST_SHARD_INDEX");
  if (!total && !index) return std::nullopt;
  if (!total) throw InputError("GTEST_SHARD_INDEX is set but GTEST_TOTAL_SHARDS is not");
  if (!index) throw InputError("GTEST_TOTAL_SHARDS is set but GTEST_SHARD_INDEX is not");
  const std::optional<int> n = ParseCount(total);
  if (!n || *n < 1) {
    throw InputError(fmt::format("GTEST_TOTAL_SHARDS: '{}' is not a whole number >= 1", total));
  }
  const std::optional<int> i = ParseCount(index);
  if (!i || *i >= *n) {
    throw InputError(
        fmt::format("GTEST_SHARD_INDEX: '{}' is not a whole number in 0..{}", index, *n - 1));
  }
  return Shard{*i, *n};
}

std::optional<Shard> ShardFromEnvironment() {
  return ShardFromEnvironment([](const char* name) { return std::getenv(name); });
}

bool MatchesGlob(const std::string& name, const std::string& glob) {
  return ::fnmatch(glob.c_str(), name.c_str(), 0) == 0;
}

bool MatchesAnyGlob(const std::string& name, const std::vector<std::string>& globs) {
  if (globs.empty()) return true;
  for (const std::string& glob : globs) {
    if (MatchesGlob(name, glob)) return true;
  }
  return false;
}

}  // namespace viplab
