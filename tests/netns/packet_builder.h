// Hand-built frames for the packet decoder tests: Ethernet II, IPv4 carrying VRRP v2/v3 (with
// correct checksums unless told otherwise) and ARP. Byte-level on purpose: the decoder under test
// must not be used to build its own input.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "netns/ipv4.h"
#include "netns/vrrp_packet.h"

namespace viplab::testing {

inline void Put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

inline void Put32(std::vector<uint8_t>& out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v >> 16));
  Put16(out, static_cast<uint16_t>(v));
}

// Ones' complement sum of 16-bit big-endian words, folded, complemented (RFC 1071), written
// independently of the decoder's InternetChecksum.
inline uint16_t Checksum(const std::vector<uint8_t>& data, size_t from, size_t to, uint32_t sum) {
  for (size_t i = from; i < to; i += 2) {
    sum += static_cast<uint32_t>(data[i] << 8 | (i + 1 < to ? data[i + 1] : 0));
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

struct VrrpSpec {
  int version = 3;
  int type = 1;
  int vrid = 51;
  int priority = 150;
  int interval = 50;  // v2 seconds, v3 centiseconds
  std::vector<Ipv4Address> addresses{Ipv4Address::Parse("10.77.0.200")};
  Ipv4Address source = Ipv4Address::Parse("10.77.0.11");
  Ipv4Address destination = Ipv4Address::Parse("224.0.0.18");
  uint8_t ttl = 255;
  bool corrupt_checksum = false;
};

// The VRRP message alone (checksum over it, plus the pseudo-header for version 3).
inline std::vector<uint8_t> VrrpMessage(const VrrpSpec& s) {
  std::vector<uint8_t> m;
  m.push_back(static_cast<uint8_t>(s.version << 4 | s.type));
  m.push_back(static_cast<uint8_t>(s.vrid));
  m.push_back(static_cast<uint8_t>(s.priority));
  m.push_back(static_cast<uint8_t>(s.addresses.size()));
  if (s.version == 2) {
    m.push_back(0);  // auth type none
    m.push_back(static_cast<uint8_t>(s.interval));
  } else {
    Put16(m, static_cast<uint16_t>(s.interval & 0x0fff));
  }
  Put16(m, 0);  // checksum, filled below
  for (const Ipv4Address& a : s.addresses) Put32(m, a.host_order());
  if (s.version == 2) {
    for (int i = 0; i < 8; ++i) m.push_back(0);  // authentication data
  }
  uint32_t pseudo = 0;
  if (s.version == 3) {
    const uint32_t src = s.source.host_order(), dst = s.destination.host_order();
    pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 112 +
             static_cast<uint32_t>(m.size());
  }
  uint16_t sum = Checksum(m, 0, m.size(), pseudo);
  if (s.corrupt_checksum) sum ^= 0x5a5a;
  m[6] = static_cast<uint8_t>(sum >> 8);
  m[7] = static_cast<uint8_t>(sum);
  return m;
}

// IPv4 header (no options unless `options` > 0 words) + `payload`.
inline std::vector<uint8_t> Ipv4Packet(const std::vector<uint8_t>& payload, Ipv4Address source,
                                       Ipv4Address destination, uint8_t protocol, uint8_t ttl = 255,
                                       int option_words = 0, uint16_t fragment = 0) {
  std::vector<uint8_t> p;
  const size_t header = 20 + 4 * size_t(option_words);
  p.push_back(static_cast<uint8_t>(0x40 | (header / 4)));
  p.push_back(0xc0);  // DSCP CS6, as keepalived sends
  Put16(p, static_cast<uint16_t>(header + payload.size()));
  Put16(p, 0x1234);  // id
  Put16(p, fragment);
  p.push_back(ttl);
  p.push_back(protocol);
  Put16(p, 0);
  Put32(p, source.host_order());
  Put32(p, destination.host_order());
  for (int i = 0; i < 4 * option_words; ++i) p.push_back(1);  // NOP options
  const uint16_t sum = Checksum(p, 0, header, 0);
  p[10] = static_cast<uint8_t>(sum >> 8);
  p[11] = static_cast<uint8_t>(sum);
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

inline std::vector<uint8_t> EthernetFrame(const MacAddress& destination, const MacAddress& source,
                                          uint16_t ether_type, const std::vector<uint8_t>& payload,
                                          std::optional<uint16_t> vlan = std::nullopt) {
  std::vector<uint8_t> f(destination.begin(), destination.end());
  f.insert(f.end(), source.begin(), source.end());
  if (vlan) {
    Put16(f, kEtherTypeVlan);
    Put16(f, *vlan);
  }
  Put16(f, ether_type);
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

inline const MacAddress kVrrpMulticastMac{0x01, 0x00, 0x5e, 0x00, 0x00, 0x12};
inline const MacAddress kBroadcastMac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

inline std::vector<uint8_t> VrrpFrame(const VrrpSpec& s, const MacAddress& source_mac) {
  return EthernetFrame(kVrrpMulticastMac, source_mac, kEtherTypeIpv4,
                       Ipv4Packet(VrrpMessage(s), s.source, s.destination, 112, s.ttl));
}

// ARP over Ethernet for IPv4: operation 1 (request) or 2 (reply).
inline std::vector<uint8_t> ArpPayload(int operation, const MacAddress& sender_mac,
                                       Ipv4Address sender_ip, const MacAddress& target_mac,
                                       Ipv4Address target_ip) {
  std::vector<uint8_t> a;
  Put16(a, 1);
  Put16(a, kEtherTypeIpv4);
  a.push_back(6);
  a.push_back(4);
  Put16(a, static_cast<uint16_t>(operation));
  a.insert(a.end(), sender_mac.begin(), sender_mac.end());
  Put32(a, sender_ip.host_order());
  a.insert(a.end(), target_mac.begin(), target_mac.end());
  Put32(a, target_ip.host_order());
  return a;
}

// A gratuitous ARP request as keepalived sends it: broadcast, sender = target = `ip`.
inline std::vector<uint8_t> GratuitousArpFrame(const MacAddress& mac, Ipv4Address ip) {
  return EthernetFrame(kBroadcastMac, mac, kEtherTypeArp,
                       ArpPayload(1, mac, ip, kBroadcastMac, ip));
}

}  // namespace viplab::testing
