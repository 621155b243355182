// Network impairments for the fault catalog: packet loss, traffic blocks (partitions) and delayed
// VRRP adverts, each applied inside one network namespace given by the caller (a node's or the
// switch's; never the host's own, which is refused, see host_guard.h).
//
// Every impairment lives in its own nftables table named `viplab_<kind>_<...>`, so it never
// touches rules that someone else owns, and removing it is deleting its table(s). Apply replaces
// an impairment of the same table atomically (one nft transaction: create-if-missing, delete,
// create); Remove is idempotent (the same create-then-delete trick, so a missing table is not an
// error). RemoveImpairments deletes every viplab_ table of a namespace, the catch-all cleanup.
//
// Where rules sit (Direction):
//  - kEgress, inet "output" hook: packets this namespace's own sockets send. keepalived sends
//    its VRRP adverts from a raw socket, and raw-socket output passes this hook.
//  - kIngress, inet "input" hook: packets delivered to this namespace's own sockets. The kernel
//    hands a packet to raw sockets (keepalived's VRRP receive socket) in ip_local_deliver_finish,
//    i.e. after this hook, so a drop here is a packet keepalived never sees. (Packet sockets such
//    as tcpdump still see it: they tap the device before netfilter.)
//  - kBridged, bridge "forward" hook: frames a bridge in this namespace forwards from one port to
//    another, i.e. the lab switch. Bridged frames do not pass the inet hooks (unless
//    br_netfilter is on), which is why the bridge family is used there.
// The inet chains accept loopback traffic first: an impairment cuts the network, not a node's
// keepalived from its own haproxy check on 127.0.0.1.
//
// Partitions and multicast (design of BlockTraffic). VRRP adverts go to the multicast group
// 224.0.0.18, so a rule on the sender's egress matching destination addresses cannot tell peers
// apart: every peer receives the same packet. What identifies a peer is the *source* address of
// what arrives (or, on the switch, the port a frame leaves by). So partitions are built from
// ingress rules keyed on source addresses:
//  (a) node X cut off from its peers but not from the client: on X, ingress from {peers}; on
//      every peer, ingress from {X}. (Or on the switch, kBridged from {X} out of the peers'
//      ports and from {peers} out of X's port.)
//  (b) X fully isolated: on X, ingress from any and egress to any, both with `arp` set.
//  (c) one way, A hears B but B does not hear A: on B, ingress from {A}, `arp` unset.
// Unicast VRRP and client traffic are covered by the same source-address rules.
// ARP is separate on purpose: dropping ARP from A at B (by sender address) also stops B from
// resolving A, which would break the direction that must keep working in (c). Full isolation
// wants it, so that an isolated node's gratuitous ARPs for the VIP do not reach the client.
//
// Loss without netem: nftables `numgen random mod 10000 < N drop` drops each packet
// independently with probability N/10000 (0.01 % steps). When the kernel has sch_netem
// (NetemAvailable()), egress loss of all traffic on a named link may use netem instead.
//
// Delay (VrrpDelay): without netem, nftables cannot delay, so VRRP packets leaving the
// namespace are queued to userspace (NFQUEUE, see nft_queue_rule.h and nfqueue.h) and accepted
// `delay` later by a thread driven by epoll and a CLOCK_MONOTONIC timerfd. A constant delay
// keeps the order. netem is not used for this even when present: it would delay every packet of
// the link, not only VRRP. Kernel caveat: when any nftables base chain of the namespace goes away
// (another impairment's Apply replacing its table, or a Remove), nfnetlink_queue drops every
// packet then waiting in a queue of that namespace, so adverts held at that moment are lost
// (VrrpDelay::packets_lost counts them; the delay goes on working). VrrpDelay's own removal avoids
// this by releasing its packets before deleting its chain.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netns/ipv4.h"

namespace viplab {

class NetworkNamespace;

enum class Direction { kEgress, kIngress, kBridged };
const char* ToString(Direction direction);  // "egress", "ingress", "bridged"

// IP protocol numbers used by the fault catalog.
inline constexpr uint8_t kIpProtoVrrp = 112;

// Drops a share of the packets passing one direction. Table `viplab_loss_<direction>`: one loss
// per direction and namespace; applying again replaces it. Invalid fields throw
// std::invalid_argument from NftScript/Apply.
struct PacketLoss {
  enum class Traffic { kAll, kVrrp };  // kVrrp: IP protocol 112 only (IPv4 and IPv6)
  enum class Backend {
    kAuto,      // netem when available and eligible (egress, all traffic, `interface` set)
    kNftables,  // always nftables
    kNetem,     // always netem; fails with SystemError when the kernel lacks it
  };

  double percent = 0;  // 0..100; resolution 0.01
  Direction direction = Direction::kEgress;
  Traffic traffic = Traffic::kAll;
  // Only packets through this link ("" = every link but loopback): egress the output link,
  // ingress the input link, bridged the bridge port the frame leaves by. Required for netem.
  std::string interface;
  Backend backend = Backend::kAuto;

  std::string TableName() const;  // viplab_loss_<direction>
  // The nftables transaction Apply runs on the nftables path (pure: no kernel access).
  std::string NftScript() const;
  // True when Apply would use netem (asks NetemAvailable() for kAuto).
  bool UsesNetem() const;

