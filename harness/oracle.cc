#include "harness/oracle.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "harness/vrrp_timing.h"

namespace viplab {
namespace {

// The lab's own action times (signals, process events, starts and stops): LabTolerances.
constexpr const LabTolerances& kTol = kLabTolerances;
// Below this probability of a 3-advert loss run in the observation window, partial loss is
// predicted not to move the VIP.
constexpr double kLossRunThreshold = 0.05;
// A backup's down timer this close to the gap a delayed advert opens is a coin toss.
constexpr double kDelayRaceMs = 25;

// A time window [lo, hi] in ms, before the oracle's margins are applied.
struct Span {
  double lo = 0;
  double hi = 0;
};
Span operator+(Span a, Span b) { return {a.lo + b.lo, a.hi + b.hi}; }
Span operator+(Span a, double d) { return {a.lo + d, a.hi + d}; }

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

  std::string SkewText(const std::string& b, const std::string& m) const {
    const int p = healthy(b);
    if (s_.vrrp_version == 2) {
      return fmt::format("Skew_Time = (256 - {})/256 s = {} ms", p, Num(skew(b, m)));
    }
    return fmt::format("Skew_Time = (256 - {}) x {} s/256 = {} ms", p, Num(advert_s(b, m)),
                       Num(skew(b, m)));
  }
  std::string MdiText(const std::string& b, const std::string& m) const {
    return fmt::format("Master_Down_Interval = 3 x {} s + {} ms = {} ms", Num(advert_s(b, m)),
                       Num(skew(b, m)), Num(mdi(b, m)));
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
  Span recover;             // clear -> the target is back (see ClearKind)
  std::string recover_why;  // plain words for `recover`
  bool stale_vip = false;   // after a keepalived crash the VIP is still configured on the target
  bool gone = false;        // powered off or paused: the target owns nothing until the clear
  bool starts_process = false;  // the clear starts keepalived (not: it leaves FAULT)
  bool waits_for_stop = false;  // the clear's start waits for a graceful stop's 1 s exit
  Confidence confidence = Confidence::kHigh;
  std::vector<std::string> reasons;
};

// A backup's takeover window: its timer's expiry after the event that started it.
struct Taker {
  std::string node;
  Span when;
};

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
Span DownTimerExpiry(const Model& m, const std::string& b, const std::string& o, Span since = {}) {
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

// Node `t` (re)joins as BACKUP at `start` — keepalived started, leaving FAULT (fresh), or its
// priority restored (not fresh) — while `owner` (if any) is MASTER. `started`: keepalived itself
// started (not leaving FAULT).
struct Rejoin {
  bool takes_over = false;
  Span when;
  std::string reason;
};

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

std::string CheckWords(const CheckSpec& c) {
  switch (c.type) {
    case CheckType::kScript:
      return fmt::format("track_script (interval {} s, fall {}, rise {}, weight {})",
                         Num(c.interval), c.fall, c.rise, c.weight);
    case CheckType::kProcess:
      return fmt::format("track_process (weight {})", c.weight);
    case CheckType::kNone:
      break;
  }
  return "no check";
}

// How long after the service comes back the check passes again (rise successes in a row).
Span RecheckSpan(const CheckSpec& c) {
  if (c.type == CheckType::kScript) {
    return {(c.rise - 1) * c.interval * 1000, c.rise * c.interval * 1000 + kTol.fast_fail_ms};
  }
  return {0, kTol.process_event_ms};
}

// What a service fault does to haproxy on `t`, in words.
std::string ServiceWords(const FaultSpec& f, const std::string& t) {
  if (f.kind == FaultKind::kServiceKill) {
    return fmt::format("haproxy on {} is killed (SIG{})", t, f.signal);
  }
  if (f.kind == FaultKind::kServiceFreeze) {
    return fmt::format(
        "haproxy on {} hangs (SIGSTOP: connections are accepted by the kernel but never "
        "answered)",
        t);
  }
  return fmt::format("haproxy on {} keeps running but {}", t,
                     f.degrade == "503" ? "answers 503" : "refuses connections");
}

void AnalyzeService(const Model& m, const FaultSpec& f, const std::string& t, Effect& e) {
  const NodeSpec& n = m.node(t);
  const CheckSpec& c = n.check;
  const bool kill = f.kind == FaultKind::kServiceKill;
  const bool freeze = f.kind == FaultKind::kServiceFreeze;
  e.service = kill ? "dead" : freeze ? "hung" : "degraded";
  const std::string what = ServiceWords(f, t);
  Span detect;
  switch (c.type) {
    case CheckType::kNone:
      e.reasons.push_back(what + ", but no check watches it: keepalived does not notice");
      return;
    case CheckType::kProcess:
      if (!kill) {
        e.reasons.push_back(what +
                            ", but track_process only checks that the process exists: "
                            "keepalived does not notice");
        return;
      }
      detect = {0, kTol.process_event_ms};
      e.reasons.push_back(
          fmt::format("{}; track_process learns of the exit at once from the "
                      "kernel's process connector (no polling; allow {} ms)",
                      what, Num(kTol.process_event_ms)));
      break;
    case CheckType::kScript: {
      const double run = freeze ? ScriptProbeTimeoutMs(c) : kTol.fast_fail_ms;
      // A hung service fails a probe only when the probe times out: the minimum includes it.
      detect = {CheckDetectionMinMs(c) + (freeze ? run : 0), CheckDetectionMaxMs(c) + run};
      e.reasons.push_back(fmt::format(
          "{}; the {} fails within {}: keepalived runs the script every {} s at its own phase and "
          "needs {} failing run{} in a row ((fall - 1) x interval .. fall x interval), plus the "
          "probe's run time ({})",
          what, CheckWords(c), SpanText(detect), Num(c.interval), c.fall, c.fall > 1 ? "s" : "",
          freeze ? fmt::format("its {} ms timeout, since the hung service never answers", Num(run))
                 : fmt::format("up to {} ms: a refused connection or a 503 fails at once",
                               Num(kTol.fast_fail_ms))));
      break;
    }
  }
  e.recover = Span{0, kill ? kTol.service_start_ms : kTol.signal_ms} + RecheckSpan(c);
  e.recover_why = fmt::format(
      "{} and {} passes again", kill ? "haproxy is started again" : "haproxy recovers",
      c.type == CheckType::kScript
          ? fmt::format("the script ({} success{} in a row)", c.rise, c.rise > 1 ? "es" : "")
          : std::string("track_process"));
  if (c.weight == 0) {
    e.vrrp = Vrrp::kRelease;
    e.at = detect;
    e.clear = ClearKind::kFresh;
    e.reasons.push_back(
        fmt::format("weight 0: {} goes FAULT, sends a priority-0 advert and "
                    "removes the VIP",
                    t));
    return;
  }
  const int before = m.healthy(t);
  const int after = m.failing(t);
  if (after == before) {
    e.reasons.push_back(
        fmt::format("{} has priority 255 (address owner): keepalived ignores "
                    "check weights, so its priority stays 255",
                    t));
    return;
  }
  e.vrrp = Vrrp::kPriority;
  e.at = detect;
  e.priority = after;
  e.clear = ClearKind::kRecheck;
  e.reasons.push_back(fmt::format(
      "{}'s effective priority drops {} → {} when its check fails ({})", t, before, after,
      c.weight > 0 ? fmt::format("weight +{} is only added while the check succeeds", c.weight)
                   : fmt::format("weight {} is subtracted while it fails", c.weight)));
}

// keepalived faults: stop, crash, freeze, restart.
void AnalyzeKeepalived(const FaultSpec& f, const std::string& t, Effect& e) {
  switch (f.kind) {
    case FaultKind::kKeepalivedStop:
      e.vrrp = Vrrp::kRelease;
      e.at = {0, kTol.signal_ms};
      e.clear = ClearKind::kFresh;
      e.recover = {0, kTol.keepalived_start_ms};
      e.recover_why = "keepalived is started again";
      e.starts_process = true;
      e.waits_for_stop = true;
      e.reasons.push_back(
          fmt::format("SIGTERM: keepalived on {} stops gracefully, sending a "
                      "priority-0 advert and removing the VIP",
                      t));
      break;
    case FaultKind::kKeepalivedCrash:
      e.vrrp = Vrrp::kSilent;
      e.dead = true;
      e.clear = ClearKind::kFresh;
      e.stale_vip = true;
      e.starts_process = true;
      e.recover = {0, kTol.keepalived_start_ms};
      e.recover_why = "keepalived is started again";
      e.reasons.push_back(
          fmt::format("keepalived's VRRP child and parent on {} are SIGKILLed: "
                      "no priority-0 advert, and nothing removes the VIP from {}",
                      t, t));
      break;
    case FaultKind::kKeepalivedFreeze:
      e.vrrp = Vrrp::kSilent;
      e.clear = ClearKind::kThaw;
      e.recover = {0, kTol.signal_ms};
      e.recover_why = "keepalived is resumed (SIGCONT)";
      e.reasons.push_back(
          fmt::format("keepalived's VRRP child on {} is stopped (SIGSTOP): it "
                      "sends no adverts and the VIP stays configured",
                      t));
      break;
    case FaultKind::kKeepalivedRestart:
      e.vrrp = Vrrp::kRestart;
      e.at = {0, kTol.signal_ms};
      // vrrp_daemon.c (2.2.7), vrrp_terminate_phase1: the VIP is released at once, then the
      // VRRP child waits TIMER_HZ (1 s) before it exits; the new one starts after that exit.
      e.restart = {kTol.keepalived_stop_ms, kTol.keepalived_stop_ms + kTol.keepalived_start_ms};
      e.confidence = Confidence::kMedium;
      e.reasons.push_back(fmt::format(
          "keepalived on {} restarts: a graceful stop (priority-0 advert, VIP removed), then a "
          "fresh start in BACKUP {} after the stop (the stopping VRRP child waits 1 s before it "
          "exits, keepalived 2.2.7 vrrp_daemon.c; then the start, a lab estimate)",
          t, SpanText(e.restart)));
      break;
    default:
      break;
  }
}

// Faults of the whole node or its link: freeze (pause), crash (power-off), link down.
void AnalyzeNode(const FaultSpec& f, const std::string& t, Effect& e) {
  switch (f.kind) {
    case FaultKind::kNodeFreeze:
      e.vrrp = Vrrp::kSilent;
      e.clear = ClearKind::kThaw;
      e.recover = {0, kTol.signal_ms};
      e.recover_why = "the node is thawed";
      e.gone = true;
      e.at = {0, kTol.power_ms};
      e.zero_reaches = false;
      e.peers_hear = false;
      e.hears_peers = false;
      e.reasons.push_back(fmt::format(
          "{} is paused like a VM: every process frozen and all traffic to and from it dropped; "
          "keepalived sends no adverts, and a paused node owns nothing (its VIP is stale until "
          "the thaw)",
          t));
      break;
    case FaultKind::kNodeCrash:
      e.vrrp = Vrrp::kSilent;
      e.dead = true;
      e.clear = ClearKind::kFresh;
      e.gone = true;
      e.starts_process = true;
      e.at = {0, kTol.power_ms};
      e.zero_reaches = false;
      e.peers_hear = false;
      e.hears_peers = false;
      e.recover = {0, kTol.service_start_ms + kTol.keepalived_start_ms};
      e.recover_why =
          "the node is powered on from a clean state (leftover addresses removed before its links "
          "come up) and haproxy and keepalived start";
      e.reasons.push_back(
          fmt::format("{} is powered off: every process killed (keepalived by SIGKILL: no "
                      "priority-0 advert) and its links down; a powered-off node owns nothing",
                      t));
      break;
    case FaultKind::kLinkDown:
      e.vrrp = Vrrp::kRelease;
      e.at = {0, kTol.netlink_ms};
      e.zero_reaches = false;
      e.peers_hear = false;
      e.hears_peers = false;
      e.clear = ClearKind::kFresh;
      e.recover = {0, kTol.netlink_ms + kTol.signal_ms};
      e.recover_why = "the link comes back up and keepalived leaves FAULT";
      e.confidence = Confidence::kMedium;
      e.reasons.push_back(
          f.side == "switch"
              ? fmt::format("{}'s switch port goes down: the veth peer loses carrier, so {}'s "
                            "eth0 loses IFF_RUNNING; keepalived 2.2.7 counts an interface as up "
                            "only with IFF_UP and IFF_RUNNING, so it goes FAULT and removes the "
                            "VIP, and its priority-0 advert cannot leave a link without carrier",
                            t, t)
              : fmt::format("{}'s interface goes down: keepalived sees it over netlink, goes "
                            "FAULT and removes the VIP; its priority-0 advert cannot leave a "
                            "downed link",
                            t));
      break;
    default:
      break;
  }
}

// Network faults: packet loss, partition, delayed adverts.
void AnalyzeNetwork(const FaultSpec& f, const std::string& t, bool on_master, Effect& e) {
  switch (f.kind) {
    case FaultKind::kPacketLoss: {
      const double q = f.percent / 100;
      const bool egress = f.direction == "egress";
      const std::string what =
          fmt::format("{}% of {}'s {} {} traffic is dropped", Num(f.percent), t,
                      egress ? "outgoing" : "incoming", f.traffic == "vrrp" ? "VRRP" : "");
      e.clear = ClearKind::kReconnect;
      e.recover = {0, kTol.signal_ms};
      e.recover_why = "the loss stops";
      if (q <= 0) {
        e.reasons.push_back(what + ": nothing is lost");
      } else if (egress && !on_master) {
        e.reasons.push_back(what + ", but backups send no adverts: VRRP is unaffected");
      } else if (!egress && on_master) {
        e.reasons.push_back(what +
                            ", but a master does not need to hear the backups: it keeps "
                            "advertising");
      } else if (q >= 1) {
        (egress ? e.peers_hear : e.hears_peers) = false;
        e.reasons.push_back(what + (egress ? ": its adverts no longer reach the other nodes, "
                                             "while it still hears them"
                                           : ": it no longer hears the master's adverts"));
      } else {
        e.partial_loss = q;
        e.loss_egress = egress;
        e.reasons.push_back(what);
      }
      if (f.traffic == "all" && q > 0 && on_master) {
        e.reasons.push_back(fmt::format("clients of the VIP on {} lose that traffic too", t));
      }
      break;
    }
    case FaultKind::kPartition:
      e.clear = ClearKind::kReconnect;
      e.recover = {0, kTol.signal_ms};
      e.recover_why = "the partition heals";
      if (f.partition == "one-way") {
        e.peers_hear = false;
        e.confidence = Confidence::kMedium;
        e.reasons.push_back(fmt::format("{} still hears its peers, but they no longer hear it{}", t,
                                        on_master ? ""
                                                  : " (backups send no adverts: nothing "
                                                    "changes)"));
      } else {
        e.peers_hear = false;
        e.hears_peers = false;
        e.reasons.push_back(
            f.partition == "isolate"
                ? fmt::format("{} is cut off from every other host, the client included", t)
                : fmt::format("{} is cut off from the other nodes in both directions (the "
                              "client still reaches it)",
                              t));
      }
      break;
    case FaultKind::kVrrpDelay:
      e.clear = ClearKind::kReconnect;
      e.recover = {0, kTol.signal_ms};
      e.recover_why = "adverts are no longer delayed";
      if (on_master) {
        e.delay_ms = f.delay_ms;
        e.reasons.push_back(
            fmt::format("VRRP adverts leaving {} are delayed by {} ms", t, Num(f.delay_ms)));
      } else {
        e.reasons.push_back(
            fmt::format("VRRP adverts leaving {} would be delayed by {} ms, but "
                        "backups send no adverts: nothing changes",
                        t, Num(f.delay_ms)));
      }
      break;
    default:
      break;
  }
}

Effect Analyze(const Model& m, const FaultSpec& f, const std::string& t, bool on_master) {
  Effect e;
  switch (f.kind) {
    case FaultKind::kServiceKill:
    case FaultKind::kServiceFreeze:
    case FaultKind::kServiceDegrade:
      AnalyzeService(m, f, t, e);
      break;
    case FaultKind::kKeepalivedStop:
    case FaultKind::kKeepalivedCrash:
    case FaultKind::kKeepalivedFreeze:
    case FaultKind::kKeepalivedRestart:
      AnalyzeKeepalived(f, t, e);
      break;
    case FaultKind::kNodeFreeze:
    case FaultKind::kNodeCrash:
    case FaultKind::kLinkDown:
      AnalyzeNode(f, t, e);
      break;
    case FaultKind::kPacketLoss:
    case FaultKind::kPartition:
    case FaultKind::kVrrpDelay:
      AnalyzeNetwork(f, t, on_master, e);
      break;
  }
  return e;
}

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

// Adds the "clients fail" note when the VIP stays on a node whose service the fault broke.
void NoteOutage(const Effect& e, Prediction& p) {
  if (e.service.empty() || p.target != p.owner_before) return;
  if (std::find(p.owners_after.begin(), p.owners_after.end(), p.target) == p.owners_after.end()) {
    return;
  }
  p.reasons.push_back(
      fmt::format("the VIP stays on {}, whose haproxy is {}: clients fail until "
                  "someone fixes it",
                  p.target, e.service));
}

bool HandoverRace(const Prediction& p) {
  if (p.return_ms) return true;
  if (!p.new_owner || !p.failover_ms) return false;
  return p.release_ms && *p.release_ms->min >= *p.failover_ms->min;
}

}  // namespace

const char* ToString(Confidence confidence) {
  switch (confidence) {
    case Confidence::kLow:
      return "low";
    case Confidence::kMedium:
      return "medium";
    case Confidence::kHigh:
      return "high";
  }
  return "?";
}

double ProbabilityOfLossRun(double loss, int run, int trials) {
  if (run <= 0) return 1;
  if (trials < run || loss <= 0) return 0;
  if (loss >= 1) return 1;
  // state[k]: no run of `run` yet, and the last k adverts were lost.
  std::vector<double> state(run, 0.0);
  state[0] = 1;
  double hit = 0;
  for (int i = 0; i < trials; ++i) {
    std::vector<double> next(run, 0.0);
    for (int k = 0; k < run; ++k) {
      next[0] += state[k] * (1 - loss);
      if (k + 1 == run) {
        hit += state[k] * loss;
      } else {
        next[k + 1] += state[k] * loss;
      }
    }
    state = std::move(next);
  }
  return hit;
}

// All nodes start at once as BACKUP: the first down timer to run out wins, with the races
// keepalived leaves open.
void SimultaneousOwner(const Model& m, const Scenario& s, InitialOwner& io) {
  std::vector<std::string> order;
  for (const NodeSpec& n : s.nodes) order.push_back(n.name);
  std::sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
    return m.Beats(a, m.healthy(a), b, m.healthy(b));
  });
  const std::string& top = order[0];
  const std::string& second = order[1];
  io.owner = top;
  io.reasons.push_back(fmt::format(
      "all nodes start at once as BACKUP; the first down timer to run out is the highest "
      "priority's: {} ({}), {}",
      top, m.healthy(top), m.MdiText(top, top)));
  const double gap = m.mdi(second, second) - m.mdi(top, top);
  if (m.healthy(top) == m.healthy(second)) {
    // keepalived 2.2.7 vrrp.c, vrrp_backup: a BACKUP accepts adverts of equal priority; the
    // address tie-break (vrrp_state_master_rx) applies only when both are MASTER at once.
    io.confidence = Confidence::kLow;
    io.reasons.push_back(fmt::format(
        "{} and {} have the same priority {}: whoever starts first becomes MASTER, and the "
        "other accepts its equal-priority adverts and stays BACKUP; only if both become MASTER "
        "at once does the higher address ({}) win - a race decided by start-up order",
        top, second, m.healthy(top), top));
  } else if (gap < 50) {
    if (m.nopreempt(top)) {
      io.confidence = Confidence::kLow;
      io.reasons.push_back(fmt::format(
          "{}'s timer runs out only {} ms later: a few ms of start-up order can let {} win, "
          "and {}'s nopreempt would then leave the VIP there - a race",
          second, Num(gap), second, top));
    } else {
      io.confidence = std::min(io.confidence, Confidence::kMedium);
      io.reasons.push_back(fmt::format(
          "{}'s timer runs out only {} ms later: if start-up order lets {} win, {} discards "
          "its lower-priority adverts (its own timer was never restarted by them) and takes "
          "over when that timer runs out, moments later",
          second, Num(gap), second, top));
    }
  }
}

