// Fuzz target: the wire decoders (netns/vrrp_packet.h) on one captured frame: VRRP (from the
// Ethernet frame and from the bytes as an IPv4 packet), ARP, gratuitous ARP, frame source.
// Besides "never read outside the span" (ASan), each decoded advert must agree with the bytes it
// came from, which the decoder's contract promises.
#include <cstddef>
#include <cstdint>
#include <span>

#include "netns/vrrp_packet.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// `ip` starts at the IPv4 header the advert was decoded from.
void CheckAdvert(const viplab::VrrpAdvert& a, std::span<const uint8_t> ip) {
  Check(a.version == 2 || a.version == 3);
  Check(a.addresses.size() == static_cast<size_t>(a.address_count));
  Check(a.ttl == ip[8]);
  const size_t header = size_t{ip[0] & 0x0fu} * 4;
  Check(a.vrid == ip[header + 1] && a.priority == ip[header + 2]);
  Check(a.address_count == ip[header + 3]);
  Check(header + 8 + 4 * a.addresses.size() <= ip.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace viplab;
  const std::span<const uint8_t> bytes(data, size);
  if (const auto advert = DecodeVrrpIpv4(bytes)) CheckAdvert(*advert, bytes);
  if (const auto advert = DecodeVrrpFrame(bytes)) {
    const bool tagged = size >= 14 && bytes[12] == 0x81 && bytes[13] == 0x00;
    CheckAdvert(*advert, bytes.subspan(tagged ? 18 : 14));
    (void)advert->advert_interval_ms();
  }
  if (const auto arp = DecodeArpFrame(bytes)) {
    Check(arp->operation == 1 || arp->operation == 2);
    Check(IsGratuitousArp(bytes, arp->sender_ip) == arp->gratuitous());
    (void)ToString(arp->sender_mac);
  }
  const auto source = DecodeFrameSource(bytes);
  Check(source.has_value() == (size >= 14 && !(bytes[12] == 0x81 && bytes[13] == 0 && size < 18)));
  (void)InternetChecksum(bytes);
  return 0;
}
