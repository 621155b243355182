// WireObserver's decoding into Timeline events, fed hand-built frames (no capture, no root).
#include "harness/observe/wire_observer.h"

#include <gtest/gtest.h>

#include "tests/netns/packet_builder.h"

namespace viplab {
namespace {

using testing::VrrpFrame;
using testing::VrrpSpec;

const Ipv4Address kLb1 = Ipv4Address::Parse("10.77.0.11");
const Ipv4Address kLb2 = Ipv4Address::Parse("10.77.0.12");
const Ipv4Address kVip = Ipv4Address::Parse("10.77.0.200");
const MacAddress kLb1Mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};
const MacAddress kLb2Mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x0c};

class WireObserverTest : public ::testing::Test {
 protected:
  WireObserverTest() : wire_(timeline_, {{kLb1, "lb1"}, {kLb2, "lb2"}}, kVip) {}

  static VrrpSpec Advert(Ipv4Address from, int priority, int version = 3) {
    VrrpSpec spec;
    spec.source = from;
    spec.priority = priority;
    spec.version = version;
    spec.interval = version == 2 ? 1 : 50;
    return spec;
  }

  std::vector<TimelineEvent> Events() const { return timeline_.Events(); }

  Timeline timeline_;
  WireObserver wire_;
  const TimePoint t_ = Now();
};

TEST_F(WireObserverTest, AnAdvertBecomesAnEventOfTheSendingNode) {
  wire_.OnFrame(VrrpFrame(Advert(kLb1, 150), kLb1Mac), t_);
  wire_.OnFrame(VrrpFrame(Advert(kLb2, 100, 2), kLb2Mac), t_ + std::chrono::milliseconds(5));
  const auto events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].node, "lb1");
  EXPECT_EQ(events[0].kind, event_kind::kAdvert);
  EXPECT_EQ(events[0].detail, "prio 150 v3 int 50cs vrid 51");
  EXPECT_EQ(events[0].time, t_);
  EXPECT_EQ(events[1].node, "lb2");
  EXPECT_EQ(events[1].detail, "prio 100 v2 int 1s vrid 51");
  EXPECT_EQ(events[1].time, t_ + std::chrono::milliseconds(5));
}

TEST_F(WireObserverTest, AnUnknownSenderIsNamedByItsAddressAndAnomaliesAreSpelledOut) {
  VrrpSpec spec = Advert(Ipv4Address::Parse("10.77.0.99"), 0);
  spec.ttl = 64;
  spec.corrupt_checksum = true;
  wire_.OnFrame(VrrpFrame(spec, kLb1Mac), t_);
  const auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].node, "10.77.0.99");
  EXPECT_EQ(events[0].detail, "prio 0 v3 int 50cs vrid 51 ttl 64 bad checksum");
}

TEST_F(WireObserverTest, AGratuitousArpForTheVipNamesTheNodeWhoseMacSentIt) {
  // Before any frame of lb2: only its MAC is known.
  wire_.OnFrame(testing::GratuitousArpFrame(kLb2Mac, kVip), t_);
  wire_.OnFrame(VrrpFrame(Advert(kLb2, 100), kLb2Mac), t_);  // learns lb2's MAC
  wire_.OnFrame(testing::GratuitousArpFrame(kLb2Mac, kVip), t_);
  const auto events = Events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].node, "02:00:00:00:00:0c");
  EXPECT_EQ(events[0].kind, event_kind::kGarp);
  EXPECT_EQ(events[0].detail, "10.77.0.200 is-at 02:00:00:00:00:0c (request)");
  EXPECT_EQ(events[2].node, "lb2");
  EXPECT_EQ(events[2].kind, event_kind::kGarp);
}

TEST(WireObserverVips, EveryVipsGratuitousArpIsReportedWithItsVip) {
  Timeline timeline;
  const Ipv4Address second = Ipv4Address::Parse("10.78.0.201");
  WireObserver wire(timeline, {{kLb1, "lb1"}}, std::vector<Ipv4Address>{kVip, second});
  wire.OnFrame(VrrpFrame(
                   [] {
                     VrrpSpec spec;
                     spec.source = kLb1;
                     return spec;
                   }(),
                   kLb1Mac),
               Now());
  wire.OnFrame(testing::GratuitousArpFrame(kLb1Mac, kVip), Now());
  wire.OnFrame(testing::GratuitousArpFrame(kLb1Mac, second), Now());
  const auto events = timeline.Events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].vip, "10.77.0.200");
  EXPECT_EQ(events[2].node, "lb1");
  EXPECT_EQ(events[2].detail, "10.78.0.201 is-at 02:00:00:00:00:0b (request)");
  EXPECT_EQ(events[2].vip, "10.78.0.201");
  EXPECT_EQ(events[0].vip, "");  // adverts carry no VIP
}

TEST_F(WireObserverTest, OtherFramesAddNothing) {
  wire_.OnFrame(testing::GratuitousArpFrame(kLb1Mac, kLb1), t_);  // not the VIP
  wire_.OnFrame(testing::EthernetFrame(testing::kBroadcastMac, kLb1Mac, kEtherTypeArp,
                                       testing::ArpPayload(1, kLb1Mac, kLb1, {}, kVip)),
                t_);  // who-has VIP: not gratuitous
  const std::vector<uint8_t> tcp = testing::Ipv4Packet(std::vector<uint8_t>(20), kLb1, kLb2, 6);
  wire_.OnFrame(testing::EthernetFrame(kLb2Mac, kLb1Mac, kEtherTypeIpv4, tcp), t_);
  wire_.OnFrame({}, t_);
  EXPECT_TRUE(Events().empty());
}

TEST_F(WireObserverTest, FramesFromTheVipDoNotTeachTheMac) {
  // lb1 answering as the VIP must not make lb1's MAC "the VIP's"; lb2's GARP stays lb2's.
  wire_.OnFrame(VrrpFrame(Advert(kLb2, 100), kLb2Mac), t_);
  const std::vector<uint8_t> from_vip =
      testing::Ipv4Packet(std::vector<uint8_t>(20), kVip, kLb1, 6);
  wire_.OnFrame(testing::EthernetFrame(kLb1Mac, kLb2Mac, kEtherTypeIpv4, from_vip), t_);
  wire_.OnFrame(testing::GratuitousArpFrame(kLb2Mac, kVip), t_);
  EXPECT_EQ(Events().back().node, "lb2");
}

TEST_F(WireObserverTest, UnstartedObserverStopsAndReportsNothing) {
  wire_.Stop();
  wire_.Stop();
  EXPECT_EQ(wire_.stats().packets, 0u);
  EXPECT_EQ(wire_.error(), "");
}

}  // namespace
}  // namespace viplab
