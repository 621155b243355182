// ArpProbe: a raw ARP socket (AF_PACKET) on one link of a test namespace, for lab tests that must
// show who answers ARP and what leaves a link: ask "who has X", collect the replies (sender MAC
// and address), send a gratuitous ARP, and listen for ARP frames from a given MAC. Waiting is
// poll(2) with an idle window ("nothing within `window`"), never sleep.
#pragma once

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "netns/clock.h"
#include "netns/error.h"
#include "netns/ipv4.h"
#include "netns/network_namespace.h"
#include "netns/unique_fd.h"

namespace viplab::testing {

using Mac = std::array<uint8_t, 6>;

struct ArpFrame {
  uint16_t op = 0;  // 1 request, 2 reply
  Mac sender_mac{};
  Ipv4Address sender;
  Ipv4Address target;
};

class ArpProbe {
 public:
  ArpProbe(const NetworkNamespace& ns, const std::string& ifname) {
    fd_ = ns.OpenSocket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
    ifreq req{};
    std::strncpy(req.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
    CheckErrno(::ioctl(fd_.get(), SIOCGIFINDEX, &req), "SIOCGIFINDEX " + ifname);
    ifindex_ = req.ifr_ifindex;
    CheckErrno(::ioctl(fd_.get(), SIOCGIFHWADDR, &req), "SIOCGIFHWADDR " + ifname);
    std::memcpy(mac_.data(), req.ifr_hwaddr.sa_data, 6);
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ARP);
    sll.sll_ifindex = ifindex_;
    CheckErrno(::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&sll), sizeof(sll)),
               "bind ARP socket to " + ifname);
  }

  const Mac& mac() const { return mac_; }

  // Broadcasts an ARP request (or, with sender == target, a gratuitous ARP). Returns false when
  // the kernel refused the frame (e.g. dropped on egress by netfilter).
  bool Send(Ipv4Address sender, Ipv4Address target) {
    std::array<uint8_t, 42> f{};
    std::memset(f.data(), 0xff, 6);
    std::memcpy(f.data() + 6, mac_.data(), 6);
    f[12] = 0x08;
    f[13] = 0x06;
    const uint8_t arp[8] = {0, 1, 8, 0, 6, 4, 0, 1};  // Ethernet, IPv4, request
    std::memcpy(f.data() + 14, arp, 8);
    std::memcpy(f.data() + 22, mac_.data(), 6);
    const in_addr s = sender.ToInAddr();
    const in_addr t = target.ToInAddr();
    std::memcpy(f.data() + 28, &s, 4);
    std::memcpy(f.data() + 38, &t, 4);
    return ::send(fd_.get(), f.data(), f.size(), 0) == static_cast<ssize_t>(f.size());
  }

  // Every ARP frame received (other than our own) until nothing came for `window`.
  std::vector<ArpFrame> Receive(std::chrono::milliseconds window) {
    std::vector<ArpFrame> frames;
    for (;;) {
      pollfd pfd{fd_.get(), POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(window.count())) <= 0) return frames;
      std::array<uint8_t, 128> buf{};
      const ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 42) continue;
      ArpFrame frame;
      frame.op = static_cast<uint16_t>(buf[20] << 8 | buf[21]);
      std::memcpy(frame.sender_mac.data(), buf.data() + 22, 6);
      in_addr s{}, t{};
      std::memcpy(&s, buf.data() + 28, 4);
      std::memcpy(&t, buf.data() + 38, 4);
      frame.sender = Ipv4Address(ntohl(s.s_addr));
      frame.target = Ipv4Address(ntohl(t.s_addr));
      if (frame.sender_mac != mac_) frames.push_back(frame);
    }
  }

  // Asks who has `target` and returns the MACs of the replies for it within `window`.
  std::vector<Mac> WhoHas(Ipv4Address sender, Ipv4Address target,
                          std::chrono::milliseconds window = std::chrono::milliseconds(400)) {
    Receive(std::chrono::milliseconds(0));  // drop what is queued
    std::vector<Mac> macs;
    if (!Send(sender, target)) return macs;
    for (const ArpFrame& f : Receive(window)) {
      if (f.op == 2 && f.sender == target) macs.push_back(f.sender_mac);
    }
    return macs;
  }

 private:
  UniqueFd fd_;
  int ifindex_ = 0;
  Mac mac_{};
};

}  // namespace viplab::testing
