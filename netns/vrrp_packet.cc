#include "netns/vrrp_packet.h"

#include <fmt/format.h>

#include <algorithm>

namespace viplab {
namespace {

constexpr size_t kEthernetHeader = 14;
constexpr size_t kVlanTag = 4;
constexpr size_t kIpv4MinHeader = 20;
constexpr size_t kVrrpHeader = 8;
constexpr size_t kArpIpv4Length = 28;

uint16_t Be16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}

Ipv4Address Be32Address(std::span<const uint8_t> b, size_t at) {
  return Ipv4Address(uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 | uint32_t{b[at + 2]} << 8 |
                     uint32_t{b[at + 3]});
}

MacAddress Mac(std::span<const uint8_t> b, size_t at) {
  MacAddress mac;
  std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(at), mac.size(), mac.begin());
  return mac;
}

// The Ethernet payload and its EtherType, skipping one 802.1Q tag.
struct EthernetPayload {
  uint16_t ether_type;
  std::span<const uint8_t> payload;
};

std::optional<EthernetPayload> SplitEthernet(std::span<const uint8_t> frame) {
  if (frame.size() < kEthernetHeader) return std::nullopt;
  uint16_t type = Be16(frame, 12);
  size_t offset = kEthernetHeader;
  if (type == kEtherTypeVlan) {
    if (frame.size() < kEthernetHeader + kVlanTag) return std::nullopt;
    type = Be16(frame, 16);
    offset += kVlanTag;
  }
  return EthernetPayload{type, frame.subspan(offset)};
}

}  // namespace

std::string ToString(const MacAddress& mac) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", mac[0], mac[1], mac[2], mac[3],
                     mac[4], mac[5]);
}

uint16_t InternetChecksum(std::span<const uint8_t> data, uint32_t initial) {
  uint64_t sum = initial;
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += Be16(data, i);
  if (i < data.size()) sum += uint32_t{data[i]} << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

std::optional<VrrpAdvert> DecodeVrrpIpv4(std::span<const uint8_t> ip) {
  if (ip.size() < kIpv4MinHeader) return std::nullopt;
  if (ip[0] >> 4 != 4) return std::nullopt;
  const size_t header = size_t{ip[0] & 0x0fu} * 4;
  if (header < kIpv4MinHeader || ip.size() < header) return std::nullopt;
  const size_t total = Be16(ip, 2);
  if (total < header + kVrrpHeader) return std::nullopt;
  const uint16_t fragment = Be16(ip, 6);
  if ((fragment & 0x3fff) != 0) return std::nullopt;  // MF set or a non-zero offset
  if (ip[9] != kIpProtoVrrp) return std::nullopt;

  // Bytes past the total length are link padding; bytes missing from it were cut by the snaplen.
  const size_t message_length = total - header;
  const std::span<const uint8_t> vrrp = ip.subspan(header, std::min(ip.size(), total) - header);
  if (vrrp.size() < kVrrpHeader) return std::nullopt;

  VrrpAdvert advert;
  advert.version = vrrp[0] >> 4;
  if (advert.version != 2 && advert.version != 3) return std::nullopt;
  if ((vrrp[0] & 0x0f) != 1) return std::nullopt;  // 1: advertisement, the only type
  advert.vrid = vrrp[1];
  advert.priority = vrrp[2];
  advert.address_count = vrrp[3];
  advert.advert_interval = advert.version == 2 ? vrrp[5] : Be16(vrrp, 4) & 0x0fff;
  const size_t needed = kVrrpHeader + 4 * size_t(advert.address_count);
  if (needed > message_length || needed > vrrp.size()) return std::nullopt;

  advert.ttl = ip[8];
  advert.source = Be32Address(ip, 12);
  advert.destination = Be32Address(ip, 16);
  advert.addresses.reserve(advert.address_count);
  for (int i = 0; i < advert.address_count; ++i) {
    advert.addresses.push_back(Be32Address(vrrp, kVrrpHeader + 4 * size_t(i)));
  }
  if (vrrp.size() == message_length) {
    uint32_t pseudo = 0;
    if (advert.version == 3) {
      // RFC 5798 5.2.8: the IPv4 pseudo-header (source, destination, protocol, VRRP length).
      pseudo = uint32_t{Be16(ip, 12)} + Be16(ip, 14) + Be16(ip, 16) + Be16(ip, 18) + kIpProtoVrrp +
               static_cast<uint32_t>(message_length);
    }
    advert.checksum_ok = InternetChecksum(vrrp, pseudo) == 0;
  }
  return advert;
}

std::optional<VrrpAdvert> DecodeVrrpFrame(std::span<const uint8_t> frame) {
  const std::optional<EthernetPayload> eth = SplitEthernet(frame);
  if (!eth || eth->ether_type != kEtherTypeIpv4) return std::nullopt;
  return DecodeVrrpIpv4(eth->payload);
}

std::optional<ArpPacket> DecodeArpFrame(std::span<const uint8_t> frame) {
  const std::optional<EthernetPayload> eth = SplitEthernet(frame);
  if (!eth || eth->ether_type != kEtherTypeArp) return std::nullopt;
  const std::span<const uint8_t> arp = eth->payload;
  if (arp.size() < kArpIpv4Length) return std::nullopt;
  if (Be16(arp, 0) != 1 || Be16(arp, 2) != kEtherTypeIpv4 || arp[4] != 6 || arp[5] != 4) {
    return std::nullopt;
  }
  ArpPacket out;
  out.operation = Be16(arp, 6);
  if (out.operation != 1 && out.operation != 2) return std::nullopt;
  out.sender_mac = Mac(arp, 8);
  out.sender_ip = Be32Address(arp, 14);
  out.target_mac = Mac(arp, 18);
  out.target_ip = Be32Address(arp, 24);
  out.ethernet_destination = Mac(frame, 0);
  out.ethernet_source = Mac(frame, 6);
  return out;
}

bool IsGratuitousArp(std::span<const uint8_t> frame, Ipv4Address ip) {
  const std::optional<ArpPacket> arp = DecodeArpFrame(frame);
  return arp && arp->gratuitous() && arp->sender_ip == ip;
}

std::optional<FrameSource> DecodeFrameSource(std::span<const uint8_t> frame) {
  const std::optional<EthernetPayload> eth = SplitEthernet(frame);
  if (!eth) return std::nullopt;
  FrameSource out;
  out.mac = Mac(frame, 6);
  const std::span<const uint8_t> p = eth->payload;
  if (eth->ether_type == kEtherTypeIpv4 && p.size() >= kIpv4MinHeader && p[0] >> 4 == 4) {
    out.ip = Be32Address(p, 12);
  } else if (const std::optional<ArpPacket> arp = DecodeArpFrame(frame)) {
    out.ip = arp->sender_ip;
  }
  return out;
}

}  // namespace viplab
