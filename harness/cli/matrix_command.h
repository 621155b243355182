// `viplab matrix FILE`: expand a matrix file, filter and shard it, then list the selected
// scenarios or run them like `viplab run` (RunBatch).
#pragma once

#include <string>
#include <vector>

#include "harness/cli/batch_options.h"

namespace CLI {
class App;
}  // namespace CLI

namespace viplab {

// What `viplab matrix` was asked to do.
struct MatrixCommandOptions {
  std::string file;
  std::vector<std::string> filters;  // name globs; a scenario is kept when any matches
  std::string shard;                 // "I/N"; empty: GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX
  bool list = false;                 // print the selected names instead of running them
  BatchOptions batch;
};

// Registers `matrix` and its options on `app`, parsing into `options` (which must outlive it).
CLI::App* AddMatrixSubcommand(CLI::App& app, MatrixCommandOptions& options);

// `viplab matrix`: expand, filter, shard, then list or run. Throws like RunBatch.
int MatrixCommand(const MatrixCommandOptions& options);

}  // namespace viplab