InitialOwner PredictInitialOwner(const Scenario& s) {
  const Model m(s);
  InitialOwner io;
  if (s.vrrp_version == 2) {
    for (const NodeSpec& n : s.nodes) {
      if (n.advert_int != s.nodes.front().advert_int) {
        io.confidence = Confidence::kLow;
        io.reasons.push_back(
            "VRRPv2 needs the same advert_int on every node: keepalived drops "
            "adverts with another interval, so several nodes may become MASTER");
        break;
      }
    }
  }
  const std::string& first = s.nodes.front().name;
  if (s.nodes.size() == 1) {
    io.owner = first;
    io.reasons.push_back(
        fmt::format("{} is the only node: it becomes MASTER with nobody to hear", first));
    return io;
  }
  if (s.startup == Startup::kSimultaneous) {
    SimultaneousOwner(m, s, io);
    return io;
  }
  io.reasons.push_back(
      fmt::format("{} is listed first: with staggered startup it starts alone "
                  "and becomes MASTER (effective priority {})",
                  first, m.healthy(first)));
  std::vector<Taker> takers;
  for (size_t i = 1; i < s.nodes.size(); ++i) {
    const std::string& n = s.nodes[i].name;
    const Rejoin r = RejoinAsBackup(m, n, first, Span{}, true, true);
    io.reasons.push_back(fmt::format("{} starts once {} is MASTER: {}", n, first, r.reason));
    if (r.takes_over) takers.push_back({n, r.when});
  }
  if (takers.empty()) {
    io.owner = first;
    return io;
  }
  // The highest-priority taker ends up MASTER: any lower one that fired first is preempted by it.
  const Taker best =
      *std::max_element(takers.begin(), takers.end(), [&](const Taker& a, const Taker& b) {
        if (m.healthy(a.node) != m.healthy(b.node)) return m.healthy(a.node) < m.healthy(b.node);
        if (a.when.hi != b.when.hi) return a.when.hi > b.when.hi;
        return m.index(a.node) < m.index(b.node);
      });
  io.owner = best.node;
  io.confidence = std::min(io.confidence, Confidence::kMedium);
  io.reasons.push_back(fmt::format(
      "{} takes the VIP from {} {} after it starts; the runner calls the lab ready once every "
      "other node has been BACKUP for one advert, so a fault injected earlier would still find "
      "{} as owner",
      best.node, first, SpanText(best.when), first));
  return io;
}

