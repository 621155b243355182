// Every English sentence of the oracle (oracle.h), by ReasonCode.
#include "harness/result/reason.h"

#include <fmt/args.h>
#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <stdexcept>

namespace viplab {
namespace {

// A double printed with FormatNumber, or with the format spec given ("{3:.2g}").
struct Number {
  double v = 0;
};

}  // namespace
}  // namespace viplab

template <>
struct fmt::formatter<viplab::Number> : fmt::formatter<double> {
  bool plain = true;
  constexpr auto parse(fmt::format_parse_context& ctx) {
    plain = ctx.begin() == ctx.end() || *ctx.begin() == '}';
    return fmt::formatter<double>::parse(ctx);
  }
  auto format(viplab::Number n, fmt::format_context& ctx) const {
    if (plain) return fmt::format_to(ctx.out(), "{}", viplab::FormatNumber(n.v));
    return fmt::formatter<double>::format(n.v, ctx);
  }
};

namespace viplab {
namespace {

using C = ReasonCode;

// Codes whose rendering needs more than a format string (ms spans, plurals, keywords).
std::string Span(const Reason& r) {
  const std::string lo = FormatNumber(r.number(0));
  const std::string hi = FormatNumber(r.number(1));
  return lo == hi ? fmt::format("{} ms", lo) : fmt::format("{}..{} ms", lo, hi);
}

std::string ScriptFails(const Reason& r) {
  const int fall = r.integer(2);
  return fmt::format(
      "{}; the track_script (interval {} s, fall {}, rise {}, weight {}) fails within {}: "
      "keepalived runs the script every {} s at its own phase and needs {} failing run{} in a row "
      "((fall - 1) x interval .. fall x interval), plus the probe's run time ({})",
      ToEnglish(r.clause(0)), FormatNumber(r.number(1)), fall, r.integer(3), r.integer(4),
      ToEnglish(r.clause(5)), FormatNumber(r.number(1)), fall, fall > 1 ? "s" : "",
      ToEnglish(r.clause(6)));
}

std::string RecheckScript(const Reason& r) {
  const int rise = r.integer(0);
  return fmt::format("the script ({} success{} in a row)", rise, rise > 1 ? "es" : "");
}

std::string Loss(const Reason& r) {
  return fmt::format("{}% of {}'s {} {} traffic is dropped", FormatNumber(r.number(0)), r.text(1),
                     r.text(2) == "egress" ? "outgoing" : "incoming",
                     r.text(3) == "vrrp" ? "VRRP" : "");
}

// A sentence: a format string over the values (positional, {0} {1} ...), or a function.
struct English {
  C code;
  const char* format;
  std::string (*render)(const Reason&) = nullptr;
};

// In ReasonCode order (checked by EnglishFor).
constexpr English kEnglish[] = {
    {C::kSpanMs, nullptr, Span},
    {C::kSkewTimeV2, "Skew_Time = (256 - {0})/256 s = {1} ms"},
    {C::kSkewTimeV3, "Skew_Time = (256 - {0}) x {1} s/256 = {2} ms"},
    {C::kMasterDownInterval, "Master_Down_Interval = 3 x {0} s + {1} ms = {2} ms"},
    {C::kPreemptDelay, " (held off by preempt_delay {0} s)"},
    // Rejoining as BACKUP.
    {C::kRejoinAddressOwner,
     "{0} is `state MASTER` with priority 255 (address owner): it becomes MASTER at once"},
    {C::kRejoinNoOwner,
     "no node owns the VIP: {0}'s down timer ({1}) runs out and it becomes MASTER"},
    {C::kRejoinBelow, "{0} ({1}) is below {2}'s {3}: it stays BACKUP and {2} keeps the VIP"},
    {C::kRejoinEqual,
     "{0} and {1} both have priority {2}: a backup accepts adverts of equal priority, so {0} "
     "stays BACKUP and {1} keeps the VIP"},
    {C::kRejoinNopreempt,
     "{0} has nopreempt: it stays BACKUP although its {1} is above {2}'s {3}; {2} keeps the VIP"},
    {C::kRejoinFreshPreempts,
     "{0} starts as BACKUP with a fresh down timer ({1}), discards {2}'s lower-priority adverts "
     "({3} < {4}) and becomes MASTER when it runs out{5}"},
    {C::kRejoinPreempts,
     "{0} ({1}) now discards {2}'s lower-priority adverts ({3}) and becomes MASTER when its down "
     "timer runs out{4} ({5}, restarted by the last advert it accepted)"},
    // The initial owner.
    {C::kInitialV2AdvertMismatch,
     "VRRPv2 needs the same advert_int on every node: keepalived drops adverts with another "
     "interval, so several nodes may become MASTER"},
    {C::kInitialOnlyNode, "{0} is the only node: it becomes MASTER with nobody to hear"},
    {C::kInitialSimultaneous,
     "all nodes start at once as BACKUP; the first down timer to run out is the highest "
     "priority's: {0} ({1}), {2}"},
    {C::kInitialEqualRace,
     "{0} and {1} have the same priority {2}: whoever starts first becomes MASTER, and the other "
     "accepts its equal-priority adverts and stays BACKUP; only if both become MASTER at once "
     "does the higher address ({0}) win - a race decided by start-up order"},
    {C::kInitialCloseRaceNopreempt,
     "{0}'s timer runs out only {1} ms later: a few ms of start-up order can let {0} win, and "
     "{2}'s nopreempt would then leave the VIP there - a race"},
    {C::kInitialCloseRace,
     "{0}'s timer runs out only {1} ms later: if start-up order lets {0} win, {2} discards its "
     "lower-priority adverts (its own timer was never restarted by them) and takes over when that "
     "timer runs out, moments later"},
    {C::kInitialListedFirst,
     "{0} is listed first: with staggered startup it starts alone and becomes MASTER (effective "
     "priority {1})"},
    {C::kInitialStartsLater, "{0} starts once {1} is MASTER: {2}"},
    {C::kInitialTakesOver,
     "{0} takes the VIP from {1} {2} after it starts; the runner calls the lab ready once every "
     "other node has been BACKUP for one advert, so a fault injected earlier would still find {1} "
     "as owner"},
    // The prediction as a whole.
    {C::kNoOwnerAtFault, "no node owns the VIP when this fault comes: the oracle cannot say more"},
    {C::kReturnAfterWindow,
     "the VIP may come back only after the runner's observation window ends"},
    {C::kMoveAfterWindow, "the VIP may move only after the runner's observation window ends"},
    {C::kStackedFault,
     "the previous fault is still active: this one is predicted as if it were alone"},
    {C::kOutage, "the VIP stays on {0}, whose haproxy is {1}: clients fail until someone fixes it"},
    // Service faults and checks.
    {C::kServiceKilled, "haproxy on {0} is killed (SIG{1})"},
    {C::kServiceHangs,
     "haproxy on {0} hangs (SIGSTOP: connections are accepted by the kernel but never answered)"},
    {C::kServiceAnswers503, "haproxy on {0} keeps running but answers 503"},
    {C::kServiceRefuses, "haproxy on {0} keeps running but refuses connections"},
    {C::kServiceUnwatched, "{0}, but no check watches it: keepalived does not notice"},
    {C::kServiceProcessAlive,
     "{0}, but track_process only checks that the process exists: keepalived does not notice"},
    {C::kServiceProcessExit,
     "{0}; track_process learns of the exit at once from the kernel's process connector (no "
     "polling; allow {1} ms)"},
    {C::kServiceScriptFails, nullptr, ScriptFails},
    {C::kProbeTimeout, "its {0} ms timeout, since the hung service never answers"},
    {C::kProbeFastFail, "up to {0} ms: a refused connection or a 503 fails at once"},
    {C::kCheckWeightZero,
     "weight 0: {0} goes FAULT, sends a priority-0 advert and removes the VIP"},
    {C::kCheckAddressOwner,
     "{0} has priority 255 (address owner): keepalived ignores check weights, so its priority "
     "stays 255"},
    {C::kCheckPriorityDrops, "{0}'s effective priority drops {1} → {2} when its check fails ({3})"},
    {C::kWeightAdded, "weight +{0} is only added while the check succeeds"},
    {C::kWeightSubtracted, "weight {0} is subtracted while it fails"},
    // keepalived, node and link faults.
    {C::kKeepalivedStop,
     "SIGTERM: keepalived on {0} stops gracefully, sending a priority-0 advert and removing the "
     "VIP"},
    {C::kKeepalivedCrash,
     "keepalived's VRRP child and parent on {0} are SIGKILLed: no priority-0 advert, and nothing "
     "removes the VIP from {0}"},
    {C::kKeepalivedFreeze,
     "keepalived's VRRP child on {0} is stopped (SIGSTOP): it sends no adverts and the VIP stays "
     "configured"},
    {C::kKeepalivedRestart,
     "keepalived on {0} restarts: a graceful stop (priority-0 advert, VIP removed), then a fresh "
     "start in BACKUP {1} after the stop (the stopping VRRP child waits 1 s before it exits, "
     "keepalived 2.2.7 vrrp_daemon.c; then the start, a lab estimate)"},
    {C::kNodeFreeze,
     "{0} is paused like a VM: every process frozen and all traffic to and from it dropped; "
     "keepalived sends no adverts, and a paused node owns nothing (its VIP is stale until the "
     "thaw)"},
    {C::kNodeCrash,
     "{0} is powered off: every process killed (keepalived by SIGKILL: no priority-0 advert) and "
     "its links down; a powered-off node owns nothing"},
    {C::kLinkDownSwitch,
     "{0}'s switch port goes down: the veth peer loses carrier, so {0}'s eth0 loses IFF_RUNNING; "
     "keepalived 2.2.7 counts an interface as up only with IFF_UP and IFF_RUNNING, so it goes "
     "FAULT and removes the VIP, and its priority-0 advert cannot leave a link without carrier"},
    {C::kLinkDownInterface,
     "{0}'s interface goes down: keepalived sees it over netlink, goes FAULT and removes the VIP; "
     "its priority-0 advert cannot leave a downed link"},
    // Network faults.
    {C::kLoss, nullptr, Loss},
    {C::kLossNothing, "{0}: nothing is lost"},
    {C::kLossBackupEgress, "{0}, but backups send no adverts: VRRP is unaffected"},
    {C::kLossMasterIngress,
     "{0}, but a master does not need to hear the backups: it keeps advertising"},
    {C::kLossAllEgress,
     "{0}: its adverts no longer reach the other nodes, while it still hears them"},
    {C::kLossAllIngress, "{0}: it no longer hears the master's adverts"},
    {C::kLossClientsToo, "clients of the VIP on {0} lose that traffic too"},
    {C::kPartitionOneWayMaster, "{0} still hears its peers, but they no longer hear it"},
    {C::kPartitionOneWayBackup,
     "{0} still hears its peers, but they no longer hear it (backups send no adverts: nothing "
     "changes)"},
    {C::kPartitionIsolate, "{0} is cut off from every other host, the client included"},
    {C::kPartitionNodes,
     "{0} is cut off from the other nodes in both directions (the client still reaches it)"},
    {C::kDelayMaster, "VRRP adverts leaving {0} are delayed by {1} ms"},
    {C::kDelayBackup,
     "VRRP adverts leaving {0} would be delayed by {1} ms, but backups send no adverts: nothing "
     "changes"},
    // How a clear brings the target back.
    {C::kRecoverServiceRestarted, "haproxy is started again and {0} passes again"},
    {C::kRecoverServiceResumes, "haproxy recovers and {0} passes again"},
    {C::kRecheckScript, nullptr, RecheckScript},
    {C::kRecheckProcess, "track_process"},
    {C::kRecoverKeepalivedStarted, "keepalived is started again"},
    {C::kRecoverKeepalivedResumed, "keepalived is resumed (SIGCONT)"},
    {C::kRecoverNodeThawed, "the node is thawed"},
    {C::kRecoverNodePoweredOn,
     "the node is powered on from a clean state (leftover addresses removed before its links "
     "come up) and haproxy and keepalived start"},
    {C::kRecoverLinkUp, "the link comes back up and keepalived leaves FAULT"},
    {C::kRecoverLossStops, "the loss stops"},
    {C::kRecoverPartitionHeals, "the partition heals"},
    {C::kRecoverDelayEnds, "adverts are no longer delayed"},
    // The fault phase on the master.
    {C::kWinsOverRivals,
     "{0} ({1}) wins over {2}: its timer expires first (the highest priority has the shortest "
     "Skew_Time)"},
    {C::kRival, "{0} ({1})"},
    {C::kLossRunChance,
     "{0} takes over only when 3 adverts in a row are lost (its down timer is 3 adverts + skew); "
     "over the {1} adverts of the {2} s observation window that happens with probability "
     "{3:.2g}%"},
    {C::kLossLikelyStays, "so the VIP most likely stays on {0}"},
    {C::kLossFlaps,
     "then {0} becomes MASTER while {1} still is; {1}'s next advert that gets through (priority "
     "{2} > {3}) sends {0} back to BACKUP: the VIP flaps, with both owning it in between"},
    {C::kLossTakerWins, "then {0} becomes MASTER, and {1} yields to its higher priority"},
    {C::kNoOtherNode, "no other node: nothing can take over"},
    {C::kDelayGap,
     "the first delayed advert arrives {0} ms after the last undelayed one (one advert + the "
     "delay); later ones keep the normal pace"},
    {C::kDelayShort,
     "that is shorter than every backup's down timer (the shortest: {0}'s {1}): no takeover, the "
     "VIP stays on {2}"},
    {C::kDelayTakeover,
     "{0}'s down timer ({1}) runs out first: {0} becomes MASTER (MDI - advert, MDI] after the "
     "fault"},
    {C::kHearsHigherGoesBackup, "{0} hears {1}'s higher-priority advert and goes BACKUP"},
    {C::kDelayedMasterReturns,
     "{0} never stopped being MASTER: its delayed advert ({1} > {2}) reaches {3} {4} after the "
     "fault and {3} goes BACKUP again; both own the VIP in between"},
    {C::kStillBelow, "{0}'s {1} is still below {2}'s {3}: it keeps accepting {2}'s adverts"},
    {C::kEqualNoTakeover,
     "{0}'s {1} equals {2}'s {3}: a backup accepts adverts of equal priority, so no takeover"},
    {C::kNopreemptNoTakeover,
     "{0} would have {1} > {2}'s {3}, but {0} has nopreempt: no takeover (a nopreempt backup "
     "never displaces a live master)"},
    {C::kTakeoverGraceful, "{0} takes over {1} after {2}'s priority-0 advert{3}"},
    {C::kNopreemptMasterGaveUp, " (nopreempt does not matter: the master gave up)"},
    {C::kTakeoverSilent,
     "{0}'s down timer is no longer restarted by {1}'s adverts: {0} becomes MASTER (MDI - "
     "advert, MDI] after the last advert it heard, {2}"},
    {C::kTakeoverPreempt,
     "{0} ({1} > {2}) discards {3}'s lower-priority adverts and becomes MASTER when its down "
     "timer runs out{4}: {5} after the last higher advert it accepted, i.e. (MDI - advert, MDI] "
     "after the drop"},
    {C::kSplitBrainDead,
     "{0} keeps the VIP (nothing is left running to remove it): {0} and {1} both own it - split "
     "brain until the fault is cleared"},
    {C::kSplitBrainFrozen,
     "{0} keeps the VIP (it is frozen): {0} and {1} both own it - split brain until the fault is "
     "cleared"},
    {C::kMasterYields,
     "{0} hears {1}'s higher-priority advert ({2} > {3}) and goes BACKUP, removing the VIP"},
    {C::kMasterNotBelow,
     "{0} hears {1}'s adverts, but {2} is not above its own {3}: {0} stays MASTER and keeps the "
     "VIP - split brain"},
    {C::kMasterDeaf,
     "{0} no longer hears {1}: it stays MASTER and keeps the VIP - split brain until the "
     "partition heals"},
    {C::kKeepsAdvertising, "{0} keeps advertising priority {1}: the VIP stays on {0}"},
    {C::kNobodyOwns, "no other node can take over: nobody owns the VIP"},
    {C::kNobodyTakesOver, "nobody takes over: the VIP stays on {0}"},
    {C::kBackAfterRestart,
     "{0} hears {1}'s higher-priority advert and goes BACKUP: the VIP is back on {1}"},
    // The fault phase on a backup.
    {C::kBackupDeaf,
     "{0} no longer hears {1}'s adverts: its down timer ({2}) runs out and it becomes MASTER, "
     "adding the VIP"},
    {C::kMasterYieldsToBackup,
     "{0} hears {1}'s higher-priority advert ({2} > {3}) and goes BACKUP"},
    {C::kMasterOutranksBackup,
     "{0} hears {1}'s lower-priority adverts ({2} < {3}) and stays MASTER: both own the VIP - "
     "split brain"},
    {C::kBothDeaf,
     "{0} does not hear {1} either: both are MASTER - split brain until the partition heals"},
    {C::kBackupPriority,
     "{0} is a backup: a lower priority changes nothing while {1} is master; the VIP stays on {1}"},
    {C::kBackupReleases, "{0} is a backup: it goes FAULT/stops, {1} keeps the VIP"},
    {C::kBackupSilent, "{0} is a backup and backups send no adverts: {1} keeps the VIP"},
    {C::kVipStays, "the VIP stays on {0}"},
    // Fail-back.
    {C::kRecovered, "{0} {1} after the clear{2}"},
    {C::kWaitsForStop, " (it first waits for the stopped keepalived to exit, 1 s after SIGTERM)"},
    {C::kStaleVipRemoved,
     "; keepalived on {0} removes the VIP the crash left behind as it starts "
     "(vrrp_restore_interfaces_startup, keepalived 2.2.7 vrrp.c): {1} alone owns it"},
    {C::kRecoveredRejoin, "{0}{1}; {2}"},
    {C::kThawResumes, "{0}; {1} resumes as MASTER with the VIP"},
    {C::kThawTwoMasters,
     "{0}: {1} resumes as MASTER (it never left that state){5}: it advertises {2}, while {3} "
     "advertises {4}; the lower one goes BACKUP within one advert"},
    {C::kTrafficFlowsAgain, " with its VIP, and traffic flows again"},
    {C::kKeepsVip, "{0} keeps the VIP{1}"},
    {C::kNopreemptOnlyBackup, " (nopreempt does not matter: it only holds back a BACKUP)"},
    {C::kReconnectKeeps, "{0}; {1} keeps the VIP"},
    {C::kReconnectResolves,
     "{0}: {1} ({2}) and {3} ({4}) hear each other again and {5} goes BACKUP within one "
     "advert{6}"},
    {C::kRestartOver, "the restart is already over: clearing changes nothing"},
    {C::kNothingToUndo, "nothing to undo for VRRP: the owner stays as it is"},
    {C::kPriorityReturnsOnly, "{0}; {1}'s priority returns to {2} and nothing else changes"},
    {C::kPriorityReturns, "{0}: {1}'s priority returns to {2}"},
    {C::kThawBackup, "{0}; nothing else changes"},
    // Deployments with several instances, VIPs, segments or sync groups.
    {C::kNotPredictedSequence,
     "a sequence (inject/clear steps) on a deployment with several instances, VIPs, segments or "
     "sync groups: the oracle predicts only a single fault there"},
    {C::kNotPredictedSyncPriority,
     "sync group {0}: the fault changes {1}'s priority on {2} without a FAULT; in keepalived 2.2.7 "
     "a member whose down timer runs out goes MASTER only when every member wants MASTER "
     "(vrrp_sync.c, vrrp_sync_can_goto_master) while the other members still accept the master's "
     "adverts: whether and when the group moves is not modelled"},
    {C::kNotPredictedSyncDiverge,
     "sync group {0}: taken one by one, {1} would end on {2} and {3} on {4}; keepalived drags the "
     "members along (vrrp_sync.c, vrrp_sync_master and vrrp_sync_backup) in ways the oracle does "
     "not model"},
    {C::kNotPredictedSyncInitial,
     "sync group {0}: its members would start with different owners, and with more than two nodes "
     "or a simultaneous start the group's first election is not modelled"},
    {C::kNotPredictedUnknownInterface, "{0} has no interface {1}"},
    {C::kInstanceNotOnNode, "{1} does not run {0}: the fault does not touch it"},
    {C::kInstanceOtherInterface,
     "{0} sends its adverts over {3} and neither tracks {2} nor has a VIP there: the fault on "
     "{1}'s {2} does not touch it"},
    {C::kInstanceVipOnlyOnInterface,
     "{0} has a VIP on {2}, but its adverts go over another interface and this fault leaves {2} "
     "up: VRRP is unaffected (clients of that VIP on {1} may lose traffic)"},
    {C::kVipInterfaceDown,
     "{1} goes down on {0} and holds a VIP of {2}: keepalived 2.2.7 tracks every VIP's interface "
     "with weight 0 (vrrp.c, vrrp_complete_instance: TRACK_ADDR; keepalived_netlink.c, "
     "process_if_status_change -> down_instance), so {2} goes FAULT, removes its VIPs and sends a "
     "priority-0 advert over {3}, which is still up"},
    {C::kTrackInterfaceDown,
     "{1} goes down on {0}: {2} tracks it with weight 0 (track_interface), so it goes FAULT "
     "(keepalived_netlink.c, process_if_status_change -> down_instance), removes its VIPs and "
     "sends a priority-0 advert over {3}, which is still up"},
    {C::kTrackInterfaceWeight,
     "{1} goes down on {0}: {2} tracks it with weight {3}, so keepalived takes |weight| off its "
     "total priority (keepalived_netlink.c, process_if_status_change) and its effective priority "
     "goes {4} → {5} (vrrp_track.c, vrrp_set_effective_priority: clamped to 1..254); it stays up "
     "and keeps advertising"},
    {C::kTrackAddressOwner,
     "{1} goes down on {0}, but {2} has priority 255 there (address owner): keepalived drops its "
     "weighted track_interface (vrrp.c, vrrp_complete_instance), so nothing changes"},
    {C::kSyncScriptWeightIgnored,
     "{1} is in sync group {0}: keepalived 2.2.7 drops its weighted track_script (vrrp.c, "
     "vrrp_complete_instance: \"ignoring tracked script with weights due to SYNC group\"), so the "
     "service fault does not touch it on {2}"},
    {C::kSyncTrackWeightKept,
     "{1} is in sync group {0}: keepalived 2.2.7 says it ignores the weight of its "
     "track_interface {2} (\"due to SYNC group\"), but vrrp_complete_instance (vrrp.c) clears it "
     "only after add_vrrp_to_interface has registered the weighted track, so the weight still "
     "applies"},
    {C::kSyncFault,
     "sync group {0}: {1} goes FAULT on {2}, so {3} goes FAULT too (vrrp_sync.c, "
     "vrrp_sync_fault); as MASTER it sends a priority-0 advert over {4}, which is up, and removes "
     "its VIPs"},
    {C::kSyncWaitsForAll,
     "the members of sync group {0} on {1} become MASTER together once every member's own timer "
     "has run out (vrrp_sync.c: vrrp_sync_can_goto_master lets a member go MASTER only when all "
     "want it, vrrp_sync_master takes the others along): {2} after the fault"},
    {C::kSyncInitialHeld,
     "sync group {0}: {1} starts first and is MASTER of every member; a later node's members go "
     "MASTER only when all of them would (vrrp_sync.c, vrrp_sync_can_goto_master), and they "
     "disagree, so {1} keeps every member's VIPs"},
};

constexpr bool InCodeOrder() {
  for (size_t i = 0; i < std::size(kEnglish); ++i) {
    if (static_cast<size_t>(kEnglish[i].code) != i) return false;
  }
  return std::size(kEnglish) == static_cast<size_t>(C::kSyncInitialHeld) + 1;
}
static_assert(InCodeOrder(), "kEnglish: one entry per ReasonCode, in ReasonCode order");

const English& EnglishFor(ReasonCode code) {
  const auto i = static_cast<size_t>(code);
  if (i >= std::size(kEnglish) || kEnglish[i].code != code) {
    throw std::logic_error(fmt::format("no English for reason code {}", i));
  }
  return kEnglish[i];
}

// Clauses print one after the other, a list of them separated by ", ".
std::string Clauses(const std::vector<Reason>& clauses) {
  std::string out;
  for (size_t i = 0; i < clauses.size(); ++i) out += (i ? ", " : "") + ToEnglish(clauses[i]);
  return out;
}

}  // namespace

const std::string& Reason::text(size_t i) const { return std::get<std::string>(values.at(i)); }
int Reason::integer(size_t i) const { return std::get<int>(values.at(i)); }
double Reason::number(size_t i) const { return std::get<double>(values.at(i)); }
const std::vector<Reason>& Reason::clauses(size_t i) const {
  return std::get<std::vector<Reason>>(values.at(i));
}
const Reason& Reason::clause(size_t i) const { return clauses(i).at(0); }

bool Reason::operator==(const Reason& other) const {
  return code == other.code && values == other.values;
}

std::vector<Reason> Clause(Reason r) { return {std::move(r)}; }
std::vector<Reason> Optional(bool present, Reason r) {
  if (!present) return {};
  return {std::move(r)};
}

const Reason* FindReason(const std::vector<Reason>& reasons, ReasonCode code) {
  for (const Reason& r : reasons) {
    if (r.code == code) return &r;
    for (const ReasonValue& v : r.values) {
      if (const auto* clauses = std::get_if<std::vector<Reason>>(&v)) {
        if (const Reason* found = FindReason(*clauses, code)) return found;
      }
    }
  }
  return nullptr;
}

std::string FormatNumber(double v) {
  return std::abs(v - std::round(v)) < 0.05 ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v);
}

std::string ToEnglish(const Reason& reason) {
  const English& e = EnglishFor(reason.code);
  if (e.render != nullptr) return e.render(reason);
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  for (const ReasonValue& v : reason.values) {
    if (const auto* s = std::get_if<std::string>(&v)) {
      args.push_back(*s);
    } else if (const auto* i = std::get_if<int>(&v)) {
      args.push_back(*i);
    } else if (const auto* d = std::get_if<double>(&v)) {
      args.push_back(Number{*d});
    } else {
      args.push_back(Clauses(std::get<std::vector<Reason>>(v)));
    }
  }
  return fmt::vformat(e.format, args);
}

std::vector<std::string> ToEnglish(const std::vector<Reason>& reasons) {
  std::vector<std::string> out;
  out.reserve(reasons.size());
  for (const Reason& r : reasons) out.push_back(ToEnglish(r));
  return out;
}

}  // namespace viplab
