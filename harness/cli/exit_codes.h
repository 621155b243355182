// viplab's exit codes, shared by main (which maps exceptions to them) and the subcommands'
// help footers: 0 nothing failed, 1 a scenario failed or could not be judged, 2 bad input or
// environment, 3 internal error, 130 interrupted.
#pragma once

namespace viplab {

constexpr int kExitPassed = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 3;
constexpr int kExitInterrupted = 130;

// The exit codes of `run` and `matrix`, closing their --help footer.
constexpr const char* kBatchExitCodesHelp =
    "Exit codes: 0 nothing failed (inconclusive scenarios too, unless --strict), 1 a scenario "
    "failed or could not be judged, 2 bad input or environment, 3 internal error (after the labs "
    "were torn down), 130 interrupted (SIGINT, SIGTERM, SIGHUP; a second signal ends viplab at "
    "once: then run `viplab clean`).";

}  // namespace viplab