Prediction PredictFault(const Scenario& s, const FaultSpec& fault,
                        const std::string& owner_before) {
  const Model m(s);
  Prediction p;
  p.owner_before = owner_before;
  p.target = fault.node == "master" ? owner_before : fault.node;
  p.fault = fmt::format("{} on {}", DescribeFault(fault), p.target);
  if (!m.has(owner_before) || !m.has(p.target)) {
    // Nobody owns the VIP (an earlier fault released it): there is no master to hit.
    p.confidence = Confidence::kLow;
    p.owner_after = "none";
    p.reasons.push_back("no node owns the VIP when this fault comes: the oracle cannot say more");
    return p;
  }
  const bool on_master = p.target == owner_before;
  const Effect e = Analyze(m, fault, p.target, on_master);
  p.reasons = e.reasons;
  p.confidence = e.confidence;
  if (on_master) {
    PlayOnMaster(m, e, p);
  } else {
    PlayOnBackup(m, e, p);
  }
  std::sort(p.owners_after.begin(), p.owners_after.end());
  p.owner_after = Join(p.owners_after);
  p.vip_moves = p.owners_after.size() == 1 && p.owners_after.front() != owner_before;
  NoteOutage(e, p);
  const double window = ObservationWindowMs(s);
  if (p.return_ms && *p.return_ms->max > window) {
    p.confidence = Confidence::kLow;
    p.reasons.push_back("the VIP may come back only after the runner's observation window ends");
  }
  if (p.failover_ms && *p.failover_ms->max > window) {
    p.confidence = Confidence::kLow;
    p.reasons.push_back("the VIP may move only after the runner's observation window ends");
  }
  p.failback = ClearOf(m, e, p, 0);
  return p;
}

