// The timeline and scenario section of a scenario with several VIPs and VRRP instances
// (harness/report/svg_timeline.h: TimelineModel::vip_lanes and ::bands; the per-VIP table of
// harness/report/html_report.cc), and that a single-VIP report renders exactly as before.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/tree.h>

#include <string>
#include <vector>

#include "harness/report/html_report.h"
#include "harness/report/svg_timeline.h"
#include "tests/harness/report/html_report_helpers.h"

namespace viplab {
namespace {

using nlohmann::json;
using testing::Attr;
using testing::CleanHandoverScenario;
using testing::Event;
using testing::ExpectSelfContained;
using ::testing::HasSubstr;
using testing::Page;
using testing::Render;
using testing::Report;
using testing::Text;
using testing::XPath;

json Tagged(json event, const char* key, const std::string& value) {
  event[key] = value;
  return event;
}

// An active/active pair: lb1 MASTER of `vi1` (VIP 10.77.0.200), lb2 MASTER of `vi2` (VIP
// 10.77.0.201). A service fault on lb1 at 0 moves only 10.77.0.200 to lb2 (at 1234.5); the client
// of 10.77.0.200 fails 100..140. Events without `vip`/`instance` belong to the first ones.
json ActiveActive(const std::string& vi1, const std::string& vi2) {
  const std::string a = "10.77.0.200", b = "10.77.0.201";
  json events = json::array({
      Event(-2000, "lb1", "state", "BACKUP"),  // no instance: the first one
      Tagged(Event(-1990, "lb2", "state", "BACKUP"), "instance", vi1),
      Tagged(Event(-1980, "lb1", "state", "BACKUP"), "instance", vi2),
      Tagged(Event(-1970, "lb2", "state", "BACKUP"), "instance", vi2),
      Tagged(Event(-1500, "lb1", "state", "MASTER"), "instance", vi1),
      Event(-1499, "lb1", "vip_added", a + "/24"),  // no vip: the first one
      Tagged(Event(-1400, "lb2", "state", "MASTER"), "instance", vi2),
      Tagged(Event(-1399, "lb2", "vip_added", b + "/24"), "vip", b),
      Event(-1000, "client", "client", "served by lb1"),
      Tagged(Event(-1000, "client", "client", "served by lb2"), "vip", b),
      Event(0, "lb1", "fault", "service stopped on lb1"),
      Tagged(Event(100, "client", "client", "failed: connect timeout"), "vip", a),
      Tagged(Event(140, "client", "client", "served by lb1"), "vip", a),
      Tagged(Event(1200, "lb1", "state", "BACKUP"), "instance", vi1),
      Tagged(Event(1200, "lb1", "vip_removed", a + "/24"), "vip", a),
      Tagged(Event(1234.5, "lb2", "vip_added", a + "/24"), "vip", a),
      Tagged(Event(1235, "lb2", "state", "MASTER"), "instance", vi1),
  });
  json vips = json::array({{{"vip", a},
                            {"instance", vi1},
                            {"owner_before", "lb1"},
                            {"owners_after", {"lb2"}},
                            {"owner_after", "lb2"},
                            {"vip_moved", true},
                            {"failover_ms", 1234.4},
                            {"settled_ms", 1300.0},
                            {"release_ms", 1200.0},
                            {"split_brain", false},
                            {"split_brain_ms", 0},
                            {"no_owner_ms", 34.5},
                            {"outage_ms", 40.0},
                            {"outage_ongoing", false},
                            {"probes", 100},
                            {"probes_failed", 4}},
                           {{"vip", b},
                            {"instance", vi2},
                            {"owner_before", "lb2"},
                            {"owners_after", {"lb2"}},
                            {"owner_after", "lb2"},
                            {"vip_moved", false},
                            {"failover_ms", nullptr},
                            {"settled_ms", nullptr},
                            {"release_ms", nullptr},
                            {"split_brain", false},
                            {"split_brain_ms", 0},
                            {"no_owner_ms", 0},
                            {"outage_ms", 0},
                            {"outage_ongoing", false},
                            {"probes", 100},
                            {"probes_failed", 0}}});
  return {{"name", "x/active-active"}, {"passed", true},
          {"owner_before", "lb1"},     {"owner_after", "lb2"},
          {"failover_ms", 1300},       {"outage_ms", 40},
          {"observed_ms", 3000},       {"split_brain_ms", 0},
          {"split_brain", false},      {"vips", vips},
          {"events", events}};
}

std::vector<std::string> Labels(const std::vector<TimelineSpan>& spans) {
  std::vector<std::string> out;
  for (const TimelineSpan& s : spans) out.push_back(s.label);
  return out;
}

std::vector<std::vector<std::string>> Owners(const std::vector<TimelineSpan>& spans) {
  std::vector<std::vector<std::string>> out;
  for (const TimelineSpan& s : spans) out.push_back(s.owners);
  return out;
}

TEST(MultiVipTimeline, ModelHasALanePerVipAndABandPerNodeAndInstance) {
  TimelineModel m = BuildTimelineModel(ActiveActive("VI_1", "VI_2"));
  ASSERT_EQ(m.vip_lanes.size(), 2u);
  EXPECT_EQ(m.vip_lanes[0].vip, "10.77.0.200");
  EXPECT_EQ(m.vip_lanes[0].instance, "VI_1");
  EXPECT_EQ(m.vip_lanes[1].vip, "10.77.0.201");
  EXPECT_EQ(m.vip_lanes[1].instance, "VI_2");
  using Sets = std::vector<std::vector<std::string>>;
  EXPECT_EQ(Owners(m.vip_lanes[0].owners), (Sets{{}, {"lb1"}, {}, {"lb2"}}));
  EXPECT_DOUBLE_EQ(m.vip_lanes[0].owners[3].t0, 1234.5);
  EXPECT_EQ(Owners(m.vip_lanes[1].owners), (Sets{{}, {"lb2"}}));
  EXPECT_EQ(Labels(m.vip_lanes[0].client),
            (std::vector<std::string>{"served", "failed", "served"}));
  EXPECT_EQ(Labels(m.vip_lanes[1].client), (std::vector<std::string>{"served"}));
  EXPECT_FALSE(m.split_brain);
  // The single-VIP fields hold the first VIP's rows.
  EXPECT_EQ(Owners(m.owners), Owners(m.vip_lanes[0].owners));

  ASSERT_EQ(m.bands.size(), 4u);
  std::vector<std::string> bands;
  for (const StateBand& b : m.bands) bands.push_back(b.node + " " + b.instance);
  EXPECT_EQ(bands, (std::vector<std::string>{"lb1 VI_1", "lb1 VI_2", "lb2 VI_1", "lb2 VI_2"}));
  // lb1's first state event is the first event: no INIT before it.
  EXPECT_EQ(Labels(m.bands[0].spans), (std::vector<std::string>{"BACKUP", "MASTER", "BACKUP"}));
  EXPECT_EQ(Labels(m.bands[1].spans), (std::vector<std::string>{"INIT", "BACKUP"}));
  EXPECT_EQ(Labels(m.bands[2].spans), (std::vector<std::string>{"INIT", "BACKUP", "MASTER"}));
  EXPECT_DOUBLE_EQ(m.bands[2].spans[2].t0, 1235);
  EXPECT_EQ(Labels(m.bands[3].spans), (std::vector<std::string>{"INIT", "BACKUP", "MASTER"}));
  // `states` is the first instance's.
  EXPECT_EQ(Labels(m.states.at("lb1")), Labels(m.bands[0].spans));
  EXPECT_EQ(Labels(m.states.at("lb2")), Labels(m.bands[2].spans));
}

TEST(MultiVipTimeline, InstancesNamedOnlyByEventsMakeLanesToo) {
  json s = ActiveActive("VI_1", "VI_2");
  s.erase("vips");
  TimelineModel m = BuildTimelineModel(s);
  ASSERT_EQ(m.vip_lanes.size(), 2u);
  EXPECT_EQ(m.vip_lanes[0].vip, "10.77.0.200");
  EXPECT_EQ(m.vip_lanes[0].instance, "");  // only the `vips` list says
  EXPECT_EQ(m.bands.size(), 4u);
}

// vip_added/vip_removed without `vip`: the address in the detail, when it is a listed VIP.
TEST(MultiVipTimeline, VipEventsWithoutVipFieldGoByTheirAddress) {
  json s = ActiveActive("VI_1", "VI_2");
  for (json& e : s["events"]) {
    if (e["kind"] != "client") e.erase("vip");
  }
  TimelineModel m = BuildTimelineModel(s);
  ASSERT_EQ(m.vip_lanes.size(), 2u);
  using Sets = std::vector<std::vector<std::string>>;
  EXPECT_EQ(Owners(m.vip_lanes[0].owners), (Sets{{}, {"lb1"}, {}, {"lb2"}}));
  EXPECT_EQ(Owners(m.vip_lanes[1].owners), (Sets{{}, {"lb2"}}));
}

TEST(MultiVipTimeline, SplitBrainOfOneVip) {
  json s = ActiveActive("VI_1", "VI_2");
  s["events"].push_back(
      Tagged(Event(2000, "lb1", "vip_added", "10.77.0.201/24"), "vip", "10.77.0.201"));
  TimelineModel m = BuildTimelineModel(s);
  ASSERT_EQ(m.vip_lanes.size(), 2u);
  EXPECT_FALSE(m.vip_lanes[0].split_brain);
  EXPECT_TRUE(m.vip_lanes[1].split_brain);  // 2000..3000 with two owners
  EXPECT_TRUE(m.split_brain);
  EXPECT_EQ(m.vip_lanes[1].owners.back().label, "split brain");
}

TEST(MultiVipTimeline, AdvertLanePerSenderAndVrid) {
  json s = ActiveActive("VI_1", "VI_2");
  for (int i = 0; i < 3; ++i) {
    s["events"].push_back(Event(-900 + i * 100, "lb1", "advert", "prio 101 v2 int 1s vrid 52"));
    s["events"].push_back(Event(-890 + i * 100, "lb1", "advert", "prio 150 v2 int 1s vrid 51"));
    s["events"].push_back(Event(-880 + i * 100, "lb2", "advert", "prio 120 v2 int 1s vrid 52"));
  }
  TimelineModel m = BuildTimelineModel(s);
  ASSERT_EQ(m.adverts.size(), 3u);
  std::vector<std::string> lanes;
  for (const AdvertLane& lane : m.adverts) lanes.push_back(lane.sender + " " + lane.vrid);
  EXPECT_EQ(lanes, (std::vector<std::string>{"lb1 51", "lb1 52", "lb2 52"}));
  ASSERT_EQ(m.adverts[0].runs.size(), 1u);  // one priority per VRID: no alternating runs
  EXPECT_EQ(m.adverts[0].runs[0].priority, 150);
  EXPECT_EQ(m.adverts[0].runs[0].times.size(), 3u);

  Page page = Render(Report({s}));
  xmlDoc* doc = page.doc.get();
  ASSERT_TRUE(doc);
  std::vector<std::string> labels;
  for (xmlNode* t : XPath(doc, "//svg[@id='tl-1']/g[@class='adverts']/text[@class='rl rs']")) {
    labels.push_back(Text(t));
  }
  EXPECT_EQ(labels,
            (std::vector<std::string>{"adverts vrid 51", "adverts vrid 52", "adverts vrid 52"}));
  EXPECT_EQ(XPath(doc, "//g[@class='adverts'][@data-sender='lb2'][@data-vrid='52']").size(), 1u);
}

TEST(MultiVipHtml, LanesBandsAndTable) {
  Page page = Render(Report({ActiveActive("VI_1", "VI_2")}));
  xmlDoc* doc = page.doc.get();
  ASSERT_TRUE(doc);
  ExpectSelfContained(page);
  std::vector<xmlNode*> owners = XPath(doc, "//svg[@id='tl-1']/g[@class='owners']");
  ASSERT_EQ(owners.size(), 2u);
  EXPECT_EQ(Attr(owners[0], "data-vip"), "10.77.0.200");
  EXPECT_EQ(Attr(owners[0], "data-instance"), "VI_1");
  EXPECT_EQ(Text(XPath(doc, "//svg[@id='tl-1']/g[@class='owners'][1]/text[@class='rl']")[0]),
            "10.77.0.200 VI_1");
  EXPECT_EQ(Text(XPath(doc, "//svg[@id='tl-1']/g[@class='owners'][2]/text[@class='rl']")[0]),
            "10.77.0.201 VI_2");
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']/g[@class='client']").size(), 2u);
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']/g[@class='client'][@data-vip='10.77.0.200']").size(), 1u);

  std::vector<xmlNode*> bands = XPath(doc, "//svg[@id='tl-1']/g[@class='band']/text[@class='rl']");
  std::vector<std::string> labels;
  for (xmlNode* t : bands) labels.push_back(Text(t));
  EXPECT_EQ(labels, (std::vector<std::string>{"lb1 VI_1", "lb1 VI_2", "lb2 VI_1", "lb2 VI_2"}));
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']/g[@data-node='lb2'][@data-instance='VI_1']").size(), 1u);
  // The outage of 10.77.0.200 after the fault is shaded.
  EXPECT_EQ(XPath(doc, "//svg[@id='tl-1']/rect[@class='outage']").size(), 1u);

  std::vector<xmlNode*> rows = XPath(doc, "//table[contains(@class,'vips')]/tbody/tr");
  ASSERT_EQ(rows.size(), 2u);
  auto cells = [&](int row) {
    std::vector<std::string> out;
    for (xmlNode* td :
         XPath(doc, fmt::format("//table[contains(@class,'vips')]/tbody/tr[{}]/td", row))) {
      out.push_back(Text(td));
    }
    return out;
  };
  EXPECT_EQ(cells(1),
            (std::vector<std::string>{"10.77.0.200", "VI_1", "lb1 → lb2", "1234", "1300", "40"}));
  EXPECT_EQ(cells(2),
            (std::vector<std::string>{"10.77.0.201", "VI_2", "lb2 → lb2", "—", "—", "0"}));
}

TEST(MultiVipHtml, NamesAreEscaped) {
  json s = ActiveActive("VI_1", "VI_<b>&\"2");
  s["vips"][1]["vip"] = "10.77.0.201<i>";
  Page page = Render(Report({s}));  // parses as HTML and as XML
  xmlDoc* doc = page.doc.get();
  ASSERT_TRUE(doc);
  EXPECT_THAT(page.html, HasSubstr("VI_&lt;b&gt;&amp;&quot;2"));
  EXPECT_THAT(page.html, ::testing::Not(HasSubstr("<b>&")));
  EXPECT_EQ(XPath(doc, "//svg//b").size(), 0u);
  EXPECT_EQ(XPath(doc, "//table//i").size(), 0u);
  std::vector<xmlNode*> band = XPath(doc, "//g[@class='band'][@data-instance='VI_<b>&\"2']");
  EXPECT_EQ(band.size(), 2u);
  std::vector<xmlNode*> lanes = XPath(doc, "//g[@class='owners']/text[@class='rl']");
  ASSERT_EQ(lanes.size(), 3u);  // 10.77.0.200, 10.77.0.201<i> (no events), 10.77.0.201
  EXPECT_EQ(Text(lanes[1]), "10.77.0.201<i> VI_<b>&\"2");
  std::vector<xmlNode*> cells = XPath(doc, "//table[contains(@class,'vips')]/tbody/tr[2]/td");
  ASSERT_GE(cells.size(), 2u);
  EXPECT_EQ(Text(cells[0]), "10.77.0.201<i>");
  EXPECT_EQ(Text(cells[1]), "VI_<b>&\"2");
}

// One VIP: no table, no lanes, and the page is byte for byte the one without `vips`/`vip`.
TEST(MultiVipHtml, SingleVipRendersAsBefore) {
  json plain = CleanHandoverScenario("a/one", 700);
  json tagged = plain;
  for (json& e : tagged["events"]) {
    if (e["kind"] == "state") e["instance"] = "VI_1";
    if (e["kind"] == "vip_added" || e["kind"] == "vip_removed") e["vip"] = "10.77.0.200";
  }
  tagged["vips"] = json::array({{{"vip", "10.77.0.200"},
                                 {"instance", "VI_1"},
                                 {"owner_before", "lb1"},
                                 {"owner_after", "lb2"},
                                 {"failover_ms", 700}}});
  const std::string before = RenderHtml(Report({plain}));
  EXPECT_EQ(RenderHtml(Report({tagged})), before);
  EXPECT_THAT(before, ::testing::Not(HasSubstr("class=\"steps vips\"")));
  EXPECT_THAT(before, ::testing::Not(HasSubstr("data-instance")));
  EXPECT_TRUE(BuildTimelineModel(tagged).vip_lanes.empty());
  EXPECT_TRUE(BuildTimelineModel(tagged).bands.empty());
}

}  // namespace
}  // namespace viplab
