// The wire decoders (netns/vrrp_packet.h) on hand-built frames: VRRP v2 and v3 adverts, link
// padding, VLAN tags, IP options, every truncation and many malformations, gratuitous ARP.
#include "netns/vrrp_packet.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/netns/packet_builder.h"

namespace viplab {
namespace {

using testing::ArpPayload;
using testing::EthernetFrame;
using testing::GratuitousArpFrame;
using testing::Ipv4Packet;
using testing::VrrpFrame;
using testing::VrrpMessage;
using testing::VrrpSpec;

const MacAddress kLb1Mac{0x02, 0x00, 0x0a, 0x4d, 0x00, 0x0b};
const Ipv4Address kLb1 = Ipv4Address::Parse("10.77.0.11");
const Ipv4Address kVip = Ipv4Address::Parse("10.77.0.200");

constexpr size_t kEth = 14, kIp = 20, kVrrp = 8;

TEST(VrrpPacket, DecodesAVersion3Advert) {
  const std::vector<uint8_t> frame = VrrpFrame(VrrpSpec{}, kLb1Mac);
  const std::optional<VrrpAdvert> a = DecodeVrrpFrame(frame);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->version, 3);
  EXPECT_EQ(a->vrid, 51);
  EXPECT_EQ(a->priority, 150);
  EXPECT_EQ(a->advert_interval, 50);
  EXPECT_DOUBLE_EQ(a->advert_interval_ms(), 500);
  EXPECT_EQ(a->address_count, 1);
  EXPECT_EQ(a->addresses, std::vector<Ipv4Address>{kVip});
  EXPECT_EQ(a->source, kLb1);
  EXPECT_EQ(a->destination, Ipv4Address::Parse("224.0.0.18"));
  EXPECT_EQ(a->ttl, 255);
  EXPECT_EQ(a->checksum_ok, std::optional<bool>(true));
}

TEST(VrrpPacket, DecodesAVersion2AdvertWithAuthenticationData) {
  VrrpSpec spec;
  spec.version = 2;
  spec.interval = 1;
  spec.priority = 254;
  spec.vrid = 7;
  const std::optional<VrrpAdvert> a = DecodeVrrpFrame(VrrpFrame(spec, kLb1Mac));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->version, 2);
  EXPECT_EQ(a->vrid, 7);
  EXPECT_EQ(a->priority, 254);
  EXPECT_EQ(a->advert_interval, 1);
  EXPECT_DOUBLE_EQ(a->advert_interval_ms(), 1000);
  EXPECT_EQ(a->checksum_ok, std::optional<bool>(true));
}

TEST(VrrpPacket, Version3IntervalUsesTwelveBitsAndIgnoresTheReservedNibble) {
  VrrpSpec spec;
  spec.interval = 0xfff;  // 40.95 s, the largest
  std::vector<uint8_t> frame = VrrpFrame(spec, kLb1Mac);
  frame[kEth + kIp + 4] |= 0xf0;  // reserved bits set (checksum now off: still decoded)
  const std::optional<VrrpAdvert> a = DecodeVrrpFrame(frame);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->advert_interval, 0xfff);
  EXPECT_EQ(a->checksum_ok, std::optional<bool>(false));
}

TEST(VrrpPacket, PriorityZeroAndManyAddresses) {
  VrrpSpec spec;
  spec.priority = 0;
  spec.addresses.clear();
  for (uint32_t i = 1; i <= 20; ++i) spec.addresses.push_back(Ipv4Address(0x0a4d0000 + i));
  const std::optional<VrrpAdvert> a = DecodeVrrpFrame(VrrpFrame(spec, kLb1Mac));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->priority, 0);
  EXPECT_EQ(a->address_count, 20);
  EXPECT_EQ(a->addresses, spec.addresses);
  EXPECT_EQ(a->checksum_ok, std::optional<bool>(true));
}

