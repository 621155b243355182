// The HTML report (harness/report/html_report.h): rendered from real reports (tests/harness/data/)
// and synthetic ones, checked as HTML (libxml2's HTML parser), as XML (the page is polyglot), for
// self-containment, escaping and the timeline's content. The building blocks (escaping, latency
// chart, timeline model) are in html_parts_test.cc; the shared helpers in html_report_helpers.h.
#include "harness/report/html_report.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/tree.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness/model/ownership.h"
#include "harness/report/latency_chart.h"
#include "harness/report/svg_timeline.h"
#include "tests/harness/html_report_helpers.h"

namespace viplab {
namespace {

using nlohmann::json;
using testing::Attr;
using testing::CleanHandoverScenario;
using testing::Doc;
using testing::Event;
using testing::ExpectSelfContained;
using ::testing::HasSubstr;
using testing::LoadData;
using ::testing::Not;
using testing::Page;
using testing::ParseXml;
using testing::Render;
using testing::Report;
using testing::SplitBrainScenario;
using testing::Text;
using testing::XPath;

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