  void Apply(const NetworkNamespace& ns) const;
  // Deletes the table and, for egress with `interface` set, a netem root qdisc on that link.
  void Remove(const NetworkNamespace& ns) const;
};

// Drops IPv4 packets (and, with `arp`, ARP) matching source, destination, protocol and link in
// one direction. Table `viplab_block_<name>` (inet or bridge family, plus an arp-family table of
// the same name for kIngress/kEgress with `arp`). See the header comment for partitions.
struct BlockTraffic {
  std::string name;  // 1..32 of [a-z0-9_]; part of the table name
  Direction direction = Direction::kIngress;
  // nullopt: any address. A present but empty list matches nothing, so the block is a no-op
  // (a node without peers is not accidentally isolated from everyone).
  std::optional<std::vector<Ipv4Address>> from;
  std::optional<std::vector<Ipv4Address>> to;
  // IP protocol number (kIpProtoVrrp, 6 TCP, 17 UDP, 1 ICMP). nullopt: all IP traffic; with
  // neither addresses nor protocol every IP packet is dropped, IPv6 included.
  std::optional<uint8_t> protocol;
  // Only packets through these links (empty = all but loopback): ingress the input link, egress
  // the output link, bridged the bridge port the frame leaves by.
  std::vector<std::string> interfaces;
  // Also drop ARP packets whose sender (from) and target (to) addresses match. Not with
  // `protocol`. See the header comment for when this is wanted.
  bool arp = false;

  std::string TableName() const;  // viplab_block_<name>
  std::string NftScript() const;  // pure
  void Apply(const NetworkNamespace& ns) const;
  void Remove(const NetworkNamespace& ns) const;
};

// Drops every frame through one link, both ways, at the link itself: a paused VM's NIC. Table
// `netdev viplab_silence_<interface>` with two base chains bound to the device, both `policy
// drop`: `ingress` (frames arriving, before ARP or IP see them, so the kernel answers nothing)
// and `egress` (frames leaving, from dev_queue_xmit: IP, ARP and packet-socket sends such as
// keepalived's gratuitous ARPs, unless a socket sets PACKET_QDISC_BYPASS). Loopback and other
// links are untouched. The egress hook needs Linux 5.16 (CONFIG_NETFILTER_EGRESS); without it
// Apply fails with nft's error and nothing changes (one transaction).
struct LinkSilence {
  std::string interface;  // required; a link of the namespace the rules go into

  std::string TableName() const;  // viplab_silence_<interface, '-' and '.' as '_'>
  std::string NftScript() const;  // pure; throws std::invalid_argument for a bad interface name
  void Apply(const NetworkNamespace& ns) const;
  void Remove(const NetworkNamespace& ns) const;  // idempotent
};

// Holds every VRRP packet (IP protocol 112) the namespace sends for `delay`, then lets it go, in
// order. RAII: the constructor binds the queue (so a taken queue number fails before anything
// changes), installs table `viplab_vrrp_delay_<queue>` with a queue rule on the output hook and
// starts the thread; Remove() (or the destructor) deletes the table, releases the packets still
// held at once (in order, not dropped) and stops the thread.
class VrrpDelay {
 public:
  static constexpr uint16_t kDefaultQueue = 4112;
  static std::string TableName(uint16_t queue_num);  // viplab_vrrp_delay_<queue_num>

  // Throws SystemError naming the namespace (e.g. the queue is taken, no queue support) and
  // std::invalid_argument for a delay outside 1 ms .. 10 min.
  // `interface` non-empty: only adverts leaving by that link (std::invalid_argument for a bad
  // name).
  VrrpDelay(const NetworkNamespace& ns, std::chrono::milliseconds delay,
            uint16_t queue_num = kDefaultQueue, const std::string& interface = {});
  ~VrrpDelay();  // Remove(), never throws
  VrrpDelay(const VrrpDelay&) = delete;
  VrrpDelay& operator=(const VrrpDelay&) = delete;

  // Idempotent. Throws SystemError if the table cannot be deleted (the thread is stopped and
  // held packets are released regardless).
  void Remove();
  // Deletes the table of a VrrpDelay that no longer exists (e.g. after a crash). Idempotent.
  static void RemoveRules(const NetworkNamespace& ns, uint16_t queue_num = kDefaultQueue);

  std::chrono::milliseconds delay() const;
  bool native_queue_rule() const;     // false: xt NFQUEUE target through nft_compat
  uint64_t packets_released() const;  // let go after their full delay (packets_lost excluded)
  // Held packets the kernel dropped before their delay ended (see the caveat in the header
  // comment); their verdicts were refused.
  uint64_t packets_lost() const;
  // The error that stopped the delay thread early, or null. After one, VRRP packets stay queued
  // in the kernel unreleased until Remove(); callers that run long should check it.
  std::exception_ptr last_error() const;
  // Calls `handler` once with that error's message when it happens (on the delay thread), or at
  // once if it already happened. Thread-safe; the handler must not throw.
  void OnError(std::function<void(const std::string&)> handler);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "family name" of every viplab_ table in `ns`, e.g. "inet viplab_loss_egress".
std::vector<std::string> ListImpairmentTables(const NetworkNamespace& ns);
// Deletes every viplab_ table in `ns` (all families); returns how many. Does not stop VrrpDelay
// threads (their own Remove stays safe to call).
int RemoveImpairments(const NetworkNamespace& ns);

}  // namespace viplab