TEST(VrrpPacket, ReportsABadChecksumWithoutRejecting) {
  for (int version : {2, 3}) {
    VrrpSpec spec;
    spec.version = version;
    spec.corrupt_checksum = true;
    const std::optional<VrrpAdvert> a = DecodeVrrpFrame(VrrpFrame(spec, kLb1Mac));
    ASSERT_TRUE(a) << version;
    EXPECT_EQ(a->checksum_ok, std::optional<bool>(false)) << version;
  }
}

TEST(VrrpPacket, Version3ChecksumIncludesThePseudoHeader) {
  // A v3 message checksummed like v2 (without the pseudo-header) does not verify.
  VrrpSpec spec;
  spec.version = 3;
  std::vector<uint8_t> message = VrrpMessage(spec);
  message[6] = message[7] = 0;
  const uint16_t plain = testing::Checksum(message, 0, message.size(), 0);
  message[6] = static_cast<uint8_t>(plain >> 8);
  message[7] = static_cast<uint8_t>(plain);
  const std::optional<VrrpAdvert> a =
      DecodeVrrpIpv4(Ipv4Packet(message, spec.source, spec.destination, 112));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->checksum_ok, std::optional<bool>(false));
}

TEST(VrrpPacket, IgnoresLinkPaddingPastTheTotalLength) {
  std::vector<uint8_t> frame = VrrpFrame(VrrpSpec{}, kLb1Mac);
  frame.resize(frame.size() + 18, 0xee);  // e.g. padding to the 60-byte Ethernet minimum
  const std::optional<VrrpAdvert> a = DecodeVrrpFrame(frame);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->checksum_ok, std::optional<bool>(true));
}

TEST(VrrpPacket, DecodesBehindOneVlanTagAndIpOptions) {
  const VrrpSpec spec;
  const std::vector<uint8_t> ip =
      Ipv4Packet(VrrpMessage(spec), spec.source, spec.destination, 112, 255, /*option_words=*/2);
  const std::optional<VrrpAdvert> a = DecodeVrrpFrame(
      EthernetFrame(testing::kVrrpMulticastMac, kLb1Mac, kEtherTypeIpv4, ip, uint16_t{100}));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->priority, 150);
  EXPECT_EQ(a->checksum_ok, std::optional<bool>(true));
}

TEST(VrrpPacket, KeepsTheTtlForTheCallerToJudge) {
  VrrpSpec spec;
  spec.ttl = 64;
  const std::optional<VrrpAdvert> a = DecodeVrrpFrame(VrrpFrame(spec, kLb1Mac));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ttl, 64);
}

TEST(VrrpPacket, EveryTruncationBeforeTheAddressesIsRejected) {
  VrrpSpec spec;
  spec.version = 2;  // 8 bytes of authentication data after the addresses
  spec.addresses = {kVip, Ipv4Address::Parse("10.77.0.201")};
  const std::vector<uint8_t> frame = VrrpFrame(spec, kLb1Mac);
  const size_t addresses_end = kEth + kIp + kVrrp + 8;
  for (size_t n = 0; n < addresses_end; ++n) {
    EXPECT_FALSE(DecodeVrrpFrame(std::span(frame.data(), n))) << "length " << n;
  }
  // Cut by the snaplen after the addresses: decoded, but the checksum cannot be verified.
  for (size_t n = addresses_end; n < frame.size(); ++n) {
    const std::optional<VrrpAdvert> a = DecodeVrrpFrame(std::span(frame.data(), n));
    ASSERT_TRUE(a) << "length " << n;
    EXPECT_EQ(a->addresses.size(), 2u);
    EXPECT_FALSE(a->checksum_ok.has_value()) << "length " << n;
  }
  EXPECT_EQ(DecodeVrrpFrame(frame)->checksum_ok, std::optional<bool>(true));
}

// Applies `mutate` to a valid v3 frame and expects the decoder to reject it.
template <typename Mutate>
void ExpectRejected(Mutate mutate, const char* what) {
  std::vector<uint8_t> frame = VrrpFrame(VrrpSpec{}, kLb1Mac);
  mutate(frame);
  EXPECT_FALSE(DecodeVrrpFrame(frame)) << what;
}

