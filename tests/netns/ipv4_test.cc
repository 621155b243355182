#include "netns/ipv4.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace viplab {
namespace {

TEST(Ipv4AddressTest, ParsesDottedQuad) {
  EXPECT_EQ(Ipv4Address::Parse("10.77.0.200").host_order(), 0x0A4D00C8u);
  EXPECT_EQ(Ipv4Address::Parse("0.0.0.0").host_order(), 0u);
  EXPECT_EQ(Ipv4Address::Parse("255.255.255.255").host_order(), 0xFFFFFFFFu);
  EXPECT_EQ(Ipv4Address::Parse("1.2.3.4").ToString(), "1.2.3.4");
}

TEST(Ipv4AddressTest, RejectsMalformedText) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "a.b.c.d", "1..2.3",
                          "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/24", "01.2.3.4", "1.2.3.0x1", "1.2.3.",
                          ".1.2.3", "1234.1.1.1", "+1.2.3.4"}) {
    EXPECT_THROW(Ipv4Address::Parse(bad), std::invalid_argument) << "'" << bad << "'";
  }
}

TEST(Ipv4AddressTest, ErrorNamesTheText) {
  try {
    Ipv4Address::Parse("10.0.0.300");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("10.0.0.300"), std::string::npos) << e.what();
  }
}

TEST(Ipv4AddressTest, InAddrIsNetworkOrder) {
  const in_addr a = Ipv4Address::Parse("10.77.0.200").ToInAddr();
  char text[INET_ADDRSTRLEN];
  ASSERT_NE(inet_ntop(AF_INET, &a, text, sizeof(text)), nullptr);
  EXPECT_STREQ(text, "10.77.0.200");
}

TEST(Ipv4AddressTest, Orders) {
  EXPECT_LT(Ipv4Address::Parse("10.0.0.2"), Ipv4Address::Parse("10.0.0.10"));
  EXPECT_EQ(Ipv4Address::Parse("10.0.0.2"), Ipv4Address(0x0A000002));
}

TEST(Ipv4PrefixTest, ParsesAndKeepsHostBits) {
  const Ipv4Prefix p = Ipv4Prefix::Parse("10.77.0.200/24");
  EXPECT_EQ(p.address().ToString(), "10.77.0.200");
  EXPECT_EQ(p.length(), 24);
  EXPECT_EQ(p.Network().ToString(), "10.77.0.0");
  EXPECT_EQ(p.ToString(), "10.77.0.200/24");
  EXPECT_EQ(Ipv4Prefix::Parse("0.0.0.0/0").length(), 0);
  EXPECT_EQ(Ipv4Prefix::Parse("1.2.3.4/32").length(), 32);
}

TEST(Ipv4PrefixTest, RejectsMalformedText) {
  for (const char* bad :
       {"10.0.0.1", "10.0.0.1/", "10.0.0.1/33", "10.0.0.1/-1", "10.0.0.1/2a", "10.0.0.1/024",
        "10.0.0/24", "/24", "10.0.0.1/24/1", "10.0.0.1/ 24", "10.0.0.1/100"}) {
    EXPECT_THROW(Ipv4Prefix::Parse(bad), std::invalid_argument) << "'" << bad << "'";
  }
  EXPECT_THROW(Ipv4Prefix(Ipv4Address(1), 33), std::invalid_argument);
  EXPECT_THROW(Ipv4Prefix(Ipv4Address(1), -1), std::invalid_argument);
}

TEST(Ipv4PrefixTest, BroadcastAndNetwork) {
  EXPECT_EQ(Ipv4Prefix::Parse("10.77.0.200/24").Broadcast().ToString(), "10.77.0.255");
  EXPECT_EQ(Ipv4Prefix::Parse("10.77.0.200/16").Broadcast().ToString(), "10.77.255.255");
  EXPECT_EQ(Ipv4Prefix::Parse("192.168.1.5/30").Network().ToString(), "192.168.1.4");
  EXPECT_EQ(Ipv4Prefix::Parse("192.168.1.5/30").Broadcast().ToString(), "192.168.1.7");
  EXPECT_EQ(Ipv4Prefix::Parse("192.168.1.5/32").Broadcast().ToString(), "192.168.1.5");
  EXPECT_EQ(Ipv4Prefix::Parse("192.168.1.5/0").Broadcast().ToString(), "255.255.255.255");
  EXPECT_EQ(Ipv4Prefix::Parse("192.168.1.5/0").Network().ToString(), "0.0.0.0");
}

