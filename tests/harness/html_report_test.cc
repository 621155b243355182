// The HTML report (harness/html_report.h): rendered from real reports (tests/harness/data/) and
// synthetic ones, checked as HTML (libxml2's HTML parser), as XML (the page is polyglot), for
// self-containment, escaping and the timeline's content.
#include "harness/html_report.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "harness/html_escape.h"
#include "harness/latency_chart.h"
#include "harness/ownership.h"
#include "harness/svg_timeline.h"

namespace viplab {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

json LoadData(const std::string& name) {
  std::ifstream in(std::string(VIPLAB_SOURCE_DIR) + "/tests/harness/data/" + name);
  EXPECT_TRUE(in) << name;
  return json::parse(in);
}

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

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using Doc = std::unique_ptr<xmlDoc, DocDeleter>;

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

// Everything a test wants from one rendered page.
struct Page {
  std::string html;
  Doc doc;
};

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

// --- escaping and helpers ------------------------------------------------------------------

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(EscapeHtml(R"(<a href="x">'&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(EscapeHtml("lb1 → lb2\ttab\nline"), "lb1 → lb2\ttab\nline");
}

TEST(HtmlEscape, ReplacesControlCharactersAndInvalidUtf8) {
  EXPECT_EQ(EscapeHtml("a\x1b[31mb"), "a\xEF\xBF\xBD[31mb");
  EXPECT_EQ(EscapeHtml(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(EscapeHtml("\xff\xfe"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(EscapeHtml("\xc3"), "\xEF\xBF\xBD");  // truncated sequence
  EXPECT_EQ(EscapeHtml("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(EscapeHtml("é😀"), "é😀");
}

TEST(HtmlEscape, FormatCoord) {
  EXPECT_EQ(FormatCoord(12.04), "12");
  EXPECT_EQ(FormatCoord(12.25), "12.3");
  EXPECT_EQ(FormatCoord(-0.01), "0");
  EXPECT_EQ(FormatCoord(-3), "-3");
}

TEST(SvgTimeline, NiceStepAndNaturalOrder) {
  EXPECT_DOUBLE_EQ(NiceStep(10000, 10), 1000);
  EXPECT_DOUBLE_EQ(NiceStep(6800, 10), 500);
  EXPECT_DOUBLE_EQ(NiceStep(2000, 10), 200);
  EXPECT_DOUBLE_EQ(NiceStep(25, 10), 2.5);
  EXPECT_TRUE(NaturalLess("lb2", "lb10"));
  EXPECT_FALSE(NaturalLess("lb10", "lb2"));
  EXPECT_TRUE(NaturalLess("lb1", "lb2"));
  EXPECT_FALSE(NaturalLess("lb1", "lb1"));
}

TEST(LatencyChart, CellIsTheNameUpToTheLastSlash) {
  EXPECT_EQ(MatrixCellOf("nopreempt/script-w+small/service-kill"), "nopreempt/script-w+small");
  EXPECT_EQ(MatrixCellOf("catalog/node-crash"), "catalog");
  EXPECT_EQ(MatrixCellOf("single"), "");
  std::vector<LatencyCell> cells =
      GroupLatencyByCell(LoadData("report-matrix-sample.json")["scenarios"]);
  ASSERT_GE(cells.size(), 4u);
  EXPECT_EQ(cells[0].name, "preempt/script-fault");
  EXPECT_EQ(cells[0].samples.size(), 3u);
  EXPECT_EQ(cells[0].samples[0].anchor, "s-1");
  EXPECT_TRUE(cells[0].samples[0].failover_ms.has_value());
}

TEST(LatencyChart, DotsLinkToScenariosAndLongCellNamesAreCut) {
  std::string cell(60, 'c');
  json scenarios = json::array({CleanHandoverScenario(cell + "/one", 600),
                                CleanHandoverScenario(cell + "/two", 800),
                                CleanHandoverScenario("other/none", 0)});
  scenarios[2].erase("failover_ms");
  std::string svg = RenderLatencyCellsSvg(GroupLatencyByCell(scenarios));
  EXPECT_THAT(svg, HasSubstr(std::string(41, 'c') + "…<title>" + cell + "</title>"));
  EXPECT_THAT(svg, HasSubstr(R"(<a href="#s-1">)"));
  EXPECT_THAT(svg, HasSubstr(R"(<a href="#s-2">)"));
  EXPECT_THAT(svg, Not(HasSubstr(R"(<a href="#s-3">)")));
  EXPECT_THAT(svg, HasSubstr("no failover (1 scenario)"));
  EXPECT_THAT(svg, HasSubstr("median 700 ms · 2 of 2"));
  EXPECT_EQ(RenderLatencyHistogramSvg(GroupLatencyByCell(scenarios)), "");  // < 5 failovers
}

// --- the timeline model --------------------------------------------------------------------

TEST(SvgTimeline, ModelStatesOwnersClient) {
  TimelineModel m = BuildTimelineModel(SplitBrainScenario("x"));
  EXPECT_EQ(m.nodes, (std::vector<std::string>{"lb1", "lb2"}));
  EXPECT_DOUBLE_EQ(m.t_min, -3000);
  EXPECT_DOUBLE_EQ(m.t_max, 3000);
  EXPECT_DOUBLE_EQ(m.view_min, -1500);  // max(1500, 35 % of 3000) before the fault
  const std::vector<TimelineSpan>& lb1 = m.states.at("lb1");
  std::vector<std::string> labels;
  for (const TimelineSpan& s : lb1) labels.push_back(s.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"INIT", "BACKUP", "MASTER", "EXITED", "BACKUP"}));
  EXPECT_DOUBLE_EQ(lb1.front().t0, -3000);
  EXPECT_DOUBLE_EQ(lb1.back().t1, 3000);
  for (size_t i = 1; i < lb1.size(); ++i) EXPECT_DOUBLE_EQ(lb1[i - 1].t1, lb1[i].t0);
  EXPECT_EQ(m.states.at("lb2").front().label, "INIT");
  EXPECT_DOUBLE_EQ(m.states.at("lb2").front().t1, -1000);

  std::vector<std::vector<std::string>> owners;
  for (const TimelineSpan& s : m.owners) owners.push_back(s.owners);
  EXPECT_EQ(owners, (std::vector<std::vector<std::string>>{{}, {"lb1"}, {"lb1", "lb2"}, {"lb2"}}));
  EXPECT_DOUBLE_EQ(m.owners[2].t0, 1600);
  EXPECT_DOUBLE_EQ(m.owners[2].t1, 2300);

  // Consecutive failures merge into one span carrying both reasons.
  ASSERT_EQ(m.client.size(), 5u);
  EXPECT_EQ(m.client[2].label, "failed");
  EXPECT_DOUBLE_EQ(m.client[2].t0, 100);
  EXPECT_DOUBLE_EQ(m.client[2].t1, 300);
  EXPECT_EQ(m.client[2].detail, "connect timeout; Connection refused");
  EXPECT_EQ(m.client[4].owners, (std::vector<std::string>{"lb2"}));
  ASSERT_EQ(m.faults.size(), 1u);
  EXPECT_DOUBLE_EQ(m.faults[0].t, 0);
  ASSERT_EQ(m.clears.size(), 1u);
  EXPECT_DOUBLE_EQ(m.clears[0].t, 2200);
  ASSERT_EQ(m.node_marks.size(), 1u);
  EXPECT_EQ(m.node_marks[0].kind, "process_exit");
}

TEST(SvgTimeline, AdvertsGroupedBySenderAndPriority) {
  json s = CleanHandoverScenario("adverts", 700);
  for (int i = 0; i < 4; ++i) {
    s["events"].push_back(Event(-900 + i * 250, "lb1", "advert", "prio 150 v3 int 25cs vrid 51"));
  }
  s["events"].push_back(Event(20, "lb1", "advert", "prio 0 v3 int 25cs vrid 51"));
  s["events"].push_back(Event(700, "lb2", "advert", "prio 100 v3 int 25cs vrid 51"));
  s["events"].push_back(Event(950, "lb2", "advert", "prio 100 v3 int 25cs vrid 51 ttl 64"));
  s["events"].push_back(Event(705, "lb2", "garp", "10.77.0.200 is-at 02:5e:10:00:00:0c (request)"));
  s["events"].push_back(Event(800, "10.77.0.99", "advert", "prio 7 v2 int 1s vrid 51"));
  s["events"].push_back(Event(900, "10.77.0.99", "advert", "garbled"));
  TimelineModel m = BuildTimelineModel(s);
  EXPECT_EQ(m.nodes, (std::vector<std::string>{"lb1", "lb2"}));  // an IP sender is no node
  ASSERT_EQ(m.adverts.size(), 3u);
  EXPECT_EQ(m.adverts[0].sender, "lb1");
  ASSERT_EQ(m.adverts[0].runs.size(), 2u);
  EXPECT_EQ(m.adverts[0].runs[0].priority, 150);
  EXPECT_EQ(m.adverts[0].runs[0].times.size(), 4u);
  EXPECT_EQ(m.adverts[0].runs[1].priority, 0);
  EXPECT_EQ(m.adverts[1].sender, "lb2");
  ASSERT_EQ(m.adverts[1].runs.size(), 2u);  // a TTL other than 255: keepalived drops it
  EXPECT_FALSE(m.adverts[1].runs[0].dropped);
  EXPECT_TRUE(m.adverts[1].runs[1].dropped);
  ASSERT_EQ(m.node_marks.size(), 1u);
  EXPECT_EQ(m.node_marks[0].kind, "garp");
  EXPECT_EQ(m.adverts[2].sender, "10.77.0.99");
  ASSERT_EQ(m.adverts[2].runs.size(), 2u);
  EXPECT_EQ(m.adverts[2].runs[1].priority, -1);

  Page page = Render(Report({s}));
  xmlDoc* doc = page.doc.get();
  ASSERT_TRUE(doc);
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']//g[@class='adverts']").size(), 3u);
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']//g[@data-sender='lb1']/path").size(), 2u);
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']//path[@class='adv adv0']").size(), 1u);
  std::vector<std::string> labels;
  for (xmlNode* t : XPath(doc, "//svg[@id='tl-1']//g[@data-sender='lb1']/text[@class!='rl rs']")) {
    labels.push_back(Text(t));
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"150", "0"}));
  // Each advert is one tick ("M x y v h"): 4 in the first run.
  std::string d = Attr(XPath(doc, "//svg[@id='tl-1']//g[@data-sender='lb1']/path")[0], "d");
  EXPECT_EQ(std::count(d.begin(), d.end(), 'M'), 4);
  EXPECT_THAT(Text(XPath(doc, "//svg[@id='tl-1']//g[@data-sender='lb1']/path/title")[0]),
              HasSubstr("priority 150: 4 between -900 and -150 ms"));
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']//g[@data-sender='10.77.0.99']").size(), 1u);
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']//path[@class='adv advbad']").size(), 1u);
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']/g[@data-node='lb2']/circle[@class='ev ev-garp']").size(),
            1u);
}

// --- the SVG in the page -------------------------------------------------------------------

// The x of the fault marker equals the x of the axis tick labelled 0.
TEST(HtmlReport, OneStateBandPerNodeAndFaultMarkerAtZero) {
  Page page =
      Render(Report({SplitBrainScenario("a/b/split"), CleanHandoverScenario("a/b/ok", 600)}));
  xmlDoc* doc = page.doc.get();
  ASSERT_TRUE(doc);
  for (const char* svg : {"tl-1", "tl-2"}) {
    std::vector<xmlNode*> bands = XPath(doc, fmt::format("//svg[@id='{}']/g[@class='band']", svg));
    ASSERT_EQ(bands.size(), 2u) << svg;
    EXPECT_EQ(Attr(bands[0], "data-node"), "lb1");
    EXPECT_EQ(Attr(bands[1], "data-node"), "lb2");
    // The band's rects tile the plot from its left edge to the end of observation.
    std::vector<xmlNode*> rects =
        XPath(doc, fmt::format("//svg[@id='{}']/g[@data-node='lb1']/rect", svg));
    ASSERT_FALSE(rects.empty());
    double x = std::stod(Attr(rects[0], "x"));
    EXPECT_GE(x, 120);
    EXPECT_LT(x, 132);
    for (xmlNode* r : rects) {
      EXPECT_NEAR(std::stod(Attr(r, "x")), x, 0.2);
      x = std::stod(Attr(r, "x")) + std::stod(Attr(r, "width"));
    }
    EXPECT_GT(x, 1170);
    EXPECT_LE(x, 1188);
    std::vector<xmlNode*> fault =
        XPath(doc, fmt::format("//svg[@id='{}']/g[@class='mk mk-fault']/line[not(@class)]", svg));
    ASSERT_EQ(fault.size(), 1u) << svg;
    std::vector<xmlNode*> zero =
        XPath(doc, fmt::format("//svg[@id='{}']//text[@class='tick' and .='0']", svg));
    ASSERT_EQ(zero.size(), 1u) << svg;
    EXPECT_EQ(Attr(fault[0], "x1"), Attr(zero[0], "x"));
  }
  std::vector<xmlNode*> clear = XPath(doc, "//svg[@id='tl-1']/g[@class='mk mk-clear']/title");
  ASSERT_EQ(clear.size(), 1u);
  EXPECT_THAT(Text(clear[0]), HasSubstr("clear at 2200 ms"));
  EXPECT_TRUE(XPath(doc, "//svg[@id='tl-2']/g[@class='mk mk-clear']").empty());
}

TEST(HtmlReport, SplitBrainHighlightedOnlyWhenOwnersOverlap) {
  Page page = Render(Report({SplitBrainScenario("a/split"), CleanHandoverScenario("a/ok", 600)}));
  xmlDoc* doc = page.doc.get();
  ASSERT_TRUE(doc);
  std::vector<xmlNode*> split =
      XPath(doc, "//svg[@id='tl-1']/g[@class='owners']/rect[@class='own split']");
  ASSERT_EQ(split.size(), 1u);
  EXPECT_THAT(Text(split[0]), HasSubstr("SPLIT BRAIN: VIP on lb1+lb2, 1600 → 2300 ms (700 ms)"));
  EXPECT_TRUE(XPath(doc, "//svg[@id='tl-2']//rect[contains(@class,'split')]").empty());
  // The outage after the fault is shaded; the failures before it (lab start-up) are not.
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']/rect[@class='outage']").size(), 1u);
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']/g[@class='client']/rect[@class='cl cl-failed']").size(),
            1u);  // the start-up failure at -3000 is left of the view
  EXPECT_EQ(XPath(doc, "//tr[@data-name='a/split']//span[@class='tag']").size(), 1u);
  EXPECT_TRUE(XPath(doc, "//tr[@data-name='a/ok']//span[@class='tag']").empty());
}

// One definition of split brain: an overlap up to the tolerance is a handover, in the SVG and in
// the summary's tag, however old the report.
TEST(HtmlReport, ShortOverlapIsAHandoverLongOneSplitBrain) {
  json handover = CleanHandoverScenario("a/handover", 600);
  handover["events"] = json::array({
      Event(-1000, "lb1", "state", "MASTER"),
      Event(-999, "lb1", "vip_added", "10.77.0.200/24"),
      Event(0, "lb1", "fault", "SIGTERM to keepalived on lb1"),
      Event(600, "lb2", "vip_added", "10.77.0.200/24"),
      Event(640, "lb1", "vip_removed", "10.77.0.200/24"),
  });
  handover["dual_owner_ms"] = 40;
  handover["split_brain"] = true;  // an old report: any overlap was split brain
  json tight = handover;
  tight["name"] = "a/tight";
  tight["split_brain_tolerance_ms"] = 20;
  tight["split_brain_ms"] = 40;
  TimelineModel m = BuildTimelineModel(handover);
  EXPECT_FALSE(m.split_brain);
  ASSERT_EQ(m.owners.size(), 4u);
  EXPECT_EQ(m.owners[2].label, "handover");
  EXPECT_TRUE(BuildTimelineModel(tight).split_brain);
  Page page = Render(Report({handover, tight, SplitBrainScenario("a/split")}));
  xmlDoc* doc = page.doc.get();
  ASSERT_TRUE(doc);
  std::vector<xmlNode*> rect = XPath(doc, "//svg[@id='tl-1']//rect[@class='own handover']");
  ASSERT_EQ(rect.size(), 1u);
  EXPECT_THAT(Text(rect[0]), HasSubstr("handover overlap: VIP on lb1+lb2, 600 → 640 ms (40 ms)"));
  EXPECT_TRUE(XPath(doc, "//svg[@id='tl-1']//rect[@class='own split']").empty());
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-2']//rect[@class='own split']").size(), 1u);
  EXPECT_TRUE(XPath(doc, "//tr[@data-name='a/handover']//span[@class='tag']").empty());
  EXPECT_EQ(XPath(doc, "//tr[@data-name='a/tight']//span[@class='tag']").size(), 1u);
  EXPECT_EQ(XPath(doc, "//tr[@data-name='a/split']//span[@class='tag']").size(), 1u);
}

// A powered-off node's VIP is stale: no owner, and the tooltip says why.
TEST(HtmlReport, StaleVipOfAPoweredOffNodeIsNoOwner) {
  json s = CleanHandoverScenario("a/node-crash", 1500);
  s["events"] = json::array({
      Event(-999, "lb1", "vip_added", "10.77.0.200/24"),
      Event(0, "lb1", "fault", "power-off of lb1"),
      Event(0.5, "lb1", "power", "off"),
      Event(1500, "lb2", "vip_added", "10.77.0.200/24"),
  });
  TimelineModel m = BuildTimelineModel(s);
  std::vector<std::vector<std::string>> owners;
  for (const TimelineSpan& span : m.owners) owners.push_back(span.owners);
  EXPECT_EQ(owners, (std::vector<std::vector<std::string>>{{"lb1"}, {}, {"lb2"}}));
  EXPECT_EQ(m.owners[1].detail, "stale VIP on lb1");
  EXPECT_FALSE(m.split_brain);
  ASSERT_EQ(m.node_marks.size(), 1u);
  EXPECT_EQ(m.node_marks[0].kind, "power");
  Page page = Render(Report({s}));
  ASSERT_TRUE(page.doc);
  std::vector<xmlNode*> none = XPath(page.doc.get(), "//svg[@id='tl-1']//rect[@class='own-none']");
  ASSERT_FALSE(none.empty());
  EXPECT_THAT(Text(none.back()), HasSubstr("no VIP owner (stale VIP on lb1), 0.5 → 1500 ms"));
}

TEST(HtmlReport, InconclusiveIsCountedApartWithItsReason) {
  json unjudged = CleanHandoverScenario("a/unjudged", 600);
  unjudged["verdict"] = "inconclusive";
  unjudged["verdict_reason"] = "the sequence has no expect step, so nothing was checked";
  json ok = CleanHandoverScenario("a/ok", 600);
  ok["verdict"] = "pass";
  Page page = Render(Report({ok, unjudged}));
  xmlDoc* doc = page.doc.get();
  ASSERT_TRUE(doc);
  EXPECT_EQ(Text(XPath(doc, "//div[@class='total pass']/b")[0]), "1");
  EXPECT_EQ(Text(XPath(doc, "//div[@class='total fail']/b")[0]), "0");
  EXPECT_EQ(Text(XPath(doc, "//div[@class='total inc']/b")[0]), "1");
  EXPECT_EQ(XPath(doc, "//tr[@data-name='a/unjudged']//span[@class='badge inconclusive']").size(),
            1u);
  EXPECT_THAT(Text(XPath(doc, "//section[@class='scn inconclusive']//p[@class='inc-msg']")[0]),
              HasSubstr("inconclusive: the sequence has no expect step"));
  EXPECT_EQ(XPath(doc, "//section[@class='scn inconclusive']/details[@open='open']").size(), 1u);
  EXPECT_THAT(Text(XPath(doc, "//title")[0]), HasSubstr("0 failed"));
}

TEST(HtmlReport, HostileNamesAndLogsAreEscaped) {
  json s = SplitBrainScenario(R"(x/<script>alert(1)</script>&"'<b>)");
  s["passed"] = false;
  s["failures"] = {R"(owner_after: expected <lb2>, measured "none" & more)"};
  s["log_tail"] = {"lb1: <img src=http://evil/x.png> & \x1b[31m\xff", "]]></pre><script>x()"};
  s["events"].push_back(Event(10, "<lb9>", "state", "MASTER<i>"));
  s["description"] = "<iframe src=\"https://example.com\"></iframe>";
  s["prediction"] = {{"owner_before", "lb1"}, {"owner_after", "<lb2>"}, {"reasons", {"a < b"}}};
  Page page = Render(Report({s}));
  ExpectSelfContained(page);
  EXPECT_THAT(page.html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(page.html, Not(HasSubstr("<img")));
  EXPECT_THAT(page.html, Not(HasSubstr("<iframe")));
  EXPECT_THAT(page.html, Not(HasSubstr("<lb9>")));
  EXPECT_THAT(page.html,
              HasSubstr("x/&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;&lt;b&gt;"));
  xmlDoc* doc = page.doc.get();
  ASSERT_TRUE(doc);
  // The name survives intact as text and as the row's data-name.
  std::vector<xmlNode*> row = XPath(doc, "//table[@id='summary-table']/tbody/tr");
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(Attr(row[0], "data-name"), R"(x/<script>alert(1)</script>&"'<b>)");
  std::vector<xmlNode*> log = XPath(doc, "//pre[@class='log']");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_THAT(Text(log[0]),
              HasSubstr("<img src=http://evil/x.png> & \xEF\xBF\xBD[31m\xEF\xBF\xBD"));
  // A hostile node name gets its own band, escaped.
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']/g[@data-node='<lb9>']").size(), 1u);
  EXPECT_EQ(XPath(doc, "//section[@class='scn fail']/details[@open='open']").size(), 1u);
}

// --- whole pages from real reports ---------------------------------------------------------

class RealReport : public ::testing::TestWithParam<const char*> {};

TEST_P(RealReport, RendersWellFormedSelfContainedPage) {
  json report = LoadData(GetParam());
  size_t n = report["scenarios"].size();
  Page page = Render(report);
  ExpectSelfContained(page);
  xmlDoc* doc = page.doc.get();
  ASSERT_TRUE(doc);
  EXPECT_EQ(XPath(doc, "//table[@id='summary-table']/tbody/tr").size(), n);
  EXPECT_EQ(XPath(doc, "//section[contains(@class,'scn')]").size(), n);
  EXPECT_EQ(XPath(doc, "//svg[@class='tl']").size(), n);
  for (size_t i = 0; i < n; ++i) {
    const json& s = report["scenarios"][i];
    std::string svg = fmt::format("tl-{}", i + 1);
    // One band per node that appears in the events.
    std::set<std::string> nodes;
    for (const json& e : s["events"]) {
      std::string kind = e["kind"];
      if (e["node"] != "client" && kind != "client" && kind != "advert") nodes.insert(e["node"]);
    }
    EXPECT_EQ(XPath(doc, fmt::format("//svg[@id='{}']/g[@class='band']", svg)).size(), nodes.size())
        << s["name"];
    EXPECT_EQ(XPath(doc, fmt::format("//svg[@id='{}']/g[@class='mk mk-fault']", svg)).size(), 1u)
        << s["name"];
    // Two owners in the report <=> a split or handover span in the owner row; a split one only
    // when some overlap lasted longer than the default tolerance.
    bool dual = s.value("dual_owner_ms", 0.0) > 0;
    bool drawn = !XPath(doc, fmt::format("//svg[@id='{0}']//rect[@class='own split' or "
                                         "@class='own handover']",
                                         svg))
                      .empty();
    EXPECT_EQ(drawn, dual) << s["name"];
    if (!XPath(doc, fmt::format("//svg[@id='{}']//rect[@class='own split']", svg)).empty()) {
      EXPECT_GT(s.value("dual_owner_ms", 0.0), kDefaultSplitBrainToleranceMs) << s["name"];
    }
    // The summary row links to the section and shows the verdict.
    std::vector<xmlNode*> link =
        XPath(doc, fmt::format("//table[@id='summary-table']/tbody/tr[{}]/td[2]/a", i + 1));
    ASSERT_EQ(link.size(), 1u);
    EXPECT_EQ(Attr(link[0], "href"), fmt::format("#s-{}", i + 1));
    EXPECT_EQ(Text(link[0]), s["name"].get<std::string>());
  }
  // Sortable headers and the script that sorts them.
  for (const char* key : {"name", "verdict", "failover"}) {
    EXPECT_EQ(XPath(doc, fmt::format("//table[@id='summary-table']/thead//th[@data-key='{}' and "
                                     "@data-sort]",
                                     key))
                  .size(),
              1u)
        << key;
  }
  std::string script = Text(XPath(doc, "//script")[0]);
  EXPECT_THAT(script, HasSubstr("table.sortable th[data-sort]"));
  EXPECT_THAT(script, HasSubstr("addEventListener(\"click\""));
  EXPECT_THAT(script, HasSubstr("data-rendered"));
  // The latency section: one row label per cell.
  std::vector<LatencyCell> cells = GroupLatencyByCell(report["scenarios"]);
  std::vector<xmlNode*> labels = XPath(doc, "//svg[@class='cells']/text[@class='rl']");
  EXPECT_EQ(labels.size(), cells.size());
}

INSTANTIATE_TEST_SUITE_P(Data, RealReport,
                         ::testing::Values("report-issue2599.json", "report-catalog.json",
                                           "report-matrix-sample.json"));

TEST(HtmlReport, StepsPredictionAndLogTail) {
  json report = LoadData("report-catalog.json");
  report["scenarios"][0]["log_tail"] = {"lb1: Keepalived_vrrp[1]: Entering MASTER STATE"};
  Page page = Render(report);
  xmlDoc* doc = page.doc.get();
  ASSERT_TRUE(doc);
  size_t steps = report["scenarios"][0]["steps"].size();
  EXPECT_EQ(XPath(doc, "//section[@id='s-1']//table[@class='steps']/tbody/tr").size(), steps);
  EXPECT_EQ(XPath(doc, "//section[@id='s-1']//pre[@class='log']").size(), 1u);
  // Client events are not listed as events (they are the client row).
  for (xmlNode* td : XPath(doc, "//table[@class='events']/tbody/tr/td[3]")) {
    EXPECT_NE(Text(td), "client");
  }
  json matrix = LoadData("report-matrix-sample.json");
  Page m = Render(matrix);
  ASSERT_TRUE(m.doc);
  std::vector<xmlNode*> reasons =
      XPath(m.doc.get(), "//section[@id='s-1']//ol[@class='reasons']/li");
  EXPECT_EQ(reasons.size(), matrix["scenarios"][0]["prediction"]["reasons"].size());
}

// Large reports: passing scenarios start collapsed, failing ones open; the size stays
// reasonable for the full matrix (189 scenarios).
TEST(HtmlReport, FullMatrixSizeAndCollapsing) {
  json sample = LoadData("report-matrix-sample.json");
  json scenarios = json::array();
  for (int i = 0; scenarios.size() < 189; ++i) {
    json s = sample["scenarios"][i % sample["scenarios"].size()];
    s["name"] = fmt::format("{}-{}", s["name"].get<std::string>(), i);
    s["passed"] = i != 7;
    scenarios.push_back(s);
  }
  json report = sample;
  report["scenarios"] = scenarios;
  std::string html = RenderHtml(report);
  std::string json_text = report.dump(2);
  EXPECT_LT(html.size(), 189u * 12 * 1024) << "HTML " << html.size() << " bytes";
  EXPECT_LT(html.size(), json_text.size() * 3 / 2) << "JSON " << json_text.size() << " bytes";
  std::vector<std::string> messages;
  Doc doc = ParseXml(html, &messages);
  ASSERT_TRUE(doc);
  EXPECT_EQ(XPath(doc.get(), "//section[contains(@class,'scn')]/details[@open]").size(), 1u);
  EXPECT_EQ(XPath(doc.get(), "//section[@id='s-8']/details[@open]").size(), 1u);
  // The sample's matrix cells, one row each.
  EXPECT_EQ(XPath(doc.get(), "//svg[@class='cells']/text[@class='rl']").size(),
            GroupLatencyByCell(sample["scenarios"]).size());
  EXPECT_EQ(XPath(doc.get(), "//svg[@class='hist']").size(), 1u);
}

TEST(HtmlReport, ToleratesMissingFields) {
  for (const char* text :
       {R"({})", R"({"scenarios": null})", R"({"scenarios": []})", R"({"scenarios": [1, "x"]})",
        R"({"scenarios": [{}, {"name": 3, "events": "x", "steps": [1], "prediction": 2}]})",
        R"({"scenarios": [{"name": "n", "events": [{"t_ms": "x"}, {"t_ms": 5}, 7]}]})",
        R"({"scenarios": [{"name": "n", "failover_ms": 5, "events": [{"t_ms": 0,
            "kind": "fault"}, {"t_ms": 0, "kind": "vip_added", "node": "lb1"}]}]})"}) {
    json report = json::parse(text);
    std::string html;
    ASSERT_NO_THROW(html = RenderHtml(report)) << report.dump();
    std::vector<std::string> messages;
    Doc doc = ParseXml(html, &messages);
    EXPECT_TRUE(doc) << report.dump();
    EXPECT_THAT(messages, ::testing::IsEmpty()) << report.dump();
  }
}

TEST(HtmlReport, WriteHtmlReportCreatesTheFile) {
  std::filesystem::path dir = std::filesystem::path(VIPLAB_BUILD_DIR) / "html-report-test.out";
  std::filesystem::remove_all(dir);
  WriteHtmlReport(dir / "sub" / "report.html", LoadData("report-issue2599.json"));
  std::ifstream in(dir / "sub" / "report.html");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), RenderHtml(LoadData("report-issue2599.json")));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace viplab