TEST(VrrpPacket, RejectsMalformedHeaders) {
  const size_t ip = kEth, vrrp = kEth + kIp;
  ExpectRejected([](auto& f) { f[12] = 0x86, f[13] = 0xdd; }, "EtherType IPv6");
  ExpectRejected([&](auto& f) { f[ip] = 0x65; }, "IP version 6");
  ExpectRejected([&](auto& f) { f[ip] = 0x44; }, "IHL 4 (< 20 bytes)");
  ExpectRejected([&](auto& f) { f[ip] = 0x4f; }, "IHL 15: options past the data");
  ExpectRejected([&](auto& f) { f[ip + 2] = 0, f[ip + 3] = 27; },
                 "total length < IP + VRRP header");
  ExpectRejected([&](auto& f) { f[ip + 2] = 0, f[ip + 3] = 30; },
                 "total length cuts the addresses");
  ExpectRejected([&](auto& f) { f[ip + 6] = 0x20; }, "more fragments");
  ExpectRejected([&](auto& f) { f[ip + 7] = 0x01; }, "fragment offset");
  ExpectRejected([&](auto& f) { f[ip + 9] = 6; }, "protocol TCP");
  ExpectRejected([&](auto& f) { f[vrrp] = 0x11; }, "VRRP version 1");
  ExpectRejected([&](auto& f) { f[vrrp] = 0x41; }, "VRRP version 4");
  ExpectRejected([&](auto& f) { f[vrrp] = 0x32; }, "VRRP type 2");
  ExpectRejected([&](auto& f) { f[vrrp + 3] = 255; }, "255 addresses in a 1-address packet");
}

TEST(VrrpPacket, SurvivesEverySingleByteCorruption) {
  // Not a proof, but every byte of a valid frame set to a few extreme values must decode or be
  // rejected without reading outside the span (ASan: ci/sanitize.sh runs this under
  // -DVIPLAB_SANITIZE=ON; tests/fuzz/vrrp_packet_fuzz.cc goes further). A decoded advert must
  // agree with the corrupted bytes, and a changed byte of the VRRP message must fail its checksum
  // (one changed byte never leaves a ones' complement sum unchanged).
  const std::vector<uint8_t> valid = VrrpFrame(VrrpSpec{}, kLb1Mac);
  const size_t ip = 14, vrrp = ip + 20;
  for (size_t i = 0; i < valid.size(); ++i) {
    for (uint8_t value : {0x00, 0x01, 0x0f, 0x7f, 0x80, 0xff}) {
      std::vector<uint8_t> frame = valid;
      frame[i] = value;
      const auto advert = DecodeVrrpFrame(frame);
      if (advert) {
        SCOPED_TRACE(fmt::format("byte {} set to {:#04x}", i, value));
        EXPECT_EQ(advert->addresses.size(), static_cast<size_t>(advert->address_count));
        EXPECT_EQ(advert->address_count, frame[vrrp + 3]);
        EXPECT_EQ(advert->ttl, frame[ip + 8]);
        EXPECT_EQ(advert->vrid, frame[vrrp + 1]);
        EXPECT_EQ(advert->priority, frame[vrrp + 2]);
        if (i >= vrrp && value != valid[i]) {
          EXPECT_EQ(advert->checksum_ok, false);
        }
      }
      DecodeArpFrame(frame);
      DecodeFrameSource(frame);
    }
  }
}

TEST(VrrpPacket, DecodesTheRawIpPacketToo) {
  const VrrpSpec spec;
  const std::optional<VrrpAdvert> a =
      DecodeVrrpIpv4(Ipv4Packet(VrrpMessage(spec), spec.source, spec.destination, 112));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->vrid, 51);
  EXPECT_FALSE(DecodeVrrpIpv4({}));
}

