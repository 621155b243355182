// `viplab clean [--force]`: remove the labs (namespaces, cgroups, directories) that killed runs
// left behind. Needs root.
#pragma once

namespace CLI {
class App;
}  // namespace CLI

namespace viplab {

// What `viplab clean` was asked to do.
struct CleanCommandOptions {
  bool force = false;  // also remove labs whose owner is still running
};

// Registers `clean` and its options on `app`, parsing into `options` (which must outlive it).
CLI::App* AddCleanSubcommand(CLI::App& app, CleanCommandOptions& options);

// Removes stale labs and prints one line per lab removed or kept. Returns 0; throws
// EnvironmentError without root.
int CleanCommand(const CleanCommandOptions& options);

}  // namespace viplab
