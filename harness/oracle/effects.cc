// The oracle's fault analysis: what each fault of the catalog does to keepalived on its target.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "harness/oracle/node_model.h"

namespace viplab::oracle_internal {
namespace {

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

}  // namespace

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

}  // namespace viplab::oracle_internal
