// The oracle's fail-back: what clearing a fault does (restart, power-on, thaw, reconnect).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "harness/oracle/node_model.h"

namespace viplab::oracle_internal {
namespace {

// When the clear brings the target back: e.recover, later when keepalived must first wait for a
// graceful stop's 1 s exit that had not ended when the clear came `since_ms` after the fault.
Span RecoverSpan(const Effect& e, double since_ms) {
  if (!e.waits_for_stop) return e.recover;
  return e.recover + Span{0, std::max(0.0, kTol.keepalived_stop_ms - since_ms)};
}

// kFresh on the old master: keepalived starts again (or leaves FAULT) while `current` (if any)
// holds the VIP too.
void FreshMaster(const Model& m, const Effect& e, const Prediction& p, Span recover,
                 const std::string& recovered, std::vector<std::string>& owners,
                 std::optional<Span>& when, Failback& fb) {
  const std::string& t = p.target;
  auto has = [&](const std::string& n) {
    return std::find(owners.begin(), owners.end(), n) != owners.end();
  };
  std::optional<std::string> current = p.new_owner;
  if (current && !has(*current)) current.reset();
  std::string start = recovered;
  if (e.stale_vip && has(t)) {
    // keepalived 2.2.7 vrrp.c: a fresh start on a physical interface marks leftover VIPs
    // (vipset) and vrrp_restore_interfaces_startup deletes them before the instance runs.
    owners.erase(std::find(owners.begin(), owners.end(), t));
    when = recover;
    start += fmt::format(
        "; keepalived on {} removes the VIP the crash left behind as it starts "
        "(vrrp_restore_interfaces_startup, keepalived 2.2.7 vrrp.c): {} alone owns it",
        t, Join(owners));
  }
  const Rejoin r = RejoinAsBackup(m, t, current, recover, true, e.starts_process);
  fb.reasons.push_back(fmt::format("{}; {}", start, r.reason));
  if (!r.takes_over) return;
  owners = {t};
  when = r.when;
  if (current) {
    fb.reasons.push_back(
        fmt::format("{} hears {}'s higher-priority advert and goes BACKUP", *current, t));
  }
}

// kThaw on the old master: it resumes as MASTER (it never left that state) with its VIP.
void ThawMaster(const Model& m, const Effect& e, const Prediction& p, Span recover,
                const std::string& recovered, std::vector<std::string>& owners,
                std::optional<Span>& when, Failback& fb) {
  const std::string& o = p.owner_before;
  auto has = [&](const std::string& n) {
    return std::find(owners.begin(), owners.end(), n) != owners.end();
  };
  if (e.gone && !has(o)) owners.push_back(o);  // a paused node's VIP counts again
  if (!p.new_owner || !has(*p.new_owner) || !has(o)) {
    fb.reasons.push_back(fmt::format("{}; {} resumes as MASTER with the VIP", recovered, o));
    if (e.gone) when = recover;
    return;
  }
  const std::string& n = *p.new_owner;
  const int ho = m.healthy(o);
  const int hn = m.healthy(n);
  const std::string winner = m.Beats(o, ho, n, hn) ? o : n;
  owners = {winner};
  // keepalived 2.2.7 vrrp.c, vrrp_state_master_rx: a master hearing a lower advert answers at
  // once, so the two masters resolve within one advert (in practice a few ms).
  when = recover + Span{0, m.advert_ms(o, o)};
  fb.confidence = std::min(fb.confidence, Confidence::kMedium);
  fb.reasons.push_back(fmt::format(
      "{}: {} resumes as MASTER (it never left that state){}: it advertises {}, while {} "
      "advertises {}; the lower one goes BACKUP within one advert",
      recovered, o, e.gone ? " with its VIP, and traffic flows again" : "", ho, n, hn));
  fb.reasons.push_back(fmt::format("{} keeps the VIP{}", winner,
                                   winner == o && m.nopreempt(o)
                                       ? " (nopreempt does not matter: it only holds back a BACKUP)"
                                       : ""));
}

// kReconnect: adverts flow again; of two masters the lower goes BACKUP within one advert.
void ReconnectOwners(const Model& m, const Prediction& p, Span recover,
                     const std::string& recovered, std::vector<std::string>& owners,
                     std::optional<Span>& when, Failback& fb) {
  const std::string& o = p.owner_before;
  if (owners.size() < 2) {
    fb.reasons.push_back(fmt::format("{}; {} keeps the VIP", recovered, Join(owners)));
    return;
  }
  const std::string& a = owners[0];
  const std::string& b = owners[1];
  const std::string winner = m.Beats(a, m.healthy(a), b, m.healthy(b)) ? a : b;
  const std::string loser = winner == a ? b : a;
  when = recover + Span{0, m.advert_ms(winner, winner)};
  fb.reasons.push_back(fmt::format(
      "{}: {} ({}) and {} ({}) hear each other again and {} goes BACKUP within one advert{}",
      recovered, a, m.healthy(a), b, m.healthy(b), loser,
      winner == o && m.nopreempt(o) ? " (nopreempt does not matter: it only holds back a BACKUP)"
                                    : ""));
  owners = {winner};
}

}  // namespace

// What a clear does; it comes `since_ms` after the fault (0: at once, the worst case).
Failback ClearOf(const Model& m, const Effect& e, const Prediction& p, double since_ms) {
  Failback fb;
  fb.confidence = e.confidence;
  const std::string& o = p.owner_before;
  const std::string& t = p.target;
  std::vector<std::string> owners = p.owners_after;
  std::optional<Span> when;
  auto has = [&](const std::string& n) {
    return std::find(owners.begin(), owners.end(), n) != owners.end();
  };
  const Span recover = RecoverSpan(e, since_ms);
  std::string recovered = fmt::format("{} {} after the clear", e.recover_why, SpanText(recover));
  if (e.waits_for_stop && recover.hi > e.recover.hi) {
    recovered += " (it first waits for the stopped keepalived to exit, 1 s after SIGTERM)";
  }
  switch (e.clear) {
    case ClearKind::kNothing:
      fb.reasons.push_back(e.vrrp == Vrrp::kRestart
                               ? "the restart is already over: clearing changes nothing"
                               : "nothing to undo for VRRP: the owner stays as it is");
      break;
    case ClearKind::kRecheck: {
      if (t != o || !p.new_owner || has(o)) {
        fb.reasons.push_back(
            fmt::format("{}; {}'s priority returns to {} and nothing else "
                        "changes",
                        recovered, t, m.healthy(t)));
        break;
      }
      fb.reasons.push_back(
          fmt::format("{}: {}'s priority returns to {}", recovered, t, m.healthy(t)));
      const Rejoin r = RejoinAsBackup(m, t, p.new_owner, recover, false, false);
      fb.reasons.push_back(r.reason);
      if (r.takes_over) {
        owners = {t};
        when = r.when;
      }
      break;
    }
    case ClearKind::kFresh: {
      if (t != o) {
        const Rejoin r = RejoinAsBackup(m, t, o, recover, true, e.starts_process);
        fb.reasons.push_back(fmt::format("{}; {}", recovered, r.reason));
        if (r.takes_over) {
          owners = {t};
          when = r.when;
        }
        break;
      }
      FreshMaster(m, e, p, recover, recovered, owners, when, fb);
      break;
    }
    case ClearKind::kThaw: {
      if (t != o) {
        fb.reasons.push_back(fmt::format("{}; nothing else changes", recovered));
        break;
      }
      ThawMaster(m, e, p, recover, recovered, owners, when, fb);
      break;
    }
    case ClearKind::kReconnect:
      ReconnectOwners(m, p, recover, recovered, owners, when, fb);
      break;
  }
  std::sort(owners.begin(), owners.end());
  fb.owner = Join(owners);
  fb.changes = owners != p.owners_after;
  fb.returns = owners == std::vector<std::string>{o} && p.owners_after != owners;
  if (fb.changes && when) fb.window_ms = ToBound(*when);
  return fb;
}

}  // namespace viplab::oracle_internal