TEST(ArpPacket, RecognisesAGratuitousRequestForTheVip) {
  const std::vector<uint8_t> frame = GratuitousArpFrame(kLb1Mac, kVip);
  const std::optional<ArpPacket> arp = DecodeArpFrame(frame);
  ASSERT_TRUE(arp);
  EXPECT_EQ(arp->operation, 1);
  EXPECT_TRUE(arp->gratuitous());
  EXPECT_EQ(arp->sender_mac, kLb1Mac);
  EXPECT_EQ(arp->ethernet_source, kLb1Mac);
  EXPECT_EQ(arp->ethernet_destination, testing::kBroadcastMac);
  EXPECT_TRUE(IsGratuitousArp(frame, kVip));
  EXPECT_FALSE(IsGratuitousArp(frame, kLb1));
  EXPECT_FALSE(DecodeVrrpFrame(frame));
}

TEST(ArpPacket, AGratuitousReplyCountsAnOrdinaryRequestDoesNot) {
  const std::vector<uint8_t> reply = EthernetFrame(testing::kBroadcastMac, kLb1Mac, kEtherTypeArp,
                                                   ArpPayload(2, kLb1Mac, kVip, kLb1Mac, kVip));
  EXPECT_TRUE(IsGratuitousArp(reply, kVip));
  const std::vector<uint8_t> who_has = EthernetFrame(testing::kBroadcastMac, kLb1Mac, kEtherTypeArp,
                                                     ArpPayload(1, kLb1Mac, kLb1, {}, kVip));
  const std::optional<ArpPacket> arp = DecodeArpFrame(who_has);
  ASSERT_TRUE(arp);
  EXPECT_FALSE(arp->gratuitous());
  EXPECT_FALSE(IsGratuitousArp(who_has, kVip));
}

TEST(ArpPacket, RejectsTruncatedAndForeignArp) {
  const std::vector<uint8_t> frame = GratuitousArpFrame(kLb1Mac, kVip);
  for (size_t n = 0; n < kEth + 28; ++n) {
    EXPECT_FALSE(DecodeArpFrame(std::span(frame.data(), n))) << "length " << n;
  }
  auto mutated = [&](size_t at, uint8_t value) {
    std::vector<uint8_t> f = frame;
    f[at] = value;
    return DecodeArpFrame(f);
  };
  EXPECT_FALSE(mutated(kEth + 1, 6)) << "hardware type 6";
  EXPECT_FALSE(mutated(kEth + 2, 0x86)) << "protocol IPv6";
  EXPECT_FALSE(mutated(kEth + 4, 8)) << "hardware length 8";
  EXPECT_FALSE(mutated(kEth + 5, 16)) << "protocol length 16";
  EXPECT_FALSE(mutated(kEth + 7, 3)) << "operation 3 (RARP)";
  EXPECT_FALSE(mutated(13, 0x00)) << "EtherType IPv4";
}

TEST(FrameSource, NamesTheSenderOfIpv4AndArpFrames) {
  const std::optional<FrameSource> vrrp = DecodeFrameSource(VrrpFrame(VrrpSpec{}, kLb1Mac));
  ASSERT_TRUE(vrrp);
  EXPECT_EQ(vrrp->mac, kLb1Mac);
  EXPECT_EQ(vrrp->ip, std::optional(kLb1));
  const std::optional<FrameSource> arp = DecodeFrameSource(GratuitousArpFrame(kLb1Mac, kVip));
  ASSERT_TRUE(arp);
  EXPECT_EQ(arp->ip, std::optional(kVip));
  const std::vector<uint8_t> other =
      EthernetFrame(testing::kBroadcastMac, kLb1Mac, 0x86dd, std::vector<uint8_t>(40));
  ASSERT_TRUE(DecodeFrameSource(other));
  EXPECT_FALSE(DecodeFrameSource(other)->ip);
  EXPECT_FALSE(DecodeFrameSource(std::span(other.data(), 13)));
}

TEST(InternetChecksum, MatchesTheRfc1071Example) {
  // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (folded).
  const std::vector<uint8_t> data{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(InternetChecksum(data), static_cast<uint16_t>(~0xddf2));
  EXPECT_EQ(InternetChecksum(std::vector<uint8_t>{0xab}), static_cast<uint16_t>(~0xab00));
}

TEST(MacAddress, PrintsLowerCaseColonSeparated) {
  EXPECT_EQ(ToString(kLb1Mac), "02:00:0a:4d:00:0b");
}

}  // namespace
}  // namespace viplab
