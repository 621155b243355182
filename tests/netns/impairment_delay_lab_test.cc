// Lab tests of VrrpDelay (netns/impairment.h): VRRP adverts held in a queue and released after
// the delay, on a veth pair. Fixtures: impairment_lab_fixture.h.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "netns/address.h"
#include "netns/clock.h"
#include "netns/error.h"
#include "netns/impairment.h"
#include "netns/link.h"
#include "netns/network_namespace.h"
#include "netns/route_socket.h"
#include "tests/netns/impairment_lab_fixture.h"

namespace viplab {
namespace {

using namespace std::chrono_literals;
using testing::Arrival;
using ::testing::HasSubstr;
using testing::ImpairmentPairTest;
using testing::kMagic;
using testing::Receive;
// ---- VrrpDelay ----

double MsSince(TimePoint from, TimePoint to) { return MillisBetween(from, to); }

TEST_F(ImpairmentPairTest, VrrpDelayHoldsAdvertsForTheDelayAndKeepsOrder) {
  constexpr auto kDelay = 200ms;
  VrrpDelay delay(a_->ns, kDelay);
  RecordProperty("queue_rule", delay.native_queue_rule() ? "native nft queue" : "xt NFQUEUE");
  EXPECT_EQ(ListImpairmentTables(a_->ns), std::vector<std::string>{"inet viplab_vrrp_delay_4112"});

  constexpr uint32_t kCount = 10;
  std::vector<TimePoint> sent;
  for (uint32_t i = 0; i < kCount; ++i) {
    sent.push_back(Now());
    a_->SendVrrp(i);
  }
  const TimePoint udp_sent = Now();
  a_->SendUdp(*b_, 0);

  const std::vector<Arrival> udp = Receive(b_->udp_in.get(), 1, false, kMagic, 2s);
  const std::vector<Arrival> vrrp = Receive(b_->vrrp_in.get(), kCount, true, kMagic, 2s);
  ASSERT_EQ(udp.size(), 1u);
  ASSERT_EQ(vrrp.size(), kCount);
  EXPECT_LT(MsSince(udp_sent, udp[0].at), 200.0) << "UDP must not be delayed";
  EXPECT_LT(udp[0].at, vrrp[0].at);
  for (uint32_t i = 0; i < kCount; ++i) {
    EXPECT_EQ(vrrp[i].seq, i) << "order changed";
    const double ms = MsSince(sent[vrrp[i].seq], vrrp[i].at);
    EXPECT_GE(ms, 200.0) << "packet " << i;
    EXPECT_LE(ms, 700.0) << "packet " << i;
  }
  EXPECT_EQ(delay.packets_released(), kCount);
  EXPECT_EQ(delay.last_error(), nullptr);
  // b's adverts to a are not delayed (egress of a only).
  const TimePoint b_sent = Now();
  b_->SendVrrp(0);
  const std::vector<Arrival> back = Receive(a_->vrrp_in.get(), 1, true, kMagic, 2s);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_LT(MsSince(b_sent, back[0].at), 200.0);
}

TEST_F(ImpairmentPairTest, VrrpDelayRemovalReleasesHeldPacketsAtOnceAndRestoresThePath) {
  VrrpDelay delay(a_->ns, 5000ms);
  const TimePoint sent = Now();
  for (uint32_t i = 0; i < 3; ++i) a_->SendVrrp(i);
  delay.Remove();
  const std::vector<Arrival> held = Receive(b_->vrrp_in.get(), 3, true, kMagic, 2s);
  ASSERT_EQ(held.size(), 3u) << "held packets were dropped instead of released";
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(held[i].seq, i);
  EXPECT_LT(MsSince(sent, held[2].at), 2000.0) << "released only after the full delay";
  delay.Remove();  // idempotent
  EXPECT_TRUE(ListImpairmentTables(a_->ns).empty());

  const TimePoint again = Now();
  a_->SendVrrp(9);
  const std::vector<Arrival> after = Receive(b_->vrrp_in.get(), 1, true, kMagic, 2s);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_LT(MsSince(again, after[0].at), 200.0);
}

TEST_F(ImpairmentPairTest, VrrpDelayOnATakenQueueFailsWithoutDisturbingTheFirst) {
  VrrpDelay first(a_->ns, 100ms, 77);
  try {
    VrrpDelay second(a_->ns, 300ms, 77);
    FAIL() << "two listeners on one queue";
  } catch (const SystemError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr(fmt::format("netfilter queue 77 in namespace '{}'", a_->ns.name())));
  }
  const TimePoint sent = Now();
  a_->SendVrrp(1);
  const std::vector<Arrival> got = Receive(b_->vrrp_in.get(), 1, true, kMagic, 2s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_GE(MsSince(sent, got[0].at), 100.0);
  EXPECT_EQ(ListImpairmentTables(a_->ns), std::vector<std::string>{"inet viplab_vrrp_delay_77"});
}

// The kernel caveat documented in impairment.h: removing another base chain of the namespace
// makes the kernel drop what the queue holds. The delay notices (packets_lost) and goes on.
TEST_F(ImpairmentPairTest, VrrpDelayLosesHeldAdvertsWhenAnotherChainGoesAway) {
  VrrpDelay delay(a_->ns, 300ms);
  PacketLoss other;
  other.percent = 0;
  other.direction = Direction::kIngress;
  other.Apply(a_->ns);
  for (uint32_t i = 0; i < 3; ++i) a_->SendVrrp(i);
  other.Remove(a_->ns);  // unregisters a hook: the kernel flushes the queue
  EXPECT_EQ(Receive(b_->vrrp_in.get(), 3, true, kMagic, 1s).size(), 0u);
  EXPECT_EQ(delay.packets_lost(), 3u);
  EXPECT_EQ(delay.packets_released(), 0u);

  const TimePoint sent = Now();
  a_->SendVrrp(7);
  const std::vector<Arrival> got = Receive(b_->vrrp_in.get(), 1, true, kMagic, 2s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_GE(MsSince(sent, got[0].at), 300.0);
  EXPECT_EQ(delay.last_error(), nullptr);
}

TEST_F(ImpairmentPairTest, VrrpDelayRemoveRulesCleansUpAfterALostOwner) {
  { VrrpDelay delay(a_->ns, 100ms, 5); }
  VrrpDelay::RemoveRules(a_->ns, 5);  // nothing left: still fine
  EXPECT_TRUE(ListImpairmentTables(a_->ns).empty());
}

}  // namespace
}  // namespace viplab
