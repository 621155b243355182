// Selecting part of a scenario list: name globs (--filter) and shards (--shard I/N, or the
// GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX variables CI runners already set for GoogleTest).
// Scenario k of a list belongs to shard k mod N, so shards are disjoint, their union is the whole
// list, and each shard gets a spread of the list rather than one block of similar scenarios.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace viplab {

// One shard of N: index in 0..total-1 (0-based, like GTEST_SHARD_INDEX).
struct Shard {
  int index = 0;
  int total = 1;
  bool Contains(size_t position) const {
    return position % static_cast<size_t>(total) == static_cast<size_t>(index);
  }
};

// Parses "I/N" (0 <= I < N, N >= 1). Throws InputError naming `what` (e.g. "--shard").
Shard ParseShard(std::string_view text, std::string_view what);

// The shard GoogleTest's variables ask for, or nullopt when neither is set. Both must be set,
// and be whole numbers with 0 <= index < total; anything else throws InputError naming the
// variable. `getenv` is injectable for tests.
using GetEnv = std::function<const char*(const char*)>;
std::optional<Shard> ShardFromEnvironment(const GetEnv& getenv);
std::optional<Shard> ShardFromEnvironment();  // reads the process environment

// fnmatch(3) without flags: `*` also matches `/`, so "nopreempt/*" and "*/service-kill" work.
bool MatchesGlob(const std::string& name, const std::string& glob);
// True when `globs` is empty or any glob matches.
bool MatchesAnyGlob(const std::string& name, const std::vector<std::string>& globs);

// Keeps the items whose position in `items` belongs to `shard`, in order.
template <typename T>
std::vector<T> SelectShard(const std::vector<T>& items, const Shard& shard) {
  std::vector<T> out;
  for (size_t k = 0; k < items.size(); ++k) {
    if (shard.Contains(k)) out.push_back(items[k]);
  }
  return out;
}

}  // namespace viplab
