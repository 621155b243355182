// The oracle's fault phase: how the other nodes react to what the fault did on the master or on a
// backup.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "harness/oracle/node_model.h"

namespace viplab::oracle_internal {
namespace {

// Below this probability of a 3-advert loss run in the observation window, partial loss is
// predicted not to move the VIP.
constexpr double kLossRunThreshold = 0.05;
// A backup's down timer this close to the gap a delayed advert opens is a coin toss.
constexpr double kDelayRaceMs = 25;

// Adds the takeover reasons for the winner `n` of `takers`.
void ExplainRivals(const Model& m, const std::vector<Taker>& takers, const std::string& n,
                   std::vector<std::string>& reasons) {
  std::vector<std::string> rivals;
  for (const Taker& t : takers) {
    if (t.node != n) rivals.push_back(fmt::format("{} ({})", t.node, m.healthy(t.node)));
  }
  if (!rivals.empty()) {
    reasons.push_back(
        fmt::format("{} ({}) wins over {}: its timer expires first (the highest "
                    "priority has the shortest Skew_Time)",
                    n, m.healthy(n), fmt::join(rivals, ", ")));
  }
}

// The VIP owner's adverts reach the backups only partly (egress loss on the master), or a
// backup hears the master only partly (ingress loss on it). `taker` misses adverts at random.
void PlayPartialLoss(const Model& m, const Effect& e, const std::string& master,
                     const std::string& taker, Prediction& p) {
  const double advert = m.advert_ms(taker, master);
  const double window = ObservationWindowMs(m.scenario());
  const int trials = std::max(1, static_cast<int>(window / advert));
  const double chance = ProbabilityOfLossRun(e.partial_loss, 3, trials);
  p.reasons.push_back(fmt::format(
      "{} takes over only when 3 adverts in a row are lost (its down timer is 3 adverts + "
      "skew); over the {} adverts of the {} s observation window that happens with probability "
      "{:.2g}%",
      taker, trials, Num(window / 1000), chance * 100));
  if (chance < kLossRunThreshold) {
    p.owners_after = {master};
    p.confidence = std::min(p.confidence, chance < 0.001 ? Confidence::kHigh : Confidence::kMedium);
    p.reasons.push_back(fmt::format("so the VIP most likely stays on {}", master));
    return;
  }
  p.confidence = Confidence::kLow;
  p.new_owner = taker;
  p.failover_ms = ToBound({DownTimerExpiry(m, taker, master).lo, window - kOracleMarginMaxMs});
  p.split_brain = true;
  if (m.Beats(master, m.healthy(master), taker, m.healthy(taker))) {
    p.owners_after = {master};
    p.reasons.push_back(fmt::format(
        "then {} becomes MASTER while {} still is; {}'s next advert that gets through (priority "
        "{} > {}) sends {} back to BACKUP: the VIP flaps, with both owning it in between",
        taker, master, master, m.healthy(master), m.healthy(taker), taker));
  } else {
    p.owners_after = {taker};
    p.reasons.push_back(
        fmt::format("then {} becomes MASTER, and {} yields to its higher "
                    "priority",
                    taker, master));
  }
}

// Adverts leaving the master are delayed: the first delayed one opens a gap of advert + delay.
void PlayDelay(const Model& m, const Effect& e, Prediction& p) {
  const std::string& o = p.owner_before;
  std::vector<Taker> takers;
  double closest = 1e18;
  std::string closest_node;
  for (const std::string& b : m.Others(o)) {
    const double advert = m.advert_ms(b, o);
    const double gap = advert + e.delay_ms;
    const double mdi = m.mdi(b, o);
    if (std::abs(gap - mdi) < closest) {
      closest = std::abs(gap - mdi);
      closest_node = b;
    }
    if (gap > mdi) takers.push_back({b, DownTimerExpiry(m, b, o)});
  }
  if (closest_node.empty()) {
    p.owners_after = {o};
    p.reasons.push_back("no other node: nothing can take over");
    return;
  }
  const double gap = m.advert_ms(closest_node, o) + e.delay_ms;
  p.reasons.push_back(
      fmt::format("the first delayed advert arrives {} ms after the last "
                  "undelayed one (one advert + the delay); later ones keep the "
                  "normal pace",
                  Num(gap)));
  const Confidence c = closest < kDelayRaceMs         ? Confidence::kLow
                       : closest < kOracleMarginMaxMs ? Confidence::kMedium
                                                      : Confidence::kHigh;
  p.confidence = std::min(p.confidence, c);
  const std::optional<Taker> first = First(m, takers);
  if (!first) {
    p.owners_after = {o};
    p.reasons.push_back(
        fmt::format("that is shorter than every backup's down timer (the "
                    "shortest: {}'s {}): no takeover, the VIP stays on {}",
                    closest_node, m.MdiText(closest_node, o), o));
    return;
  }
  const std::string& n = first->node;
  p.new_owner = n;
  p.failover_ms = ToBound(first->when);
  p.confidence = std::min(p.confidence, Confidence::kMedium);
  p.reasons.push_back(
      fmt::format("{}'s down timer ({}) runs out first: {} becomes MASTER "
                  "(MDI - advert, MDI] after the fault",
                  n, m.MdiText(n, o), n));
  if (m.Beats(n, m.healthy(n), o, m.healthy(o))) {
    p.owners_after = {n};
    p.release_ms = p.failover_ms;
    p.reasons.push_back(fmt::format("{} hears {}'s higher-priority advert and goes BACKUP", o, n));
    return;
  }
  const double advert = m.advert_ms(o, o);
  p.owners_after = {o};
  p.split_brain = true;
  p.return_ms = ToBound({e.delay_ms, advert + e.delay_ms});
  p.reasons.push_back(fmt::format(
      "{} never stopped being MASTER: its delayed advert ({} > {}) reaches {} {} after the fault "
      "and {} goes BACKUP again; both own the VIP in between",
      o, m.healthy(o), m.healthy(n), n, SpanText({e.delay_ms, advert + e.delay_ms}), n));
}

// Fault lowered the master's priority to `prio_o`: the backups that now preempt it.
void PriorityTakers(const Model& m, const Effect& e, int prio_o, Prediction& p,
                    std::vector<Taker>& takers) {
  const std::string& o = p.owner_before;
  for (const std::string& b : m.Others(o)) {
    const int hb = m.healthy(b);
    if (hb < prio_o) {
      p.reasons.push_back(
          fmt::format("{}'s {} is still below {}'s {}: it keeps accepting {}'s "
                      "adverts",
                      b, hb, o, prio_o, o));
    } else if (hb == prio_o) {
      p.reasons.push_back(
          fmt::format("{}'s {} equals {}'s {}: a backup accepts adverts of "
                      "equal priority, so no takeover",
                      b, hb, o, prio_o));
    } else if (m.nopreempt(b)) {
      p.reasons.push_back(
          fmt::format("{} would have {} > {}'s {}, but {} has nopreempt: no "
                      "takeover (a nopreempt backup never displaces a live "
                      "master)",
                      b, hb, o, prio_o, b));
    } else {
      takers.push_back({b, PreemptWindow(m, b, o, e.at, false)});
    }
  }
}

// Why `n` takes over from the master: priority-0 advert, silence, or preemption.
std::string TakeoverReason(const Model& m, const Prediction& p, const std::string& n, int prio_o,
                           bool graceful, bool silent) {
  const std::string& o = p.owner_before;
  const int hn = m.healthy(n);
  if (graceful) {
    return fmt::format("{} takes over {} after {}'s priority-0 advert{}", n, m.SkewText(n, o), o,
                       m.nopreempt(n) ? " (nopreempt does not matter: the "
                                        "master gave up)"
                                      : "");
  }
  if (silent) {
    return fmt::format(
        "{}'s down timer is no longer restarted by {}'s adverts: {} "
        "becomes MASTER (MDI - advert, MDI] after the last advert "
        "it heard, {}",
        n, o, n, m.MdiText(n, o));
  }
  return fmt::format(
      "{} ({} > {}) discards {}'s lower-priority adverts and becomes MASTER when its down "
      "timer runs out{}: {} after the last higher advert it accepted, i.e. (MDI - advert, "
      "MDI] after the drop",
      n, hn, prio_o, o, DelayText(m, n), m.MdiText(n, o));
}

// The old master, still holding the VIP, once `n` is MASTER too: it yields or split brain.
void OldMasterReacts(const Model& m, const Effect& e, const std::string& n, int prio_o,
                     Prediction& p, std::set<std::string>& owners) {
  const std::string& o = p.owner_before;
  const int hn = m.healthy(n);
  if (e.vrrp == Vrrp::kSilent) {
    p.split_brain = true;
    p.reasons.push_back(
        fmt::format("{} keeps the VIP ({}): {} and {} both own it - split "
                    "brain until the fault is cleared",
                    o, e.dead ? "nothing is left running to remove it" : "it is frozen", o, n));
  } else if (e.hears_peers && m.Beats(n, hn, o, prio_o)) {
    owners.erase(o);
    p.release_ms = p.failover_ms;
    p.reasons.push_back(
        fmt::format("{} hears {}'s higher-priority advert ({} > {}) and goes "
                    "BACKUP, removing the VIP",
                    o, n, hn, prio_o));
  } else {
    p.split_brain = true;
    p.reasons.push_back(
        e.hears_peers
            ? fmt::format("{} hears {}'s adverts, but {} is not above its own {}: {} stays "
                          "MASTER and keeps the VIP - split brain",
                          o, n, hn, prio_o, o)
            : fmt::format("{} no longer hears {}: it stays MASTER and keeps the VIP - split "
                          "brain until the partition heals",
                          o, n));
  }
}

}  // namespace

// The fault hits the VIP owner.
void PlayOnMaster(const Model& m, const Effect& e, Prediction& p) {
  const std::string& o = p.owner_before;
  if (e.delay_ms > 0) return PlayDelay(m, e, p);
  const std::vector<std::string> backups = m.Others(o);
  if (e.partial_loss > 0) {
    // Egress loss on the master: the backup with the shortest down timer is the one to watch.
    std::vector<Taker> takers;
    for (const std::string& b : backups) takers.push_back({b, {0, m.mdi(b, o)}});
    const std::optional<Taker> first = First(m, takers);
    if (!first) {
      p.owners_after = {o};
      return;
    }
    return PlayPartialLoss(m, e, o, first->node, p);
  }
  const int prio_o = e.vrrp == Vrrp::kPriority ? e.priority : m.healthy(o);
  // A powered-off or paused node owns nothing: its VIP counts as released at the fault.
  const bool released = e.vrrp == Vrrp::kRelease || e.vrrp == Vrrp::kRestart || e.gone;
  const bool graceful = released && e.zero_reaches && e.peers_hear;
  const bool silent = e.vrrp == Vrrp::kSilent || (released && !graceful) || !e.peers_hear;

  std::vector<Taker> takers;
  if (graceful) {
    for (const std::string& b : backups) takers.push_back({b, e.at + m.skew(b, o)});
  } else if (silent) {
    for (const std::string& b : backups) {
      takers.push_back({b, DownTimerExpiry(m, b, o, e.at)});
    }
  } else if (e.vrrp == Vrrp::kPriority) {
    PriorityTakers(m, e, prio_o, p, takers);
  } else {
    p.owners_after = {o};
    p.reasons.push_back(
        fmt::format("{} keeps advertising priority {}: the VIP stays on {}", o, prio_o, o));
    return;
  }

  std::set<std::string> owners;
  if (released) {
    p.release_ms = ToBound(e.at);
  } else {
    owners.insert(o);
  }
  const std::optional<Taker> first = First(m, takers);
  if (!first) {
    if (released) {
      p.reasons.push_back("no other node can take over: nobody owns the VIP");
    } else {
      p.reasons.push_back(fmt::format("nobody takes over: the VIP stays on {}", o));
    }
  } else {
    const std::string& n = first->node;
    p.new_owner = n;
    p.failover_ms = ToBound(first->when);
    owners.insert(n);
    p.reasons.push_back(TakeoverReason(m, p, n, prio_o, graceful, silent));
    ExplainRivals(m, takers, n, p.reasons);
    if (!released) OldMasterReacts(m, e, n, prio_o, p, owners);
  }
  if (e.vrrp == Vrrp::kRestart) {
    const Rejoin r = RejoinAsBackup(m, o, p.new_owner, e.restart, true, true);
    p.reasons.push_back(r.reason);
    if (r.takes_over) {
      owners = {o};
      p.return_ms = ToBound(r.when);
      if (p.new_owner) {
        p.reasons.push_back(
            fmt::format("{} hears {}'s higher-priority advert and goes BACKUP: "
                        "the VIP is back on {}",
                        *p.new_owner, o, o));
      }
    }
  }
  p.owners_after.assign(owners.begin(), owners.end());
}

// The fault hits a backup.
void PlayOnBackup(const Model& m, const Effect& e, Prediction& p) {
  const std::string& o = p.owner_before;
  const std::string& t = p.target;
  if (e.vrrp == Vrrp::kRestart) {
    const Rejoin r = RejoinAsBackup(m, t, o, e.restart, true, true);
    p.reasons.push_back(r.reason);
    if (r.takes_over) {
      p.new_owner = t;
      p.failover_ms = ToBound(r.when);
      p.release_ms = p.failover_ms;
      p.owners_after = {t};
    } else {
      p.owners_after = {o};
    }
    return;
  }
  if (e.partial_loss > 0 && !e.loss_egress) return PlayPartialLoss(m, e, o, t, p);
  if (e.vrrp == Vrrp::kNone && !e.hears_peers) {
    const Span when = DownTimerExpiry(m, t, o);
    p.new_owner = t;
    p.failover_ms = ToBound(when);
    p.reasons.push_back(
        fmt::format("{} no longer hears {}'s adverts: its down timer ({}) runs "
                    "out and it becomes MASTER, adding the VIP",
                    t, o, m.MdiText(t, o)));
    const int ht = m.healthy(t);
    const int ho = m.healthy(o);
    if (e.peers_hear && m.Beats(t, ht, o, ho)) {
      p.owners_after = {t};
      p.release_ms = p.failover_ms;
      p.reasons.push_back(
          fmt::format("{} hears {}'s higher-priority advert ({} > {}) and goes "
                      "BACKUP",
                      o, t, ht, ho));
    } else {
      p.owners_after = {o, t};
      p.split_brain = true;
      p.reasons.push_back(
          e.peers_hear
              ? fmt::format("{} hears {}'s lower-priority adverts ({} < {}) and stays MASTER: "
                            "both own the VIP - split brain",
                            o, t, ht, ho)
              : fmt::format("{} does not hear {} either: both are MASTER - split brain until "
                            "the partition heals",
                            o, t));
    }
    return;
  }
  p.owners_after = {o};
  switch (e.vrrp) {
    case Vrrp::kPriority:
      p.reasons.push_back(
          fmt::format("{} is a backup: a lower priority changes nothing while {} "
                      "is master; the VIP stays on {}",
                      t, o, o));
      break;
    case Vrrp::kRelease:
      p.reasons.push_back(
          fmt::format("{} is a backup: it goes FAULT/stops, {} keeps the VIP", t, o));
      break;
    case Vrrp::kSilent:
      p.reasons.push_back(
          fmt::format("{} is a backup and backups send no adverts: {} keeps the "
                      "VIP",
                      t, o));
      break;
    default:
      p.reasons.push_back(fmt::format("the VIP stays on {}", o));
      break;
  }
}

}  // namespace viplab::oracle_internal
