// The oracle's model: spans with margins, takeover windows and rejoining as BACKUP.
#include "harness/oracle/node_model.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

namespace viplab::oracle_internal {

Bound ToBound(Span s) {
  Bound b;
  b.min = std::max(0.0, s.lo - kOracleMarginMinMs);
  b.max = s.hi + kOracleMarginMaxMs;
  return b;
}

// 609.375 -> "609.4", 3000 -> "3000": whole numbers stay whole.
std::string Num(double v) {
  return std::abs(v - std::round(v)) < 0.05 ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v);
}
std::string SpanText(Span s) {
  return Num(s.lo) == Num(s.hi) ? fmt::format("{} ms", Num(s.lo))
                                : fmt::format("{}..{} ms", Num(s.lo), Num(s.hi));
}

std::string Join(const std::vector<std::string>& owners) {
  return owners.empty() ? std::string("none") : fmt::format("{}", fmt::join(owners, "+"));
}

// The backup whose timer expires first; on a tie the higher priority, then the higher address.
std::optional<Taker> First(const Model& m, const std::vector<Taker>& takers) {
  if (takers.empty()) return std::nullopt;
  return *std::min_element(takers.begin(), takers.end(), [&](const Taker& a, const Taker& b) {
    if (a.when.hi != b.when.hi) return a.when.hi < b.when.hi;
    if (m.healthy(a.node) != m.healthy(b.node)) return m.healthy(a.node) > m.healthy(b.node);
    return m.index(a.node) > m.index(b.node);
  });
}

// The silent-master window: backup `b`'s down timer, last restarted by an advert of master `o` at
// most one advert before `since`, runs out (MDI - advert, MDI] after it (RFC 3768/5798 6.4.2;
// keepalived 2.2.7 vrrp.c, vrrp_backup: the timer is re-armed only by accepted adverts).
Span DownTimerExpiry(const Model& m, const std::string& b, const std::string& o, Span since) {
  return {since.lo + m.mdi(b, o) - m.advert_ms(b, o), since.hi + m.mdi(b, o)};
}

// When preempting backup `b` takes over from `owner` whose priority fell below b's at `change`.
// Not fresh: b's down timer was restarted by the last higher advert it accepted, within one advert
// before the change, so (change - advert + MDI, change + MDI]. Fresh (b just started or left
// FAULT): the timer runs from the start and every advert is discarded, so change + MDI.
// preempt_delay d: b keeps accepting lower adverts until d after the first one (which comes within
// one advert of the change; keepalived 2.2.7 vrrp.c, vrrp_backup: preempt_time), so the last one it
// accepts is k = ceil(d / advert) - 1 adverts after the first, and its timer runs out MDI later:
// [change + k x advert + MDI, change + advert + k x advert + MDI].
Span PreemptWindow(const Model& m, const std::string& b, const std::string& owner, Span change,
                   bool fresh) {
  const double advert = m.advert_ms(b, owner);
  const double mdi = m.mdi(b, owner);
  const double delay = m.delay_ms(b);
  if (delay > 0) {
    const double held = (std::ceil(delay / advert - 1e-9) - 1) * advert;
    return {change.lo + held + mdi, change.hi + advert + held + mdi};
  }
  if (fresh) return change + m.mdi(b, b);
  return DownTimerExpiry(m, b, owner, change);
}

std::string DelayText(const Model& m, const std::string& b) {
  const double delay = m.delay_ms(b) / 1000;
  return delay > 0 ? fmt::format(" (held off by preempt_delay {} s)", Num(delay)) : "";
}

Rejoin RejoinAsBackup(const Model& m, const std::string& t, const std::optional<std::string>& owner,
                      Span start, bool fresh, bool started) {
  Rejoin r;
  const NodeSpec& n = m.node(t);
  const int ht = m.healthy(t);
  // Only a process start: vrrp_init_state (vrrp_scheduler.c) makes `state MASTER` + 255 MASTER
  // at once; leaving FAULT, try_up_instance sets wantstate BACKUP and a full down timer.
  if (fresh && started && n.state == "MASTER" && n.priority == 255) {
    r.takes_over = true;
    r.when = start;
    r.reason = fmt::format(
        "{} is `state MASTER` with priority 255 (address owner): it becomes "
        "MASTER at once",
        t);
    return r;
  }
  if (!owner) {
    r.takes_over = true;
    r.when = start + m.mdi(t, t);
    r.reason = fmt::format(
        "no node owns the VIP: {}'s down timer ({}) runs out and it becomes "
        "MASTER",
        t, m.MdiText(t, t));
    return r;
  }
  const int ho = m.healthy(*owner);
  if (ht < ho) {
    r.reason = fmt::format("{} ({}) is below {}'s {}: it stays BACKUP and {} keeps the VIP", t, ht,
                           *owner, ho, *owner);
    return r;
  }
  if (ht == ho) {
    r.reason = fmt::format(
        "{} and {} both have priority {}: a backup accepts adverts of equal "
        "priority, so {} stays BACKUP and {} keeps the VIP",
        t, *owner, ht, t, *owner);
    return r;
  }
  if (m.nopreempt(t)) {
    r.reason = fmt::format(
        "{} has nopreempt: it stays BACKUP although its {} is above {}'s {}; {} "
        "keeps the VIP",
        t, ht, *owner, ho, *owner);
    return r;
  }
  r.takes_over = true;
  r.when = PreemptWindow(m, t, *owner, start, fresh);
  if (fresh) {
    r.reason = fmt::format(
        "{} starts as BACKUP with a fresh down timer ({}), discards {}'s "
        "lower-priority adverts ({} < {}) and becomes MASTER when it runs "
        "out{}",
        t, m.MdiText(t, t), *owner, ho, ht, DelayText(m, t));
  } else {
    r.reason = fmt::format(
        "{} ({}) now discards {}'s lower-priority adverts ({}) and becomes "
        "MASTER when its down timer runs out{} ({}, restarted by the last "
        "advert it accepted)",
        t, ht, *owner, ho, DelayText(m, t), m.MdiText(t, *owner));
  }
  return r;
}

}  // namespace viplab::oracle_internal
