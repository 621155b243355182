// The shared helpers of html_report_test (html_report_helpers.h).
#include "tests/harness/html_report_helpers.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <fstream>

#include "harness/report/html_report.h"

namespace viplab::testing {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

json LoadData(const std::string& name) {
  std::ifstream in(std::string(VIPLAB_SOURCE_DIR) + "/tests/harness/data/" + name);
  EXPECT_TRUE(in) << name;
  return json::parse(in);
}

namespace {

// --- libxml2 helpers -----------------------------------------------------------------------

struct Errors {
  std::vector<std::string> messages;
  bool ignore_unknown_tags = false;
};

void CollectError(void* context, xmlErrorPtr error) {
  auto* errors = static_cast<Errors*>(context);
  if (errors->ignore_unknown_tags && error->code == XML_HTML_UNKNOWN_TAG) return;
  errors->messages.push_back(
      fmt::format("line {}: {}", error->line, error->message ? error->message : "?"));
}

}  // namespace

// libxml2 2.9's HTML parser is HTML 4: it does not know svg, section, details, ... and reports
// them as unknown tags; every other error counts.
std::vector<std::string> HtmlParseErrors(const std::string& html) {
  Errors errors{{}, true};
  xmlSetStructuredErrorFunc(&errors, CollectError);
  Doc doc(htmlReadMemory(html.data(), static_cast<int>(html.size()), "report.html", "UTF-8",
                         HTML_PARSE_NONET));
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  if (!doc) errors.messages.push_back("no document");
  return errors.messages;
}

// The page is also well-formed XML: a strict check of nesting and escaping.
Doc ParseXml(const std::string& html, std::vector<std::string>* messages) {
  Errors errors;
  xmlSetStructuredErrorFunc(&errors, CollectError);
  Doc doc(xmlReadMemory(html.data(), static_cast<int>(html.size()), "report.html", "UTF-8",
                        XML_PARSE_NONET));
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  *messages = errors.messages;
  return doc;
}

std::vector<xmlNode*> XPath(xmlDoc* doc, const std::string& expression) {
  std::vector<xmlNode*> nodes;
  xmlXPathContext* context = xmlXPathNewContext(doc);
  xmlXPathObject* result =
      xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(expression.c_str()), context);
  EXPECT_NE(result, nullptr) << expression;
  if (result && result->nodesetval) {
    for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
      nodes.push_back(result->nodesetval->nodeTab[i]);
    }
  }
  xmlXPathFreeObject(result);
  xmlXPathFreeContext(context);
  return nodes;
}

std::string Attr(xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  std::string out = value ? reinterpret_cast<const char*>(value) : "";
  xmlFree(value);
  return out;
}

std::string Text(xmlNode* node) {
  xmlChar* value = xmlNodeGetContent(node);
  std::string out = value ? reinterpret_cast<const char*>(value) : "";
  xmlFree(value);
  return out;
}

Page Render(const json& report) {
  Page page;
  page.html = RenderHtml(report);
  EXPECT_THAT(HtmlParseErrors(page.html), ::testing::IsEmpty());
  std::vector<std::string> messages;
  page.doc = ParseXml(page.html, &messages);
  EXPECT_THAT(messages, ::testing::IsEmpty());
  EXPECT_TRUE(page.doc);
  return page;
}

// No fetches: every src/href is an in-page anchor, no external scripts, styles, images or
// frames, no url() or @import in CSS, and no http(s):// in any attribute.
void ExpectSelfContained(const Page& page) {
  ASSERT_TRUE(page.doc);
  for (xmlNode* attr : XPath(page.doc.get(), "//@*")) {
    std::string name = reinterpret_cast<const char*>(attr->name);
    std::string value = Text(attr);
    EXPECT_THAT(value, Not(HasSubstr("http://"))) << name;
    EXPECT_THAT(value, Not(HasSubstr("https://"))) << name;
    if (name == "src" || name == "href" || name == "action" || name == "data" || name == "poster" ||
        name == "srcset") {
      EXPECT_EQ(value.rfind('#', 0), 0u) << name << "=" << value;
    }
  }
  for (const char* element : {"img", "iframe", "object", "embed", "link", "audio", "video", "image",
                              "use", "foreignObject", "base", "form"}) {
    EXPECT_TRUE(XPath(page.doc.get(), fmt::format("//{}", element)).empty()) << element;
  }
  EXPECT_EQ(XPath(page.doc.get(), "//script[@src]").size(), 0u);
  EXPECT_EQ(XPath(page.doc.get(), "//script").size(), 1u);
  EXPECT_THAT(page.html, Not(HasSubstr("<script src")));
  for (xmlNode* style : XPath(page.doc.get(), "//style")) {
    EXPECT_THAT(Text(style), Not(HasSubstr("url(")));
    EXPECT_THAT(Text(style), Not(HasSubstr("@import")));
  }
  EXPECT_TRUE(XPath(page.doc.get(), "//*[@style and contains(@style, 'url(')]").empty());
}

