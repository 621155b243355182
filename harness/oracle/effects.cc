// The oracle's fault analysis: what each fault of the catalog does to keepalived on its target.

#include "harness/oracle/node_model.h"

namespace viplab::oracle_internal {
namespace {

// How long after the service comes back the check passes again (rise successes in a row).
Span RecheckSpan(const CheckSpec& c) {
  if (c.type == CheckType::kScript) {
    return {(c.rise - 1) * c.interval * 1000, c.rise * c.interval * 1000 + kTol.fast_fail_ms};
  }
  return {0, kTol.process_event_ms};
}

// What a service fault does to haproxy on `t`, as a clause.
std::vector<Reason> ServiceClause(const FaultSpec& f, const std::string& t) {
  if (f.kind == FaultKind::kServiceKill) return Clause({ReasonCode::kServiceKilled, {t, f.signal}});
  if (f.kind == FaultKind::kServiceFreeze) return Clause({ReasonCode::kServiceHangs, {t}});
  return Clause(
      {f.degrade == "503" ? ReasonCode::kServiceAnswers503 : ReasonCode::kServiceRefuses, {t}});
}

void AnalyzeService(const Model& m, const FaultSpec& f, const std::string& t, Effect& e) {
  const NodeSpec& n = m.node(t);
  const CheckSpec& c = n.check;
  const bool kill = f.kind == FaultKind::kServiceKill;
  const bool freeze = f.kind == FaultKind::kServiceFreeze;
  e.service = kill ? "dead" : freeze ? "hung" : "degraded";
  const std::vector<Reason> what = ServiceClause(f, t);
  Span detect;
  switch (c.type) {
    case CheckType::kNone:
      e.reasons.push_back({ReasonCode::kServiceUnwatched, {what}});
      return;
    case CheckType::kProcess:
      if (!kill) {
        e.reasons.push_back({ReasonCode::kServiceProcessAlive, {what}});
        return;
      }
      detect = {0, kTol.process_event_ms};
      e.reasons.push_back({ReasonCode::kServiceProcessExit, {what, kTol.process_event_ms}});
      break;
    case CheckType::kScript: {
      const double run = freeze ? ScriptProbeTimeoutMs(c) : kTol.fast_fail_ms;
      // A hung service fails a probe only when the probe times out: the minimum includes it.
      detect = {CheckDetectionMinMs(c) + (freeze ? run : 0), CheckDetectionMaxMs(c) + run};
      const Reason probe = freeze ? Reason{ReasonCode::kProbeTimeout, {run}}
                                  : Reason{ReasonCode::kProbeFastFail, {kTol.fast_fail_ms}};
      e.reasons.push_back(
          {ReasonCode::kServiceScriptFails,
           {what, c.interval, c.fall, c.rise, c.weight, SpanClause(detect), Clause(probe)}});
      break;
    }
  }
  e.recover = Span{0, kill ? kTol.service_start_ms : kTol.signal_ms} + RecheckSpan(c);
  const Reason recheck = c.type == CheckType::kScript ? Reason{ReasonCode::kRecheckScript, {c.rise}}
                                                      : Reason{ReasonCode::kRecheckProcess, {}};
  e.recover_why = {kill ? ReasonCode::kRecoverServiceRestarted : ReasonCode::kRecoverServiceResumes,
                   {Clause(recheck)}};
  if (c.weight == 0) {
    e.vrrp = Vrrp::kRelease;
    e.at = detect;
    e.clear = ClearKind::kFresh;
    e.reasons.push_back({ReasonCode::kCheckWeightZero, {t}});
    return;
  }
  const int before = m.healthy(t);
  const int after = m.failing(t);
  if (after == before) {
    e.reasons.push_back({ReasonCode::kCheckAddressOwner, {t}});
    return;
  }
  e.vrrp = Vrrp::kPriority;
  e.at = detect;
  e.priority = after;
  e.clear = ClearKind::kRecheck;
  const Reason weight = {c.weight > 0 ? ReasonCode::kWeightAdded : ReasonCode::kWeightSubtracted,
                         {c.weight}};
  e.reasons.push_back({ReasonCode::kCheckPriorityDrops, {t, before, after, Clause(weight)}});
}

// keepalived faults: stop, crash, freeze, restart.
void AnalyzeKeepalived(const FaultSpec& f, const std::string& t, Effect& e) {
  switch (f.kind) {
    case FaultKind::kKeepalivedStop:
      e.vrrp = Vrrp::kRelease;
      e.at = {0, kTol.signal_ms};
      e.clear = ClearKind::kFresh;
      e.recover = {0, kTol.keepalived_start_ms};
      e.recover_why = {ReasonCode::kRecoverKeepalivedStarted, {}};
      e.starts_process = true;
      e.waits_for_stop = true;
      e.reasons.push_back({ReasonCode::kKeepalivedStop, {t}});
      break;
    case FaultKind::kKeepalivedCrash:
      e.vrrp = Vrrp::kSilent;
      e.dead = true;
      e.clear = ClearKind::kFresh;
      e.stale_vip = true;
      e.starts_process = true;
      e.recover = {0, kTol.keepalived_start_ms};
      e.recover_why = {ReasonCode::kRecoverKeepalivedStarted, {}};
      e.reasons.push_back({ReasonCode::kKeepalivedCrash, {t}});
      break;
    case FaultKind::kKeepalivedFreeze:
      e.vrrp = Vrrp::kSilent;
      e.clear = ClearKind::kThaw;
      e.recover = {0, kTol.signal_ms};
      e.recover_why = {ReasonCode::kRecoverKeepalivedResumed, {}};
      e.reasons.push_back({ReasonCode::kKeepalivedFreeze, {t}});
      break;
    case FaultKind::kKeepalivedRestart:
      e.vrrp = Vrrp::kRestart;
      e.at = {0, kTol.signal_ms};
      // vrrp_daemon.c (2.2.7), vrrp_terminate_phase1: the VIP is released at once, then the
      // VRRP child waits TIMER_HZ (1 s) before it exits; the new one starts after that exit.
      e.restart = {kTol.keepalived_stop_ms, kTol.keepalived_stop_ms + kTol.keepalived_start_ms};
      e.confidence = Confidence::kMedium;
      e.reasons.push_back({ReasonCode::kKeepalivedRestart, {t, SpanClause(e.restart)}});
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
      e.recover_why = {ReasonCode::kRecoverNodeThawed, {}};
      e.gone = true;
      e.at = {0, kTol.power_ms};
      e.zero_reaches = false;
      e.peers_hear = false;
      e.hears_peers = false;
      e.reasons.push_back({ReasonCode::kNodeFreeze, {t}});
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
      e.recover_why = {ReasonCode::kRecoverNodePoweredOn, {}};
      e.reasons.push_back({ReasonCode::kNodeCrash, {t}});
      break;
    case FaultKind::kLinkDown:
      e.vrrp = Vrrp::kRelease;
      e.at = {0, kTol.netlink_ms};
      e.zero_reaches = false;
      e.peers_hear = false;
      e.hears_peers = false;
      e.clear = ClearKind::kFresh;
      e.recover = {0, kTol.netlink_ms + kTol.signal_ms};
      e.recover_why = {ReasonCode::kRecoverLinkUp, {}};
      e.confidence = Confidence::kMedium;
      e.reasons.push_back(
          {f.side == "switch" ? ReasonCode::kLinkDownSwitch : ReasonCode::kLinkDownInterface, {t}});
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
      const Reason what = {ReasonCode::kLoss, {f.percent, t, f.direction, f.traffic}};
      e.clear = ClearKind::kReconnect;
      e.recover = {0, kTol.signal_ms};
      e.recover_why = {ReasonCode::kRecoverLossStops, {}};
      if (q <= 0) {
        e.reasons.push_back({ReasonCode::kLossNothing, {Clause(what)}});
      } else if (egress && !on_master) {
        e.reasons.push_back({ReasonCode::kLossBackupEgress, {Clause(what)}});
      } else if (!egress && on_master) {
        e.reasons.push_back({ReasonCode::kLossMasterIngress, {Clause(what)}});
      } else if (q >= 1) {
        (egress ? e.peers_hear : e.hears_peers) = false;
        e.reasons.push_back(
            {egress ? ReasonCode::kLossAllEgress : ReasonCode::kLossAllIngress, {Clause(what)}});
      } else {
        e.partial_loss = q;
        e.loss_egress = egress;
        e.reasons.push_back(what);
      }
      if (f.traffic == "all" && q > 0 && on_master) {
        e.reasons.push_back({ReasonCode::kLossClientsToo, {t}});
      }
      break;
    }
    case FaultKind::kPartition:
      e.clear = ClearKind::kReconnect;
      e.recover = {0, kTol.signal_ms};
      e.recover_why = {ReasonCode::kRecoverPartitionHeals, {}};
      if (f.partition == "one-way") {
        e.peers_hear = false;
        e.confidence = Confidence::kMedium;
        e.reasons.push_back(
            {on_master ? ReasonCode::kPartitionOneWayMaster : ReasonCode::kPartitionOneWayBackup,
             {t}});
      } else {
        e.peers_hear = false;
        e.hears_peers = false;
        e.reasons.push_back(
            {f.partition == "isolate" ? ReasonCode::kPartitionIsolate : ReasonCode::kPartitionNodes,
             {t}});
      }
      break;
    case FaultKind::kVrrpDelay:
      e.clear = ClearKind::kReconnect;
      e.recover = {0, kTol.signal_ms};
      e.recover_why = {ReasonCode::kRecoverDelayEnds, {}};
      if (on_master) {
        e.delay_ms = f.delay_ms;
        e.reasons.push_back({ReasonCode::kDelayMaster, {t, f.delay_ms}});
      } else {
        e.reasons.push_back({ReasonCode::kDelayBackup, {t, f.delay_ms}});
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
