// Shared helpers of html_report_test: reading report samples from tests/harness/data/, parsing
// a rendered page with libxml2 (as HTML and as XML) and querying it with XPath, checking that a
// page is self-contained, and small synthetic reports with known timelines.
#pragma once

#include <libxml/tree.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace viplab::testing {

// tests/harness/data/<name>, parsed (a failed open is a test failure).
nlohmann::json LoadData(const std::string& name);

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using Doc = std::unique_ptr<xmlDoc, DocDeleter>;

// libxml2 2.9's HTML parser is HTML 4: it does not know svg, section, details, ... and reports
// them as unknown tags; every other error counts.
std::vector<std::string> HtmlParseErrors(const std::string& html);

// The page is also well-formed XML: a strict check of nesting and escaping.
Doc ParseXml(const std::string& html, std::vector<std::string>* messages);

// The nodes `expression` selects in `doc` (a bad expression is a test failure).
std::vector<xmlNode*> XPath(xmlDoc* doc, const std::string& expression);
// Attribute `name` of `node`, "" when absent.
std::string Attr(xmlNode* node, const char* name);
// The text content of `node`.
std::string Text(xmlNode* node);

// Everything a test wants from one rendered page.
struct Page {
  std::string html;
  Doc doc;
};

// RenderHtml(report), expected to parse as HTML and as XML without errors.
Page Render(const nlohmann::json& report);

// No fetches: every src/href is an in-page anchor, no external scripts, styles, images or
// frames, no url() or @import in CSS, and no http(s):// in any attribute.
void ExpectSelfContained(const Page& page);

// One timeline event of a report scenario.
nlohmann::json Event(double t, const std::string& node, const std::string& kind,
                     const std::string& detail);

// A two-node crash: lb1 MASTER, fault at 0, lb2 takes the VIP at 1600 while lb1 keeps it (split
// brain) until lb1 is restarted after the clear at 2200; client outage 100..300 ms.
nlohmann::json SplitBrainScenario(const std::string& name);

// lb1 MASTER, SIGTERM at 0, lb1 drops the VIP at failover - 1 and lb2 takes it at `failover`.
nlohmann::json CleanHandoverScenario(const std::string& name, double failover);

// A report of `scenarios`, passed when all of them passed.
nlohmann::json Report(nlohmann::json scenarios);

}  // namespace viplab::testing