// --- synthetic reports ---------------------------------------------------------------------

json Event(double t, const std::string& node, const std::string& kind, const std::string& detail) {
  return {{"t_ms", t}, {"node", node}, {"kind", kind}, {"detail", detail}};
}

// A two-node crash: lb1 MASTER, fault at 0, lb2 takes the VIP at 1600 while lb1 keeps it (split
// brain) until lb1 is restarted after the clear at 2200; client outage 100..300 ms.
json SplitBrainScenario(const std::string& name) {
  json events = json::array({
      Event(-3000, "client", "client", "failed: connect timeout"),
      Event(-2500, "lb1", "state", "BACKUP"),
      Event(-1700, "lb1", "vip_added", "10.77.0.200/24"),
      Event(-1690, "lb1", "state", "MASTER"),
      Event(-1600, "client", "client", "served by lb1"),
      Event(-1000, "lb2", "state", "BACKUP"),
      Event(0, "lb1", "fault", "SIGKILL to keepalived's VRRP child and parent on lb1 (crash)"),
      Event(8, "lb1", "process_exit", "keepalived exited"),
      Event(100, "client", "client", "failed: connect timeout"),
      Event(200, "client", "client", "failed: Connection refused"),
      Event(300, "client", "client", "served by lb1"),
      Event(1600, "lb2", "vip_added", "10.77.0.200/24"),
      Event(1610, "lb2", "state", "MASTER"),
      Event(1620, "client", "client", "served by lb2"),
      Event(2200, "lb1", "clear", "restarted keepalived"),
      Event(2300, "lb1", "vip_removed", "10.77.0.200/24"),
      Event(2301, "lb1", "state", "BACKUP"),
  });
  return {{"name", name},
          {"passed", true},
          {"error", nullptr},
          {"fault", "SIGKILL to keepalived's VRRP child and parent on lb1 (crash)"},
          {"owner_before", "lb1"},
          {"owner_after", "lb2"},
          {"owners_after", {"lb2"}},
          {"vip_moved", true},
          {"failover_ms", 1600},
          {"release_ms", 2300},
          {"outage_ms", 200},
          {"outage_ongoing", false},
          {"dual_owner_ms", 700},
          {"split_brain", true},
          {"observed_ms", 3000},
          {"judged_by", "expect"},
          {"failures", json::array()},
          {"checks", {"owner_before: expected lb1, measured lb1"}},
          {"steps", json::array()},
          {"log_tail", json::array()},
          {"events", events}};
}

json CleanHandoverScenario(const std::string& name, double failover) {
  json events = json::array({
      Event(-1000, "lb1", "state", "MASTER"),
      Event(-999, "lb1", "vip_added", "10.77.0.200/24"),
      Event(-500, "lb2", "state", "BACKUP"),
      Event(0, "lb1", "fault", "SIGTERM to keepalived on lb1"),
      Event(failover - 1, "lb1", "vip_removed", "10.77.0.200/24"),
      Event(failover, "lb2", "vip_added", "10.77.0.200/24"),
      Event(failover + 1, "lb2", "state", "MASTER"),
  });
  return {{"name", name},         {"passed", true},          {"owner_before", "lb1"},
          {"owner_after", "lb2"}, {"owners_after", {"lb2"}}, {"failover_ms", failover},
          {"outage_ms", 0},       {"observed_ms", 2000},     {"events", events}};
}

json Report(json scenarios) {
  bool passed = true;
  for (const json& s : scenarios) passed = passed && s.value("passed", false);
  return {{"schema_version", 1},
          {"tool", "viplab"},
          {"version", "0.1.0"},
          {"passed", passed},
          {"started_at", "2026-11-25T21:34:27Z"},
          {"scenarios", scenarios}};
}

}  // namespace viplab::testing
