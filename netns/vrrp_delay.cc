// VrrpDelay of impairment.h: an NFQUEUE listener that accepts each queued VRRP packet a fixed
// delay after it was queued. Event-driven: an EventLoop thread waits on the queue socket and a
// CLOCK_MONOTONIC timerfd armed for the oldest held packet.
#include <fmt/format.h>
#include <sys/timerfd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <optional>
#include <stdexcept>

#include "netns/clock.h"
#include "netns/error.h"
#include "netns/event_loop.h"
#include "netns/impairment.h"
#include "netns/network_namespace.h"
#include "netns/nfqueue.h"
#include "netns/nft_queue_rule.h"
#include "netns/nftables.h"

namespace viplab {
namespace {

constexpr const char* kChain = "egress";

std::string DeleteTableScript(uint16_t queue_num) {
  return fmt::format("table inet {0}\ndelete table inet {0}\n", VrrpDelay::TableName(queue_num));
}

// The table and its empty output chain; the queue rule is added separately (it may need
// nft_compat, which the nft language cannot express).
// With `interface`, adverts leaving by any other link pass first (the queue rule comes after).
std::string CreateTableScript(uint16_t queue_num, const std::string& interface) {
  std::string only;
  if (!interface.empty()) {
    const bool valid =
        interface.size() <= 15 && interface.find_first_not_of(
                                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789_.-") == std::string::npos;
    if (!valid) throw std::invalid_argument(fmt::format("bad interface name '{}'", interface));
    only = fmt::format("    oifname != \"{}\" accept\n", interface);
  }
  return DeleteTableScript(queue_num) +
         fmt::format(
             "table inet {} {{\n  chain {} {{\n    type filter hook output priority 0; "
             "policy accept;\n{}  }}\n}}\n",
             VrrpDelay::TableName(queue_num), kChain, only);
}

}  // namespace

struct VrrpDelay::Impl {
  struct Held {
    uint32_t id;
    TimePoint due;
  };

  std::string ns_name;
  uint16_t queue_num = 0;
  std::chrono::milliseconds delay{};
  std::optional<Nftables> nft;
  std::optional<NfQueue> queue;
  UniqueFd timer;
  EventLoop loop;
  std::deque<Held> held;  // loop thread only (and the remover, once the loop has stopped)
  std::atomic<uint64_t> released{0};
  std::atomic<uint64_t> lost{0};  // copy of queue->rejected_verdicts() for other threads
  bool native_rule = false;
  bool removed = false;

  void ArmTimer() {
    itimerspec spec{};  // all zero disarms
    if (!held.empty()) {
      // steady_clock is CLOCK_MONOTONIC, so its epoch is the timerfd's.
      const auto ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(held.front().due.time_since_epoch())
              .count();
      spec.it_value.tv_sec = ns / 1'000'000'000;
      spec.it_value.tv_nsec = ns % 1'000'000'000;
      if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
    }
    CheckErrno(::timerfd_settime(timer.get(), TFD_TIMER_ABSTIME, &spec, nullptr),
               fmt::format("could not arm the VRRP delay timer in namespace '{}'", ns_name));
  }

  void OnQueueReadable() {
    const bool was_empty = held.empty();
    const TimePoint now = Now();
    for (uint32_t id : queue->Read()) held.push_back({id, now + delay});
    lost.store(queue->rejected_verdicts());
    if (was_empty && !held.empty()) ArmTimer();
  }

  void OnTimer() {
    uint64_t expirations = 0;
    if (::read(timer.get(), &expirations, sizeof(expirations)) < 0 && errno != EAGAIN) {
      throw SystemError::FromErrno(
          errno, fmt::format("could not read the VRRP delay timer in namespace '{}'", ns_name));
    }
    const TimePoint now = Now();
    bool any = false;
    while (!held.empty() && held.front().due <= now) {
      // Counted first: the packet may reach its receiver before Accept returns.
      released.fetch_add(1);
      queue->Accept(held.front().id);
      held.pop_front();
      any = true;
    }
    if (any) ArmTimer();  // for the next held packet, or disarm
  }