TEST(Ipv4PrefixTest, Contains) {
  const Ipv4Prefix p = Ipv4Prefix::Parse("10.99.0.1/24");
  EXPECT_TRUE(p.Contains(Ipv4Address::Parse("10.99.0.0")));
  EXPECT_TRUE(p.Contains(Ipv4Address::Parse("10.99.0.255")));
  EXPECT_FALSE(p.Contains(Ipv4Address::Parse("10.99.1.0")));
  EXPECT_FALSE(p.Contains(Ipv4Address::Parse("10.98.255.255")));
  EXPECT_TRUE(Ipv4Prefix::Parse("0.0.0.0/0").Contains(Ipv4Address::Parse("203.0.113.9")));
  EXPECT_TRUE(Ipv4Prefix::Parse("1.2.3.4/32").Contains(Ipv4Address::Parse("1.2.3.4")));
  EXPECT_FALSE(Ipv4Prefix::Parse("1.2.3.4/32").Contains(Ipv4Address::Parse("1.2.3.5")));
}

TEST(Ipv4PrefixTest, HostCountsFromTheNetwork) {
  const Ipv4Prefix p = Ipv4Prefix::Parse("10.99.0.77/24");
  EXPECT_EQ(p.UsableHosts(), 254u);
  EXPECT_EQ(p.Host(1).ToString(), "10.99.0.1");
  EXPECT_EQ(p.Host(200).ToString(), "10.99.0.200");
  EXPECT_EQ(p.Host(254).ToString(), "10.99.0.254");
  EXPECT_THROW(p.Host(0), std::out_of_range);
  EXPECT_THROW(p.Host(255), std::out_of_range);  // the broadcast address
}

TEST(Ipv4PrefixTest, HostOnTinyAndHugeNetworks) {
  const Ipv4Prefix p30 = Ipv4Prefix::Parse("10.0.0.8/30");
  EXPECT_EQ(p30.UsableHosts(), 2u);
  EXPECT_EQ(p30.Host(2).ToString(), "10.0.0.10");
  EXPECT_THROW(p30.Host(3), std::out_of_range);

  const Ipv4Prefix p31 = Ipv4Prefix::Parse("10.0.0.9/31");  // RFC 3021: both are hosts
  EXPECT_EQ(p31.UsableHosts(), 2u);
  EXPECT_EQ(p31.Host(1).ToString(), "10.0.0.8");
  EXPECT_EQ(p31.Host(2).ToString(), "10.0.0.9");
  EXPECT_THROW(p31.Host(3), std::out_of_range);

  const Ipv4Prefix p32 = Ipv4Prefix::Parse("10.0.0.9/32");
  EXPECT_EQ(p32.UsableHosts(), 1u);
  EXPECT_EQ(p32.Host(1).ToString(), "10.0.0.9");
  EXPECT_THROW(p32.Host(2), std::out_of_range);

  const Ipv4Prefix p0 = Ipv4Prefix::Parse("0.0.0.0/0");
  EXPECT_EQ(p0.UsableHosts(), 0xFFFFFFFEu);
  EXPECT_EQ(p0.Host(0xFFFFFFFEu).ToString(), "255.255.255.254");
}

TEST(Ipv4PrefixTest, ComparesAddressAndLength) {
  EXPECT_EQ(Ipv4Prefix::Parse("10.0.0.1/24"), Ipv4Prefix::Parse("10.0.0.1/24"));
  EXPECT_NE(Ipv4Prefix::Parse("10.0.0.1/24"), Ipv4Prefix::Parse("10.0.0.1/25"));
  EXPECT_NE(Ipv4Prefix::Parse("10.0.0.1/24"), Ipv4Prefix::Parse("10.0.0.2/24"));
}

}  // namespace
}  // namespace viplab
