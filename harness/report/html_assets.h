// The static CSS and JavaScript of the HTML report (harness/report/html_report.h), inlined into
// every page so that it is self-contained.
#pragma once

namespace viplab {

// The page's <style> content (colours of verdicts, VRRP states, owners, client spans, ...).
extern const char* const kHtmlReportCss;
// The page's <script>: sortable summary table, "failed only" filter, expand/collapse.
extern const char* const kHtmlReportScript;

}  // namespace viplab
