// Decoders for what a VRRP lab puts on the wire: VRRP advertisements (RFC 3768 version 2, RFC 5798
// version 3 over IPv4) and ARP, in particular the gratuitous ARPs a new master sends for its VIP.
// Pure functions over captured bytes: no sockets, no allocation beyond the result. Every decoder
// returns nullopt for bytes that are not what it decodes — another protocol, a malformed header,
// or a capture truncated before the fields it needs — and never reads past the given span.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "netns/ipv4.h"

namespace viplab {

inline constexpr uint8_t kIpProtoVrrp = 112;
inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint16_t kEtherTypeArp = 0x0806;
inline constexpr uint16_t kEtherTypeVlan = 0x8100;

using MacAddress = std::array<uint8_t, 6>;
std::string ToString(const MacAddress& mac);  // "02:00:0a:4d:00:0b"

struct VrrpAdvert {
  Ipv4Address source;       // IPv4 source: the sender's primary address on the link
  Ipv4Address destination;  // 224.0.0.18 unless unicast peers are configured
  uint8_t ttl = 0;          // 255 when sent by a conforming router
  int version = 0;          // 2 or 3
  int vrid = 0;             // virtual router id, 1..255 (0 is accepted as decoded)
  int priority = 0;         // 0: the master is leaving; 255: the address owner
  // Advertisement interval as sent: seconds for version 2, centiseconds for version 3.
  int advert_interval = 0;
  int address_count = 0;
  std::vector<Ipv4Address> addresses;  // the virtual addresses (address_count of them)
  // Whether the VRRP checksum verifies (v2: over the VRRP message; v3: with the IPv4
  // pseudo-header). nullopt when the capture stopped before the end of the message.
  std::optional<bool> checksum_ok;

  // The interval in milliseconds, whatever the version.
  double advert_interval_ms() const {
    return version == 2 ? advert_interval * 1000.0 : advert_interval * 10.0;
  }
};

// An IPv4 packet (starting at its header) carrying a VRRP advertisement. Requires a well-formed
// IPv4 header (version 4, IHL >= 5, total length covering header and VRRP header), protocol 112,
// an unfragmented packet (first fragment with no more fragments), VRRP version 2 or 3, type 1
// (advertisement), and the header plus the address list within both `ip` and the total length.
std::optional<VrrpAdvert> DecodeVrrpIpv4(std::span<const uint8_t> ip);

// The same from an Ethernet II frame (libpcap link type DLT_EN10MB), with or without one 802.1Q
// tag.
std::optional<VrrpAdvert> DecodeVrrpFrame(std::span<const uint8_t> frame);

struct ArpPacket {
  int operation = 0;  // 1 request, 2 reply
  MacAddress sender_mac{};
  Ipv4Address sender_ip;
  MacAddress target_mac{};
  Ipv4Address target_ip;
  MacAddress ethernet_source{};  // from the Ethernet header
  MacAddress ethernet_destination{};

  // Gratuitous: announces the sender's own address (sender IP == target IP), as a request or a
  // reply — keepalived sends requests, other stacks replies.
  bool gratuitous() const { return sender_ip == target_ip; }
};

// An Ethernet II frame carrying ARP for IPv4 over Ethernet (hardware type 1, protocol 0x0800,
// lengths 6 and 4), operation request or reply.
std::optional<ArpPacket> DecodeArpFrame(std::span<const uint8_t> frame);

// Whether `frame` is a gratuitous ARP announcing `ip`.
bool IsGratuitousArp(std::span<const uint8_t> frame, Ipv4Address ip);

// The Ethernet source address and, for IPv4, the source IP of a frame (to learn which node a MAC
// belongs to). nullopt for frames shorter than an Ethernet header.
struct FrameSource {
  MacAddress mac{};
  std::optional<Ipv4Address> ip;  // IPv4 source, or ARP sender address
};
std::optional<FrameSource> DecodeFrameSource(std::span<const uint8_t> frame);

// RFC 1071 Internet checksum of `data` (ones' complement of the ones' complement sum), starting
// from the partial sum `initial`; verifying data that contains its checksum yields 0.
uint16_t InternetChecksum(std::span<const uint8_t> data, uint32_t initial = 0);

}  // namespace viplab
