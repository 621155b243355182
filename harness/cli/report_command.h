// `viplab report RUN.json [--html OUT] [--junit OUT]`: regenerates outputs offline from a saved
// JSON report — no root, no lab. The report is checked first (LoadReport: readable, well-formed
// JSON, schema_version 1, fields as docs/report-schema.json says); bad input is an InputError (exit
// 2). Part of the viplab executable (it uses CLI11), not of the harness library.
#pragma once

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace viplab {

struct ReportCommandOptions {
  std::string input;      // the JSON report written by `viplab run/matrix --json`
  std::string html_out;   // write the HTML report here; "-" for stdout
  std::string junit_out;  // write JUnit XML here; "-" for stdout
};

// Registers `report` and its options on `app`, parsing into `options` (which must outlive it).
CLI::App* AddReportSubcommand(CLI::App& app, ReportCommandOptions& options);

// Reads the report and writes each requested output. Returns 0; throws InputError (bad report,
// no output requested) and SystemError (an output cannot be written).
int ReportCommand(const ReportCommandOptions& options);

}  // namespace viplab
