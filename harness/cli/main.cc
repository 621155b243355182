// viplab: the command line. `viplab run` runs scenarios and prints one line each; `viplab clean`
// removes what killed runs left behind. Exit codes: 0 nothing failed (inconclusive scenarios do
// not fail unless --strict), 1 an expectation failed (or a scenario could not be judged), 2 bad
// input or environment, 3 internal error (an unexpected exception, after the labs were torn
// down), 130 interrupted (SIGINT, SIGTERM, SIGHUP). Each subcommand is in its own file here;
// main only registers them, dispatches, and maps exceptions to exit codes.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "harness/cli/certify_command.h"
#include "harness/cli/clean_command.h"
#include "harness/cli/exit_codes.h"
#include "harness/cli/explain_command.h"
#include "harness/cli/lint_command.h"
#include "harness/cli/matrix_command.h"
#include "harness/cli/report_command.h"
#include "harness/cli/run_command.h"
#include "harness/run/signals.h"
#include "netns/error.h"

int main(int argc, char** argv) {
  using namespace viplab;
  // `viplab run ... | head`: EPIPE (printing stops) instead of death by SIGPIPE mid-lab.
  IgnoreSigpipe();
  CLI::App app{"viplab: prove what happens to a keepalived VIP when something breaks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", VIPLAB_VERSION);

  // Registration order is the order of `viplab --help`.
  RunCommandOptions run_options;
  CLI::App* run = AddRunSubcommand(app, run_options);
  ExplainCommandOptions explain_options;
  CLI::App* explain = AddExplainSubcommand(app, explain_options);
  CleanCommandOptions clean_options;
  CLI::App* clean = AddCleanSubcommand(app, clean_options);
  MatrixCommandOptions matrix_options;
  CLI::App* matrix = AddMatrixSubcommand(app, matrix_options);
  ReportCommandOptions report_options;
  CLI::App* report = AddReportSubcommand(app, report_options);
  LintCommandOptions lint_options;
  CLI::App* lint = AddLintSubcommand(app, lint_options);
  CertifyCommandOptions certify_options;
  CLI::App* certify = AddCertifySubcommand(app, certify_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitPassed : kExitBadInput;
  }

  try {
    if (*run) return RunCommand(run_options);
    if (*matrix) return MatrixCommand(matrix_options);
    if (*report) return ReportCommand(report_options);
    if (*clean) return CleanCommand(clean_options);
    if (*explain) return ExplainCommand(explain_options);
    if (*lint) return LintCommand(lint_options);
    if (*certify) return CertifyCommand(certify_options);
  } catch (const InputError& e) {
    std::cerr << "viplab: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const EnvironmentError& e) {
    std::cerr << "viplab: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const Interrupted&) {
    std::cerr << "viplab: interrupted; the lab was torn down\n";
    return kExitInterrupted;
  } catch (const SystemError& e) {
    std::cerr << "viplab: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    // Anything else is a bug; the stack has unwound, so every lab was torn down (RAII).
    std::cerr << "viplab: internal error: " << e.what() << "\n";
    return kExitInternal;
  } catch (...) {
    std::cerr << "viplab: internal error: unknown exception\n";
    return kExitInternal;
  }
  return kExitBadInput;
}
