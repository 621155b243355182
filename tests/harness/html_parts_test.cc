// The building blocks of the HTML report: escaping (harness/report/html_escape.h), the latency
// chart (harness/report/latency_chart.h) and the SVG timeline's model
// (harness/report/svg_timeline.h). The whole pages are checked in html_report_test.cc; the shared
// helpers are in html_report_helpers.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/tree.h>

#include <string>
#include <vector>

#include "harness/model/ownership.h"
#include "harness/report/html_escape.h"
#include "harness/report/html_report.h"
#include "harness/report/latency_chart.h"
#include "harness/report/svg_timeline.h"
#include "tests/harness/html_report_helpers.h"

namespace viplab {
namespace {

using nlohmann::json;
using testing::Attr;
using testing::CleanHandoverScenario;
using testing::Event;
using ::testing::HasSubstr;
using testing::LoadData;
using ::testing::Not;
using testing::Page;
using testing::Render;
using testing::Report;
using testing::SplitBrainScenario;
using testing::Text;
using testing::XPath;

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

}  // namespace
}  // namespace viplab
