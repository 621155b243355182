// Internals of the oracle (oracle.h), shared by its parts and by nothing else: the scenario's
// keepalived numbers (Model), time spans and their margins, what a fault does to keepalived
// (Effect), and the steps the parts implement:
//   oracle_model.cc    spans, takeover windows (down timer, preemption) and rejoining as BACKUP;
//   oracle_effects.cc  fault -> Effect;
//   oracle_play.cc     Effect on the master or a backup -> Prediction of the fault phase;
//   oracle_failback.cc Effect + Prediction -> what a clear does (Failback);
//   oracle.cc          the public API.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/model/lab_tolerances.h"
#include "harness/model/scenario.h"
#include "harness/model/vrrp_timing.h"
#include "harness/oracle/oracle.h"
#include "harness/result/reason.h"

namespace viplab::oracle_internal {

inline constexpr const LabTolerances& kTol = kLabTolerances;

// A time window [lo, hi] in ms, before the oracle's margins are applied.
struct Span {
  double lo = 0;
  double hi = 0;
};
inline Span operator+(Span a, Span b) { return {a.lo + b.lo, a.hi + b.hi}; }
inline Span operator+(Span a, double d) { return {a.lo + d, a.hi + d}; }

// The span as a Bound, widened by the margins (kLabTolerances.margin_min_ms / margin_max_ms).
Bound ToBound(Span s);
// The span as a clause of a reason: "609.4 ms", "600..1759 ms".
std::vector<Reason> SpanClause(Span s);
// "lb1+lb2", or "none" for no owner.
std::string Join(const std::vector<std::string>& owners);

// The scenario's nodes with keepalived's numbers: effective priorities and timers.
class Model {
 public:
  explicit Model(const Scenario& s) : s_(s) {}

  const Scenario& scenario() const { return s_; }
  const NodeSpec& node(const std::string& name) const {
    const NodeSpec* n = s_.FindNode(name);
    if (n == nullptr) throw std::invalid_argument(fmt::format("no node '{}' in {}", name, s_.name));
    return *n;
  }
  size_t index(const std::string& name) const {
    for (size_t i = 0; i < s_.nodes.size(); ++i) {
      if (s_.nodes[i].name == name) return i;
    }
    throw std::invalid_argument(fmt::format("no node '{}' in {}", name, s_.name));
  }
  bool has(const std::string& name) const { return s_.FindNode(name) != nullptr; }
  int healthy(const std::string& name) const { return EffectivePriority(node(name), true); }
  // nopreempt and preempt_delay as keepalived runs them (state MASTER clears both).
  bool nopreempt(const std::string& name) const { return EffectiveNopreempt(node(name)); }
  double delay_ms(const std::string& name) const { return EffectivePreemptDelayMs(node(name)); }
  int failing(const std::string& name) const { return EffectivePriority(node(name), false); }

  // The advert interval backup `b` times master `m` by: VRRPv3 backups learn the master's
  // interval from its adverts; VRRPv2 requires every node to use the same one, so b's own.
  double advert_s(const std::string& b, const std::string& m) const {
    return s_.vrrp_version == 3 ? node(m).advert_int : node(b).advert_int;
  }
  double advert_ms(const std::string& b, const std::string& m) const {
    return advert_s(b, m) * 1000;
  }
  double skew(const std::string& b, const std::string& m) const {
    return SkewMs(healthy(b), advert_s(b, m), s_.vrrp_version);
  }
  double mdi(const std::string& b, const std::string& m) const {
    return MasterDownMs(healthy(b), advert_s(b, m), s_.vrrp_version);
  }

  // RFC 3768/5798 6.4.3: the higher priority wins, on a tie the higher primary address. Nodes
  // get .11, .12, ... in list order, so the later node has the higher address.
  bool Beats(const std::string& a, int pa, const std::string& b, int pb) const {
    return pa > pb || (pa == pb && index(a) > index(b));
  }

  std::vector<std::string> Others(const std::string& name) const {
    std::vector<std::string> out;
    for (const NodeSpec& n : s_.nodes) {
      if (n.name != name) out.push_back(n.name);
    }
    return out;
  }

  // Backup `b`'s Skew_Time and Master_Down_Interval towards master `m`, as clauses of a reason.
  std::vector<Reason> SkewClause(const std::string& b, const std::string& m) const {
    if (s_.vrrp_version == 2) return Clause({ReasonCode::kSkewTimeV2, {healthy(b), skew(b, m)}});
    return Clause({ReasonCode::kSkewTimeV3, {healthy(b), advert_s(b, m), skew(b, m)}});
  }
  std::vector<Reason> MdiClause(const std::string& b, const std::string& m) const {
    return Clause({ReasonCode::kMasterDownInterval, {advert_s(b, m), skew(b, m), mdi(b, m)}});
  }

