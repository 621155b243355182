// `viplab run FILE_OR_DIR...`: load scenario files (or directories of them) and run them
// (RunBatch).
#pragma once

#include <string>
#include <vector>

#include "harness/cli/batch_options.h"

namespace CLI {
class App;
}  // namespace CLI

namespace viplab {

// What `viplab run` was asked to do.
struct RunCommandOptions {
  std::vector<std::string> inputs;  // scenario JSON files or directories
  BatchOptions batch;
};

// Registers `run` and its options on `app`, parsing into `options` (which must outlive it).
CLI::App* AddRunSubcommand(CLI::App& app, RunCommandOptions& options);

// Loads the scenarios, prints their warnings on stderr and runs them. Throws like RunBatch.
int RunCommand(const RunCommandOptions& options);

}  // namespace viplab
