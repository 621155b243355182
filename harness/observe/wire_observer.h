// WireObserver: what the lab's wire carried, as Timeline events. It captures one interface —
// the runner uses the switch bridge, which sees every node's and the client's frames — into a
// pcap file (PacketCapture, read on its own EventLoop thread) and decodes each frame:
//
//   - a VRRP advertisement becomes an `advert` event; node = the sender (its IPv4 source mapped to
//     the node name, else the address), detail "prio 150 v3 int 50cs vrid 51" (version 2: "int
//     1s"), plus " ttl 64" when the TTL is not 255 and " bad checksum" when it does not verify —
//     both make keepalived drop the advert;
//   - a gratuitous ARP for a VIP becomes a `garp` event; node = the node whose MAC sent it
//     (learned from the node's own IPv4 and ARP frames), else the MAC; detail "10.77.0.200 is-at
//     02:5e:10:00:00:0b (request)"; TimelineEvent::vip the VIP ("10.77.0.200").
//
// Events are stamped with the CLOCK_MONOTONIC time the capture read the frame, like the netlink
// and notify-fifo observations.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "harness/observe/timeline.h"
#include "netns/event_loop.h"
#include "netns/ipv4.h"
#include "netns/packet_capture.h"
#include "netns/vrrp_packet.h"

namespace viplab {

class NetworkNamespace;

// "prio 150 v3 int 50cs vrid 51" (see above).
std::string AdvertDetail(const VrrpAdvert& advert);

class WireObserver {
 public:
  // `nodes`: each node's address → its name; `vips`: whose gratuitous ARPs are reported.
  WireObserver(Timeline& timeline, std::map<Ipv4Address, std::string> nodes,
               const std::vector<Ipv4Address>& vips);
  WireObserver(Timeline& timeline, std::map<Ipv4Address, std::string> nodes, Ipv4Address vip);
  ~WireObserver();  // Stop(); never throws
  WireObserver(const WireObserver&) = delete;
  WireObserver& operator=(const WireObserver&) = delete;

  // Captures `interface` inside `ns` into `file` (snaplen 256) and starts decoding. Throws
  // SystemError when the capture cannot be opened.
  void Start(const NetworkNamespace& ns, const std::string& interface,
             const std::filesystem::path& file);
  // Decodes what is still buffered, closes the capture and its file. Idempotent.
  void Stop();

  // Decodes one Ethernet frame read at `at` into events. The capture calls it on its loop thread
  // (or in Stop()); public for tests. Calls must not overlap.
  void OnFrame(std::span<const uint8_t> frame, TimePoint at);

  CaptureStats stats() const;  // zero before Start()
  // Why the capture ended early (read error, or OnFrame threw on the loop thread); empty if it
  // did not. Each also fails the timeline as it happens (Timeline::Fail).
  std::string error() const;

 private:
  std::string NodeOf(Ipv4Address address) const;
  Timeline& timeline_;
  std::map<Ipv4Address, std::string> nodes_;
  std::set<Ipv4Address> vips_;
  std::map<MacAddress, std::string> macs_;  // learned: a node's MAC → its name
  EventLoop loop_;
  std::optional<PacketCapture> capture_;  // declared after loop_: destroyed (stopped) first
};

}  // namespace viplab
