// NfQueue: a listener on one netfilter queue (nfnetlink_queue) of one network namespace. Packets
// that a queue rule (nft_queue_rule.h) sends to this queue number wait in the kernel until the
// listener gives a verdict; NfQueue reads their ids and issues NF_ACCEPT verdicts.
//
// The netlink socket is created on a thread inside the namespace (queues are per namespace), in
// "meta" copy mode: only the packet id and metadata cross to userspace, never the payload. The
// socket is non-blocking; register fd() with an EventLoop and call Read() when it is readable.
// Closing the socket (destructor) makes the kernel drop packets still waiting for a verdict, so
// owners accept what they hold before destroying it.
//
// Not thread-safe: use one NfQueue from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace viplab {

class NetworkNamespace;

class NfQueue {
 public:
  // Binds queue `queue_num` in `ns`. Throws SystemError naming the namespace and queue, e.g.
  // EBUSY when another listener already holds that queue number there.
  static NfQueue Bind(const NetworkNamespace& ns, uint16_t queue_num);

  NfQueue(NfQueue&&) noexcept;
  NfQueue& operator=(NfQueue&&) noexcept;
  ~NfQueue();

  int fd() const;
  uint16_t queue_num() const;

  // Ids of the packets queued since the last call, in the order the kernel queued them. Never
  // blocks; returns an empty vector when nothing is waiting.
  std::vector<uint32_t> Read();
  // Lets the packet continue through the rest of the hook (NF_ACCEPT).
  void Accept(uint32_t packet_id);
  // Times the socket's receive buffer overflowed (ENOBUFS). The kernel drops the packets it
  // could not hand over; 0 in normal use.
  uint64_t overruns() const;
  // Verdicts the kernel refused because it had already released the packet (it flushes a
  // queue's packets when their link goes down). Expected when a lab cuts a link.
  uint64_t rejected_verdicts() const;

 private:
  struct Impl;
  explicit NfQueue(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace viplab