namespace {

// The fail-back of `p` (fault `fault`) when the clear comes at least `since_ms` after it.
Failback FailbackAfter(const Scenario& s, const FaultSpec& fault, const Prediction& p,
                       double since_ms) {
  const Model m(s);
  const Effect e = Analyze(m, fault, p.target, p.target == p.owner_before);
  return ClearOf(m, e, p, since_ms);
}

}  // namespace

ScenarioPrediction PredictScenario(const Scenario& s) {
  ScenarioPrediction out;
  out.initial = PredictInitialOwner(s);
  if (!s.is_sequence()) {
    Prediction p = PredictFault(s, s.fault, out.initial.owner);
    p.confidence = std::min(p.confidence, out.initial.confidence);
    out.faults.push_back(std::move(p));
    return out;
  }
  std::string owner = out.initial.owner;
  Confidence carried = out.initial.confidence;
  bool active = false;      // an injected fault has not been cleared yet
  double since_inject = 0;  // the least time since the last inject (its holds)
  const FaultSpec* injected = nullptr;
  for (const Step& step : s.steps) {
    if (step.kind == Step::Kind::kHold) since_inject += step.hold_ms;
    if (step.kind == Step::Kind::kInject) {
      since_inject = 0;
      injected = &step.fault;
      Prediction p = PredictFault(s, step.fault, owner);
      if (active) {
        p.confidence = Confidence::kLow;
        p.reasons.insert(p.reasons.begin(),
                         "the previous fault is still active: this one is "
                         "predicted as if it were alone");
      }
      p.confidence = std::min(p.confidence, carried);
      // With split brain the old master is still MASTER; the next "master" fault hits it.
      owner = p.owners_after.size() == 1 ? p.owners_after.front()
              : p.owners_after.empty()   ? std::string("none")
                                         : p.owner_before;
      carried = std::min(carried, p.confidence);
      active = true;
      out.faults.push_back(std::move(p));
    } else if (step.kind == Step::Kind::kClear && active && !out.faults.empty()) {
      Prediction& last = out.faults.back();
      last.cleared = true;
      // The clear's timing matters when keepalived must first finish a graceful stop.
      if (last.failback && injected)
        last.failback = FailbackAfter(s, *injected, last, since_inject);
      if (last.failback) {
        const Failback& fb = *last.failback;
        owner = fb.owner.find('+') == std::string::npos ? fb.owner : last.owner_before;
        carried = std::min(carried, fb.confidence);
      }
      active = false;
    }
  }
  return out;
}