  // Stops the thread and lets every held (and still unread) packet go now, in order.
  void ReleaseAll() {
    loop.Stop();
    if (!queue) return;
    try {
      for (uint32_t id : queue->Read()) held.push_back({id, Now()});
      while (!held.empty()) {
        queue->Accept(held.front().id);
        held.pop_front();
      }
    } catch (const SystemError&) {
      // The socket is closed next; the kernel then drops what it still holds.
    }
    queue.reset();
  }
};

VrrpDelay::VrrpDelay(const NetworkNamespace& ns, std::chrono::milliseconds delay,
                     uint16_t queue_num, const std::string& interface)
    : impl_(std::make_unique<Impl>()) {
  if (delay < std::chrono::milliseconds(1) || delay > std::chrono::minutes(10)) {
    throw std::invalid_argument(
        fmt::format("VRRP delay must be 1 ms .. 10 min, not {} ms", delay.count()));
  }
  impl_->ns_name = ns.name();
  impl_->queue_num = queue_num;
  impl_->delay = delay;
  // Listener first: a queue number already taken fails here, before any rule changes; and no
  // packet is ever queued without someone to take it.
  impl_->queue.emplace(NfQueue::Bind(ns, queue_num));  // refuses the host's namespace
  impl_->nft.emplace(Nftables::OpenIn(ns));
  impl_->nft->Run(CreateTableScript(queue_num, interface),
                  fmt::format("add the nftables table for a {} ms VRRP delay", delay.count()));
  try {
    impl_->timer.Reset(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!impl_->timer) {
      throw SystemError::FromErrno(
          errno,
          fmt::format("could not create the VRRP delay timer for namespace '{}'", ns.name()));
    }
    Impl* impl = impl_.get();
    impl_->loop.Add(impl_->queue->fd(), [impl](uint32_t) { impl->OnQueueReadable(); });
    impl_->loop.Add(impl_->timer.get(), [impl](uint32_t) { impl->OnTimer(); });
    impl_->loop.Start();

    QueueRule rule;
    rule.family = "inet";
    rule.table = TableName(queue_num);
    rule.chain = kChain;
    rule.l4proto = kIpProtoVrrp;
    rule.queue_num = queue_num;
    impl_->native_rule = AddQueueRule(ns, *impl_->nft, rule) == QueueRulePath::kNative;
  } catch (...) {
    try {
      Remove();
    } catch (...) {
      // Report the original failure; `viplab clean` removes the namespace anyway.
    }
    throw;
  }
}

VrrpDelay::~VrrpDelay() {
  try {
    Remove();
  } catch (...) {
    // Never throw from a destructor; the table dies with the namespace.
  }
}

void VrrpDelay::Remove() {
  if (impl_->removed) return;
  impl_->removed = true;
  // Order matters. Deleting a base chain unregisters its hook, and the kernel then drops every
  // packet waiting in any queue of the namespace (nfnetlink_queue flushes on hook removal). So:
  // empty the chain (the hook stays, nothing new is queued), accept what is held, and only then
  // delete the table.
  try {
    impl_->nft->Run(fmt::format("flush chain inet {} {}\n", TableName(impl_->queue_num), kChain),
                    "stop queueing VRRP packets");
  } catch (const SystemError&) {
    // The table is already gone (e.g. RemoveImpairments); so are the packets it had queued.
  }
  impl_->ReleaseAll();
  try {
    impl_->nft->Run(DeleteTableScript(impl_->queue_num),
                    "remove the nftables table of the VRRP delay");
  } catch (...) {
    impl_->nft.reset();
    throw;
  }
  impl_->nft.reset();
}

std::string VrrpDelay::TableName(uint16_t queue_num) {
  return fmt::format("viplab_vrrp_delay_{}", queue_num);
}

void VrrpDelay::RemoveRules(const NetworkNamespace& ns, uint16_t queue_num) {
  Nftables::OpenIn(ns).Run(DeleteTableScript(queue_num),
                           "remove the nftables table of the VRRP delay");
}

std::chrono::milliseconds VrrpDelay::delay() const { return impl_->delay; }
bool VrrpDelay::native_queue_rule() const { return impl_->native_rule; }
uint64_t VrrpDelay::packets_released() const {
  // Verdicts issued minus those the kernel refused (it had dropped the packet already).
  const uint64_t issued = impl_->released.load();
  const uint64_t lost = impl_->lost.load();
  return issued > lost ? issued - lost : 0;
}
uint64_t VrrpDelay::packets_lost() const { return impl_->lost.load(); }
std::exception_ptr VrrpDelay::last_error() const { return impl_->loop.last_error(); }

void VrrpDelay::OnError(std::function<void(const std::string&)> handler) {
  impl_->loop.OnError([handler = std::move(handler), ns = impl_->ns_name](std::exception_ptr e) {
    if (handler) {
      handler(fmt::format("the VRRP delay in namespace '{}' stopped: {}", ns, ExceptionMessage(e)));
    }
  });
}

}  // namespace viplab