 private:
  const Scenario& s_;
};

// What the fault does to keepalived on the target node, as the other nodes see it.
enum class Vrrp {
  kNone,      // VRRP carries on (connectivity may still change: see Effect)
  kPriority,  // keeps advertising, at a new effective priority (a weighted check failed)
  kRelease,   // leaves MASTER: FAULT or graceful stop; the VIP is removed, a priority-0 advert sent
  kSilent,    // stops advertising and keeps the VIP configured (crash, freeze)
  kRestart,   // kRelease, then keepalived starts afresh without a clear
};

// How a clear brings the target back.
enum class ClearKind {
  kNothing,    // nothing to undo
  kRecheck,    // its check passes again: the priority returns (it stayed BACKUP or MASTER)
  kFresh,      // keepalived enters BACKUP afresh (started again, or leaving FAULT)
  kThaw,       // a frozen keepalived resumes as it was (MASTER)
  kReconnect,  // adverts flow again both ways
};

struct Effect {
  Vrrp vrrp = Vrrp::kNone;
  Span at;                   // when keepalived on the target acts / falls silent
  int priority = 0;          // kPriority: the target's new effective priority
  bool dead = false;         // kSilent: killed (true) or frozen (false)
  bool zero_reaches = true;  // kRelease: the priority-0 advert can leave the node
  bool peers_hear = true;    // the target's adverts reach the other nodes
  bool hears_peers = true;   // the target hears the other nodes
  double partial_loss = 0;   // 0 < p < 1: adverts lost at random (see loss_egress)
  bool loss_egress = true;
  double delay_ms = 0;  // adverts leaving the target are delayed
  Span restart;         // kRestart: when keepalived is back (fresh BACKUP)
  std::string service;  // service faults: "dead", "hung", "degraded" (for the outage note)
  ClearKind clear = ClearKind::kNothing;
  Span recover;            // clear -> the target is back (see ClearKind)
  Reason recover_why;      // what `recover` waits for
  bool stale_vip = false;  // after a keepalived crash the VIP is still configured on the target
  bool gone = false;       // powered off or paused: the target owns nothing until the clear
  bool starts_process = false;  // the clear starts keepalived (not: it leaves FAULT)
  bool waits_for_stop = false;  // the clear's start waits for a graceful stop's 1 s exit
  Confidence confidence = Confidence::kHigh;
  std::vector<Reason> reasons;
};

// A backup's takeover window: its timer's expiry after the event that started it.
struct Taker {
  std::string node;
  Span when;
};

// The backup whose timer expires first; on a tie the higher priority, then the higher address.
std::optional<Taker> First(const Model& m, const std::vector<Taker>& takers);

// The silent-master window: backup `b`'s down timer, last restarted by an advert of master `o` at
// most one advert before `since`, runs out (MDI - advert, MDI] after it.
Span DownTimerExpiry(const Model& m, const std::string& b, const std::string& o, Span since = {});

// When preempting backup `b` takes over from `owner` whose priority fell below b's at `change`
// (see oracle_model.cc).
Span PreemptWindow(const Model& m, const std::string& b, const std::string& owner, Span change,
                   bool fresh);

// The " (held off by preempt_delay 5 s)" clause when `b` has a preempt_delay, else none.
std::vector<Reason> DelayClause(const Model& m, const std::string& b);

// Node `t` (re)joins as BACKUP at `start` — keepalived started, leaving FAULT (fresh), or its
// priority restored (not fresh) — while `owner` (if any) is MASTER. `started`: keepalived itself
// started (not leaving FAULT).
struct Rejoin {
  bool takes_over = false;
  Span when;
  Reason reason;
};

Rejoin RejoinAsBackup(const Model& m, const std::string& t, const std::optional<std::string>& owner,
                      Span start, bool fresh, bool started);

// What fault `f` does to keepalived on target `t` (`on_master`: t owns the VIP).
Effect Analyze(const Model& m, const FaultSpec& f, const std::string& t, bool on_master);

// The fault phase: `p` has owner_before and target set; these fill in the rest.
void PlayOnMaster(const Model& m, const Effect& e, Prediction& p);
void PlayOnBackup(const Model& m, const Effect& e, Prediction& p);

// The whole fault phase once the Effect is decided (PredictFault after Analyze; the
// multi-instance oracle decides the Effect per instance): `p` has owner_before, target and fault
// set, maybe leading reasons; this adds the Effect's reasons and fills the rest, fail-back
// included.
void PlayFault(const Model& m, const Effect& e, Prediction& p);

// What a clear does; it comes `since_ms` after the fault (0: at once, the worst case).
Failback ClearOf(const Model& m, const Effect& e, const Prediction& p, double since_ms);

}  // namespace viplab::oracle_internal
