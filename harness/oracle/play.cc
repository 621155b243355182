// The oracle's fault phase: how the other nodes react to what the fault did on the master or on a
// backup.

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
                   std::vector<Reason>& reasons) {
  std::vector<Reason> rivals;
  for (const Taker& t : takers) {
    if (t.node != n) rivals.push_back({ReasonCode::kRival, {t.node, m.healthy(t.node)}});
  }
  if (!rivals.empty()) {
    reasons.push_back({ReasonCode::kWinsOverRivals, {n, m.healthy(n), std::move(rivals)}});
  }
}

// The old master (p.owner_before, still MASTER with the VIP, advertising `prio_o`) once `n` has
// become MASTER too, advertising `hn`: the old master yields (goes BACKUP and removes the VIP when
// n takes over, p.release_ms) only if it `hears` n and n beats it (RFC 3768/5798 6.4.3); else
// both keep the VIP (p.split_brain). Returns whether it yields.
bool OldMasterYields(const Model& m, const std::string& n, int hn, int prio_o, bool hears,
                     Prediction& p) {
  if (hears && m.Beats(n, hn, p.owner_before, prio_o)) {
    p.release_ms = p.failover_ms;
    return true;
  }
  p.split_brain = true;
  return false;
}

// The VIP owner's adverts reach the backups only partly (egress loss on the master), or a
// backup hears the master only partly (ingress loss on it). `taker` misses adverts at random.
void PlayPartialLoss(const Model& m, const Effect& e, const std::string& master,
                     const std::string& taker, Prediction& p) {
  const double advert = m.advert_ms(taker, master);
  const double window = ObservationWindowMs(m.scenario());
  const int trials = std::max(1, static_cast<int>(window / advert));
  const double chance = ProbabilityOfLossRun(e.partial_loss, 3, trials);
  p.reasons.push_back({ReasonCode::kLossRunChance, {taker, trials, window / 1000, chance * 100}});
  if (chance < kLossRunThreshold) {
    p.owners_after = {master};
    p.confidence = std::min(p.confidence, chance < 0.001 ? Confidence::kHigh : Confidence::kMedium);
    p.reasons.push_back({ReasonCode::kLossLikelyStays, {master}});
    return;
  }
  p.confidence = Confidence::kLow;
  p.new_owner = taker;
  p.failover_ms = ToBound({DownTimerExpiry(m, taker, master).lo, window - kOracleMarginMaxMs});
  p.split_brain = true;
  if (m.Beats(master, m.healthy(master), taker, m.healthy(taker))) {
    p.owners_after = {master};
    p.reasons.push_back(
        {ReasonCode::kLossFlaps, {taker, master, m.healthy(master), m.healthy(taker)}});
  } else {
    p.owners_after = {taker};
    p.reasons.push_back({ReasonCode::kLossTakerWins, {taker, master}});
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
    p.reasons.push_back({ReasonCode::kNoOtherNode, {}});
    return;
  }
  const double gap = m.advert_ms(closest_node, o) + e.delay_ms;
  p.reasons.push_back({ReasonCode::kDelayGap, {gap}});
  const Confidence c = closest < kDelayRaceMs         ? Confidence::kLow
                       : closest < kOracleMarginMaxMs ? Confidence::kMedium
                                                      : Confidence::kHigh;
  p.confidence = std::min(p.confidence, c);
  const std::optional<Taker> first = First(m, takers);
  if (!first) {
    p.owners_after = {o};
    p.reasons.push_back({ReasonCode::kDelayShort, {closest_node, m.MdiClause(closest_node, o), o}});
    return;
  }
  const std::string& n = first->node;
  p.new_owner = n;
  p.failover_ms = ToBound(first->when);
  p.confidence = std::min(p.confidence, Confidence::kMedium);
  p.reasons.push_back({ReasonCode::kDelayTakeover, {n, m.MdiClause(n, o)}});
  if (OldMasterYields(m, n, m.healthy(n), m.healthy(o), true, p)) {
    p.owners_after = {n};
    p.reasons.push_back({ReasonCode::kHearsHigherGoesBackup, {o, n}});
    return;
  }
  const Span back = {e.delay_ms, m.advert_ms(o, o) + e.delay_ms};
  p.owners_after = {o};
  p.return_ms = ToBound(back);
  p.reasons.push_back(
      {ReasonCode::kDelayedMasterReturns, {o, m.healthy(o), m.healthy(n), n, SpanClause(back)}});
}