double LatestPredictedMs(const ScenarioPrediction& sp) {
  double latest = 0;
  for (const Prediction& p : sp.faults) {
    if (p.failover_ms && p.failover_ms->max) latest = std::max(latest, *p.failover_ms->max);
    if (p.return_ms && p.return_ms->max) latest = std::max(latest, *p.return_ms->max);
  }
  return latest;
}

Expectation ExpectationFromPrediction(const Prediction& p) {
  Expectation x;
  x.owner_before = p.owner_before;
  if (p.confidence == Confidence::kLow) return x;
  x.owner_after = p.owner_after;
  x.vip_moved = p.vip_moves;
  if (p.new_owner && p.failover_ms) x.failover_ms = p.failover_ms;
  if (p.release_ms) x.release_ms = p.release_ms;
  if (p.confidence == Confidence::kHigh) {
    if (p.split_brain) {
      x.split_brain = true;
    } else if (!HandoverRace(p)) {
      x.split_brain = false;
    }
  }
  return x;
}

Expectation FailbackExpectation(const Prediction& p) {
  Expectation x;
  if (!p.failback) return x;
  const Failback& fb = *p.failback;
  if (p.owners_after.size() == 1) x.owner_before = p.owners_after.front();
  if (fb.confidence == Confidence::kLow) return x;
  x.owner_after = fb.owner;
  if (x.owner_before)
    x.vip_moved = fb.owner != *x.owner_before && fb.owner.find('+') == std::string::npos &&
                  fb.owner != "none";
  const bool target_lost_vip =
      std::find(p.owners_after.begin(), p.owners_after.end(), p.target) == p.owners_after.end();
  if (fb.returns && target_lost_vip && fb.window_ms) x.failover_ms = fb.window_ms;
  return x;
}

}  // namespace viplab
