// `viplab lint NODE.conf... [--files DIR] [--slo SPEC] [--json OUT]`: the traps of a keepalived
// configuration set, statically (harness/lint), the oracle's prediction per fault and instance
// (harness/lint/outlook.h), and keepalived's own `--config-test` of each file when root.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace viplab {

// What `viplab lint` was asked to do.
struct LintCommandOptions {
  std::vector<std::string> inputs;  // NODE.conf, folders, FILE@ID
  std::string files_dir;            // --files: vendor scripts laid out as on the node
  std::string slo;                  // --slo failover=MS,outage=MS,failback=yes|no|any
  std::string json_out;             // --json OUT ('-' for stdout)
  bool verbose = false;             // -v: the oracle's reasoning under each fault
  bool no_config_test = false;      // --no-config-test: skip `keepalived --config-test`
};

// Registers `lint` and its arguments on `app`, parsing into `options` (which must outlive it).
CLI::App* AddLintSubcommand(CLI::App& app, LintCommandOptions& options);

// Prints findings and predictions on stdout. Returns 0 when no finding is a warning or error, 1
// otherwise; bad input throws InputError (exit 2).
int LintCommand(const LintCommandOptions& options);

}  // namespace viplab
