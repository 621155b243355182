// `viplab explain FILE_OR_DIR...`: predict each scenario's outcome from the VRRP timers (no root,
// no lab). The work is the oracle's ExplainCommand (harness/explain.h).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace viplab {

// What `viplab explain` was asked to do.
struct ExplainCommandOptions {
  std::vector<std::string> inputs;  // scenario JSON files or directories
};

// Registers `explain` and its arguments on `app`, parsing into `options` (which must outlive it).
CLI::App* AddExplainSubcommand(CLI::App& app, ExplainCommandOptions& options);

// Prints each scenario's explanation on stdout. Returns 0 when the oracle agrees with every
// scenario's expectations, 1 otherwise; bad input throws InputError.
int ExplainCommand(const ExplainCommandOptions& options);

}  // namespace viplab
