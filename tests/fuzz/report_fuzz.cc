// Fuzz target: what `viplab report RUN.json` does with its input (harness/cli/report_command.cc):
// LoadReport (read, parse, check against docs/report-schema.json in reader mode), then render
// the HTML page and the JUnit XML from the loaded report. Contract: a report that LoadReport
// accepts renders; anything else is InputError.
#include <cstddef>
#include <cstdint>

#include "harness/report/html_report.h"
#include "harness/report/junit.h"
#include "harness/report/report_schema.h"
#include "netns/error.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace viplab;
  nlohmann::json report;
  try {
    report = LoadReport(FuzzInputFile(data, size));
  } catch (const InputError&) {
    return 0;
  }
  (void)RenderHtml(report);
  (void)RenderJunit(report);
  return 0;
}