// Fault lowered the master's priority to `prio_o`: the backups that now preempt it.
void PriorityTakers(const Model& m, const Effect& e, int prio_o, Prediction& p,
                    std::vector<Taker>& takers) {
  const std::string& o = p.owner_before;
  for (const std::string& b : m.Others(o)) {
    const int hb = m.healthy(b);
    if (hb < prio_o) {
      p.reasons.push_back({ReasonCode::kStillBelow, {b, hb, o, prio_o}});
    } else if (hb == prio_o) {
      p.reasons.push_back({ReasonCode::kEqualNoTakeover, {b, hb, o, prio_o}});
    } else if (m.nopreempt(b)) {
      p.reasons.push_back({ReasonCode::kNopreemptNoTakeover, {b, hb, o, prio_o}});
    } else {
      takers.push_back({b, PreemptWindow(m, b, o, e.at, false)});
    }
  }
}

// Why `n` takes over from the master: priority-0 advert, silence, or preemption.
Reason TakeoverReason(const Model& m, const Prediction& p, const std::string& n, int prio_o,
                      bool graceful, bool silent) {
  const std::string& o = p.owner_before;
  if (graceful) {
    return {ReasonCode::kTakeoverGraceful,
            {n, m.SkewClause(n, o), o,
             Optional(m.nopreempt(n), {ReasonCode::kNopreemptMasterGaveUp, {}})}};
  }
  if (silent) return {ReasonCode::kTakeoverSilent, {n, o, m.MdiClause(n, o)}};
  return {ReasonCode::kTakeoverPreempt,
          {n, m.healthy(n), prio_o, o, DelayClause(m, n), m.MdiClause(n, o)}};
}

// The old master, still holding the VIP, once `n` is MASTER too: it yields or split brain.
void OldMasterReacts(const Model& m, const Effect& e, const std::string& n, int prio_o,
                     Prediction& p, std::set<std::string>& owners) {
  const std::string& o = p.owner_before;
  const int hn = m.healthy(n);
  if (e.vrrp == Vrrp::kSilent) {
    p.split_brain = true;
    p.reasons.push_back(
        {e.dead ? ReasonCode::kSplitBrainDead : ReasonCode::kSplitBrainFrozen, {o, n}});
  } else if (OldMasterYields(m, n, hn, prio_o, e.hears_peers, p)) {
    owners.erase(o);
    p.reasons.push_back({ReasonCode::kMasterYields, {o, n, hn, prio_o}});
  } else if (e.hears_peers) {
    p.reasons.push_back({ReasonCode::kMasterNotBelow, {o, n, hn, prio_o}});
  } else {
    p.reasons.push_back({ReasonCode::kMasterDeaf, {o, n}});
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
    for (const std::string& b : backups) takers.push_back({b, DownTimerExpiry(m, b, o)});
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
    p.reasons.push_back({ReasonCode::kKeepsAdvertising, {o, prio_o}});
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
      p.reasons.push_back({ReasonCode::kNobodyOwns, {}});
    } else {
      p.reasons.push_back({ReasonCode::kNobodyTakesOver, {o}});
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
        p.reasons.push_back({ReasonCode::kBackAfterRestart, {*p.new_owner, o}});
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
    p.reasons.push_back({ReasonCode::kBackupDeaf, {t, o, m.MdiClause(t, o)}});
    const int ht = m.healthy(t);
    const int ho = m.healthy(o);
    if (OldMasterYields(m, t, ht, ho, e.peers_hear, p)) {
      p.owners_after = {t};
      p.reasons.push_back({ReasonCode::kMasterYieldsToBackup, {o, t, ht, ho}});
    } else {
      p.owners_after = {o, t};
      p.reasons.push_back(e.peers_hear ? Reason{ReasonCode::kMasterOutranksBackup, {o, t, ht, ho}}
                                       : Reason{ReasonCode::kBothDeaf, {o, t}});
    }
    return;
  }
  p.owners_after = {o};
  switch (e.vrrp) {
    case Vrrp::kPriority:
      p.reasons.push_back({ReasonCode::kBackupPriority, {t, o}});
      break;
    case Vrrp::kRelease:
      p.reasons.push_back({ReasonCode::kBackupReleases, {t, o}});
      break;
    case Vrrp::kSilent:
      p.reasons.push_back({ReasonCode::kBackupSilent, {t, o}});
      break;
    default:
      p.reasons.push_back({ReasonCode::kVipStays, {o}});
      break;
  }
}

}  // namespace viplab::oracle_internal
