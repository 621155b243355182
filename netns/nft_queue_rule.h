// A rule that hands matching packets to a userspace NFQUEUE listener (see nfqueue.h).
//
// Two kernel paths lead to NFQUEUE from nftables: the native `queue` expression (nft_queue,
// CONFIG_NFT_QUEUE) and the iptables NFQUEUE target run through nft_compat
// (CONFIG_NETFILTER_XT_TARGET_NFQUEUE + CONFIG_NFT_COMPAT), which is how iptables-nft queues.
// Some kernels have only the second (the lab machine's is built without NFT_QUEUE), and the nft
// language cannot express an xt target, so AddQueueRule tries the native rule through
// libnftables first and otherwise builds the compat rule with libnftnl and sends it over a
// NETLINK_NETFILTER socket (libmnl) opened inside the namespace.
//
// The rule uses "bypass": while no listener is bound to the queue the kernel accepts the packets
// instead of dropping them, so a crashed delayer degrades to "no delay", never to an outage.
#pragma once

#include <cstdint>
#include <string>

namespace viplab {

class NetworkNamespace;
class Nftables;

struct QueueRule {
  std::string family;      // "inet" or "ip": the family of the existing table
  std::string table;       // existing table
  std::string chain;       // existing base chain; the rule is appended to it
  uint8_t l4proto = 0;     // IP protocol to queue (112 = VRRP)
  uint16_t queue_num = 0;  // NFQUEUE number (per namespace)
};

// How the rule was installed.
enum class QueueRulePath { kNative, kCompat };

// Appends the rule. Throws SystemError naming the namespace with both failures when neither
// path works.
QueueRulePath AddQueueRule(const NetworkNamespace& ns, Nftables& nft, const QueueRule& rule);

// The native rule text (pure; for tests and error messages).
std::string NativeQueueRuleScript(const QueueRule& rule);

}  // namespace viplab
