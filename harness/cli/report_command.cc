#include "harness/cli/report_command.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "harness/report/html_report.h"
#include "harness/report/junit.h"
#include "harness/report/report_schema.h"
#include "netns/error.h"

namespace viplab {

CLI::App* AddReportSubcommand(CLI::App& app, ReportCommandOptions& options) {
  CLI::App* report =
      app.add_subcommand("report", "Regenerate outputs from a saved JSON report (no root, no lab)");
  report->add_option("report", options.input, "JSON report written by run/matrix --json")
      ->required();
  report->add_option("--html", options.html_out,
                     "Write the HTML report (one self-contained page) here ('-' for stdout)");
  report->add_option("--junit", options.junit_out, "Write JUnit XML here ('-' for stdout)");
  report->footer(
      "Example:\n  viplab report report.json --html report.html --junit junit.xml\n"
      "Exit codes: 0 written, 2 bad input (unreadable or malformed report, schema_version other "
      "than 1, no output requested). A partial report (a batch cut short) is rendered too, "
      "and said to be partial.");
  return report;
}

int ReportCommand(const ReportCommandOptions& options) {
  if (options.html_out.empty() && options.junit_out.empty()) {
    throw InputError("report: nothing to write; give --html OUT and/or --junit OUT");
  }
  if (options.html_out == "-" && options.junit_out == "-") {
    throw InputError("report: only one of --html and --junit can write to stdout ('-')");
  }
  const nlohmann::json report = LoadReport(options.input);
  if (report.value("partial", false)) {
    std::cerr << "viplab: " << options.input
              << " is a partial report: " << report["scenarios"].size() << " of "
              << report.value("scenarios_planned", report["scenarios"].size())
              << " scenarios finished (the batch was cut short or is still running)\n";
  }
  if (options.html_out == "-") {
    std::cout << RenderHtml(report) << std::flush;
  } else if (!options.html_out.empty()) {
    WriteHtmlReport(options.html_out, report);
  }
  if (options.junit_out == "-") {
    std::cout << RenderJunit(report) << std::flush;
  } else if (!options.junit_out.empty()) {
    WriteJunit(options.junit_out, report);
  }
  return 0;
}

}  // namespace viplab
