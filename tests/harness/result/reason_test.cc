// Reasons as data (harness/reason.h): every ReasonCode renders into today's English sentence, byte
// for byte (explain, the JSON report, JUnit and HTML print these), and the value accessors and
// FindReason see into nested clauses. No root, no lab.
#include "harness/result/reason.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <variant>
#include <vector>

namespace viplab {
namespace {

using C = ReasonCode;

std::vector<Reason> None() { return {}; }

struct EnglishCase {
  Reason reason;
  const char* english;
};

// One row per code at least (two where the sentence has a plural or a choice).
const std::vector<EnglishCase>& Cases() {
  static const std::vector<EnglishCase> cases = {
      {{C::kSpanMs, {1804.7, 1804.7}}, "1804.7 ms"},
      {{C::kSpanMs, {609.375, 3709.4}}, "609.4..3709.4 ms"},
      {{C::kSkewTimeV2, {100, 609.375}}, "Skew_Time = (256 - 100)/256 s = 609.4 ms"},
      {{C::kSkewTimeV3, {100, 1.0, 609.375}}, "Skew_Time = (256 - 100) x 1 s/256 = 609.4 ms"},
      {{C::kMasterDownInterval, {0.5, 304.7, 1804.7}},
       "Master_Down_Interval = 3 x 0.5 s + 304.7 ms = 1804.7 ms"},
      {{C::kPreemptDelay, {5.0}}, " (held off by preempt_delay 5 s)"},
      {{C::kRejoinAddressOwner, {"lb1"}},
       "lb1 is `state MASTER` with priority 255 (address owner): it becomes MASTER at once"},
      {{C::kRejoinNoOwner, {"lb2", Clause({C::kMasterDownInterval, {1.0, 609.375, 3609.375}})}},
       "no node owns the VIP: lb2's down timer (Master_Down_Interval = 3 x 1 s + 609.4 ms = 3609.4 "
       "ms) runs out and it becomes MASTER"},
      {{C::kRejoinBelow, {"lb2", 100, "lb1", 101}},
       "lb2 (100) is below lb1's 101: it stays BACKUP and lb1 keeps the VIP"},
      {{C::kRejoinEqual, {"lb2", "lb1", 100}},
       "lb2 and lb1 both have priority 100: a backup accepts adverts of equal priority, so lb2 "
       "stays BACKUP and lb1 keeps the VIP"},
      {{C::kRejoinNopreempt, {"lb1", 101, "lb2", 100}},
       "lb1 has nopreempt: it stays BACKUP although its 101 is above lb2's 100; lb2 keeps the VIP"},
      {{C::kRejoinFreshPreempts,
        {"lb1", Clause({C::kMasterDownInterval, {1.0, 609.375, 3609.375}}), "lb2", 100, 101,
         None()}},
       "lb1 starts as BACKUP with a fresh down timer (Master_Down_Interval = 3 x 1 s + 609.4 ms = "
       "3609.4 ms), discards lb2's lower-priority adverts (100 < 101) and becomes MASTER when it "
       "runs out"},
      {{C::kRejoinFreshPreempts,
        {"lb1", Clause({C::kMasterDownInterval, {1.0, 609.375, 3609.375}}), "lb2", 100, 101,
         Clause({C::kPreemptDelay, {5.0}})}},
       "lb1 starts as BACKUP with a fresh down timer (Master_Down_Interval = 3 x 1 s + 609.4 ms = "
       "3609.4 ms), discards lb2's lower-priority adverts (100 < 101) and becomes MASTER when it "
       "runs out (held off by preempt_delay 5 s)"},
      {{C::kRejoinPreempts,
        {"lb1", 101, "lb2", 100, None(),
         Clause({C::kMasterDownInterval, {1.0, 609.375, 3609.375}})}},
       "lb1 (101) now discards lb2's lower-priority adverts (100) and becomes MASTER when its down "
       "timer runs out (Master_Down_Interval = 3 x 1 s + 609.4 ms = 3609.4 ms, restarted by the "
       "last advert it accepted)"},
      {{C::kInitialV2AdvertMismatch, {}},
       "VRRPv2 needs the same advert_int on every node: keepalived drops adverts with another "
       "interval, so several nodes may become MASTER"},
      {{C::kInitialOnlyNode, {"lb1"}},
       "lb1 is the only node: it becomes MASTER with nobody to hear"},
      {{C::kInitialSimultaneous,
        {"lb2", 101, Clause({C::kMasterDownInterval, {1.0, 609.375, 3609.375}})}},
       "all nodes start at once as BACKUP; the first down timer to run out is the highest "
       "priority's: lb2 (101), Master_Down_Interval = 3 x 1 s + 609.4 ms = 3609.4 ms"},
      {{C::kInitialEqualRace, {"lb2", "lb1", 100}},
       "lb2 and lb1 have the same priority 100: whoever starts first becomes MASTER, and the other "
       "accepts its equal-priority adverts and stays BACKUP; only if both become MASTER at once "
       "does the higher address (lb2) win - a race decided by start-up order"},
      {{C::kInitialCloseRaceNopreempt, {"lb1", 3.9, "lb2"}},
       "lb1's timer runs out only 3.9 ms later: a few ms of start-up order can let lb1 win, and "
       "lb2's nopreempt would then leave the VIP there - a race"},
      {{C::kInitialCloseRace, {"lb1", 3.9, "lb2"}},
       "lb1's timer runs out only 3.9 ms later: if start-up order lets lb1 win, lb2 discards its "
       "lower-priority adverts (its own timer was never restarted by them) and takes over when "
       "that timer runs out, moments later"},
      {{C::kInitialListedFirst, {"lb1", 103}},
       "lb1 is listed first: with staggered startup it starts alone and becomes MASTER (effective "
       "priority 103)"},
      {{C::kInitialStartsLater,
        {"lb2", "lb1", Clause({C::kRejoinBelow, {"lb2", 100, "lb1", 101}})}},
       "lb2 starts once lb1 is MASTER: lb2 (100) is below lb1's 101: it stays BACKUP and lb1 keeps "
       "the VIP"},
      {{C::kInitialTakesOver, {"lb2", "lb1", Clause({C::kSpanMs, {0.0, 1050.0}})}},
       "lb2 takes the VIP from lb1 0..1050 ms after it starts; the runner calls the lab ready once "
       "every other node has been BACKUP for one advert, so a fault injected earlier would still "
       "find lb1 as owner"},
      {{C::kNoOwnerAtFault, {}},
       "no node owns the VIP when this fault comes: the oracle cannot say more"},
      {{C::kReturnAfterWindow, {}},
       "the VIP may come back only after the runner's observation window ends"},
      {{C::kMoveAfterWindow, {}},
       "the VIP may move only after the runner's observation window ends"},
      {{C::kStackedFault, {}},
       "the previous fault is still active: this one is predicted as if it were alone"},
      {{C::kOutage, {"lb1", "dead"}},
       "the VIP stays on lb1, whose haproxy is dead: clients fail until someone fixes it"},
      {{C::kServiceKilled, {"lb1", "TERM"}}, "haproxy on lb1 is killed (SIGTERM)"},
      {{C::kServiceHangs, {"lb1"}},
       "haproxy on lb1 hangs (SIGSTOP: connections are accepted by the kernel but never answered)"},
      {{C::kServiceAnswers503, {"lb1"}}, "haproxy on lb1 keeps running but answers 503"},
      {{C::kServiceRefuses, {"lb1"}}, "haproxy on lb1 keeps running but refuses connections"},
      {{C::kServiceUnwatched, {Clause({C::kServiceKilled, {"lb1", "KILL"}})}},
       "haproxy on lb1 is killed (SIGKILL), but no check watches it: keepalived does not notice"},
      {{C::kServiceProcessAlive, {Clause({C::kServiceKilled, {"lb1", "KILL"}})}},
       "haproxy on lb1 is killed (SIGKILL), but track_process only checks that the process exists: "
       "keepalived does not notice"},
      {{C::kServiceProcessExit, {Clause({C::kServiceKilled, {"lb1", "KILL"}}), 10.0}},
       "haproxy on lb1 is killed (SIGKILL); track_process learns of the exit at once from the "
       "kernel's process connector (no polling; allow 10 ms)"},
      {{C::kServiceScriptFails,
        {Clause({C::kServiceKilled, {"lb1", "KILL"}}), 1.0, 1, 1, 2,
         Clause({C::kSpanMs, {0.0, 1050.0}}), Clause({C::kProbeFastFail, {50.0}})}},
       "haproxy on lb1 is killed (SIGKILL); the track_script (interval 1 s, fall 1, rise 1, weight "
       "2) fails within 0..1050 ms: keepalived runs the script every 1 s at its own phase and "
       "needs 1 failing run in a row ((fall - 1) x interval .. fall x interval), plus the probe's "
       "run time (up to 50 ms: a refused connection or a 503 fails at once)"},
      {{C::kServiceScriptFails,
        {Clause({C::kServiceKilled, {"lb1", "KILL"}}), 0.5, 3, 2, -20,
         Clause({C::kSpanMs, {0.0, 1050.0}}), Clause({C::kProbeTimeout, {250.0}})}},
       "haproxy on lb1 is killed (SIGKILL); the track_script (interval 0.5 s, fall 3, rise 2, "
       "weight -20) fails within 0..1050 ms: keepalived runs the script every 0.5 s at its own "
       "phase and needs 3 failing runs in a row ((fall - 1) x interval .. fall x interval), plus "
       "the probe's run time (its 250 ms timeout, since the hung service never answers)"},
      {{C::kProbeTimeout, {250.0}}, "its 250 ms timeout, since the hung service never answers"},
      {{C::kProbeFastFail, {50.0}}, "up to 50 ms: a refused connection or a 503 fails at once"},
      {{C::kCheckWeightZero, {"lb1"}},
       "weight 0: lb1 goes FAULT, sends a priority-0 advert and removes the VIP"},
      {{C::kCheckAddressOwner, {"lb1"}},
       "lb1 has priority 255 (address owner): keepalived ignores check weights, so its priority "
       "stays 255"},
      {{C::kCheckPriorityDrops, {"lb1", 103, 101, Clause({C::kWeightAdded, {2}})}},
       "lb1's effective priority drops 103 → 101 when its check fails (weight +2 is only added "
       "while the check succeeds)"},
      {{C::kWeightAdded, {2}}, "weight +2 is only added while the check succeeds"},
      {{C::kWeightSubtracted, {-20}}, "weight -20 is subtracted while it fails"},
      {{C::kKeepalivedStop, {"lb1"}},
       "SIGTERM: keepalived on lb1 stops gracefully, sending a priority-0 advert and removing the "
       "VIP"},
      {{C::kKeepalivedCrash, {"lb1"}},
       "keepalived's VRRP child and parent on lb1 are SIGKILLed: no priority-0 advert, and nothing "
       "removes the VIP from lb1"},
      {{C::kKeepalivedFreeze, {"lb1"}},
       "keepalived's VRRP child on lb1 is stopped (SIGSTOP): it sends no adverts and the VIP stays "
       "configured"},
      {{C::kKeepalivedRestart, {"lb1", Clause({C::kSpanMs, {1000.0, 1500.0}})}},
       "keepalived on lb1 restarts: a graceful stop (priority-0 advert, VIP removed), then a fresh "
       "start in BACKUP 1000..1500 ms after the stop (the stopping VRRP child waits 1 s before it "
       "exits, keepalived 2.2.7 vrrp_daemon.c; then the start, a lab estimate)"},
      {{C::kNodeFreeze, {"lb1"}},
       "lb1 is paused like a VM: every process frozen and all traffic to and from it dropped; "
       "keepalived sends no adverts, and a paused node owns nothing (its VIP is stale until the "
       "thaw)"},
      {{C::kNodeCrash, {"lb1"}},
       "lb1 is powered off: every process killed (keepalived by SIGKILL: no priority-0 advert) and "
       "its links down; a powered-off node owns nothing"},
      {{C::kLinkDownSwitch, {"lb1"}},
       "lb1's switch port goes down: the veth peer loses carrier, so lb1's eth0 loses IFF_RUNNING; "
       "keepalived 2.2.7 counts an interface as up only with IFF_UP and IFF_RUNNING, so it goes "
       "FAULT and removes the VIP, and its priority-0 advert cannot leave a link without carrier"},
      {{C::kLinkDownInterface, {"lb1"}},
       "lb1's interface goes down: keepalived sees it over netlink, goes FAULT and removes the "
       "VIP; its priority-0 advert cannot leave a downed link"},
      {{C::kLoss, {30.0, "lb1", "egress", "vrrp"}},
       "30% of lb1's outgoing VRRP traffic is dropped"},
      {{C::kLoss, {100.0, "lb2", "ingress", "all"}}, "100% of lb2's incoming  traffic is dropped"},
      {{C::kLossNothing, {Clause({C::kLoss, {30.0, "lb1", "egress", "vrrp"}})}},
       "30% of lb1's outgoing VRRP traffic is dropped: nothing is lost"},
      {{C::kLossBackupEgress, {Clause({C::kLoss, {30.0, "lb1", "egress", "vrrp"}})}},
       "30% of lb1's outgoing VRRP traffic is dropped, but backups send no adverts: VRRP is "
       "unaffected"},
      {{C::kLossMasterIngress, {Clause({C::kLoss, {30.0, "lb1", "egress", "vrrp"}})}},
       "30% of lb1's outgoing VRRP traffic is dropped, but a master does not need to hear the "
       "backups: it keeps advertising"},
      {{C::kLossAllEgress, {Clause({C::kLoss, {30.0, "lb1", "egress", "vrrp"}})}},
       "30% of lb1's outgoing VRRP traffic is dropped: its adverts no longer reach the other "
       "nodes, while it still hears them"},
      {{C::kLossAllIngress, {Clause({C::kLoss, {30.0, "lb1", "egress", "vrrp"}})}},
       "30% of lb1's outgoing VRRP traffic is dropped: it no longer hears the master's adverts"},
      {{C::kLossClientsToo, {"lb1"}}, "clients of the VIP on lb1 lose that traffic too"},
      {{C::kPartitionOneWayMaster, {"lb1"}},
       "lb1 still hears its peers, but they no longer hear it"},
      {{C::kPartitionOneWayBackup, {"lb2"}},
       "lb2 still hears its peers, but they no longer hear it (backups send no adverts: nothing "
       "changes)"},
      {{C::kPartitionIsolate, {"lb1"}},
       "lb1 is cut off from every other host, the client included"},
      {{C::kPartitionNodes, {"lb1"}},
       "lb1 is cut off from the other nodes in both directions (the client still reaches it)"},
      {{C::kDelayMaster, {"lb1", 2500.0}}, "VRRP adverts leaving lb1 are delayed by 2500 ms"},
      {{C::kDelayBackup, {"lb2", 2500.0}},
       "VRRP adverts leaving lb2 would be delayed by 2500 ms, but backups send no adverts: nothing "
       "changes"},
      {{C::kRecoverServiceRestarted, {Clause({C::kRecheckScript, {1}})}},
       "haproxy is started again and the script (1 success in a row) passes again"},
      {{C::kRecoverServiceResumes, {Clause({C::kRecheckProcess, {}})}},
       "haproxy recovers and track_process passes again"},
      {{C::kRecheckScript, {1}}, "the script (1 success in a row)"},
      {{C::kRecheckScript, {3}}, "the script (3 successes in a row)"},
      {{C::kRecheckProcess, {}}, "track_process"},
      {{C::kRecoverKeepalivedStarted, {}}, "keepalived is started again"},
      {{C::kRecoverKeepalivedResumed, {}}, "keepalived is resumed (SIGCONT)"},
      {{C::kRecoverNodeThawed, {}}, "the node is thawed"},
      {{C::kRecoverNodePoweredOn, {}},
       "the node is powered on from a clean state (leftover addresses removed before its links "
       "come up) and haproxy and keepalived start"},
      {{C::kRecoverLinkUp, {}}, "the link comes back up and keepalived leaves FAULT"},
      {{C::kRecoverLossStops, {}}, "the loss stops"},
      {{C::kRecoverPartitionHeals, {}}, "the partition heals"},
      {{C::kRecoverDelayEnds, {}}, "adverts are no longer delayed"},
      {{C::kWinsOverRivals,
        {"lb3", 102, std::vector<Reason>{{C::kRival, {"lb2", 101}}, {C::kRival, {"lb4", 100}}}}},
       "lb3 (102) wins over lb2 (101), lb4 (100): its timer expires first (the highest priority "
       "has the shortest Skew_Time)"},
      {{C::kRival, {"lb2", 101}}, "lb2 (101)"},
      {{C::kLossRunChance, {"lb2", 5, 5.6, 0.123456}},
       "lb2 takes over only when 3 adverts in a row are lost (its down timer is 3 adverts + skew); "
       "over the 5 adverts of the 5.6 s observation window that happens with probability 0.12%"},
      {{C::kLossLikelyStays, {"lb1"}}, "so the VIP most likely stays on lb1"},
      {{C::kLossFlaps, {"lb2", "lb1", 101, 100}},
       "then lb2 becomes MASTER while lb1 still is; lb1's next advert that gets through (priority "
       "101 > 100) sends lb2 back to BACKUP: the VIP flaps, with both owning it in between"},
      {{C::kLossTakerWins, {"lb2", "lb1"}},
       "then lb2 becomes MASTER, and lb1 yields to its higher priority"},
      {{C::kNoOtherNode, {}}, "no other node: nothing can take over"},
      {{C::kDelayGap, {3500.0}},
       "the first delayed advert arrives 3500 ms after the last undelayed one (one advert + the "
       "delay); later ones keep the normal pace"},
      {{C::kDelayShort, {"lb2", Clause({C::kMasterDownInterval, {1.0, 609.375, 3609.375}}), "lb1"}},
       "that is shorter than every backup's down timer (the shortest: lb2's Master_Down_Interval = "
       "3 x 1 s + 609.4 ms = 3609.4 ms): no takeover, the VIP stays on lb1"},
      {{C::kDelayTakeover, {"lb2", Clause({C::kMasterDownInterval, {1.0, 609.375, 3609.375}})}},
       "lb2's down timer (Master_Down_Interval = 3 x 1 s + 609.4 ms = 3609.4 ms) runs out first: "
       "lb2 becomes MASTER (MDI - advert, MDI] after the fault"},
      {{C::kHearsHigherGoesBackup, {"lb1", "lb2"}},
       "lb1 hears lb2's higher-priority advert and goes BACKUP"},
      {{C::kDelayedMasterReturns, {"lb1", 101, 100, "lb2", Clause({C::kSpanMs, {2500.0, 3500.0}})}},
       "lb1 never stopped being MASTER: its delayed advert (101 > 100) reaches lb2 2500..3500 ms "
       "after the fault and lb2 goes BACKUP again; both own the VIP in between"},
      {{C::kStillBelow, {"lb2", 100, "lb1", 101}},
       "lb2's 100 is still below lb1's 101: it keeps accepting lb1's adverts"},
      {{C::kEqualNoTakeover, {"lb2", 101, "lb1", 101}},
       "lb2's 101 equals lb1's 101: a backup accepts adverts of equal priority, so no takeover"},
      {{C::kNopreemptNoTakeover, {"lb2", 102, "lb1", 101}},
       "lb2 would have 102 > lb1's 101, but lb2 has nopreempt: no takeover (a nopreempt backup "
       "never displaces a live master)"},
      {{C::kTakeoverGraceful, {"lb2", Clause({C::kSkewTimeV2, {100, 609.375}}), "lb1", None()}},
       "lb2 takes over Skew_Time = (256 - 100)/256 s = 609.4 ms after lb1's priority-0 advert"},
      {{C::kTakeoverGraceful,
        {"lb2", Clause({C::kSkewTimeV2, {100, 609.375}}), "lb1",
         Clause({C::kNopreemptMasterGaveUp, {}})}},
       "lb2 takes over Skew_Time = (256 - 100)/256 s = 609.4 ms after lb1's priority-0 advert "
       "(nopreempt does not matter: the master gave up)"},
      {{C::kNopreemptMasterGaveUp, {}}, " (nopreempt does not matter: the master gave up)"},
      {{C::kTakeoverSilent,
        {"lb2", "lb1", Clause({C::kMasterDownInterval, {1.0, 609.375, 3609.375}})}},
       "lb2's down timer is no longer restarted by lb1's adverts: lb2 becomes MASTER (MDI - "
       "advert, MDI] after the last advert it heard, Master_Down_Interval = 3 x 1 s + 609.4 ms = "
       "3609.4 ms"},
      {{C::kTakeoverPreempt,
        {"lb2", 104, 101, "lb1", Clause({C::kPreemptDelay, {5.0}}),
         Clause({C::kMasterDownInterval, {1.0, 609.375, 3609.375}})}},
       "lb2 (104 > 101) discards lb1's lower-priority adverts and becomes MASTER when its down "
       "timer runs out (held off by preempt_delay 5 s): Master_Down_Interval = 3 x 1 s + 609.4 ms "
       "= 3609.4 ms after the last higher advert it accepted, i.e. (MDI - advert, MDI] after the "
       "drop"},
      {{C::kSplitBrainDead, {"lb1", "lb2"}},
       "lb1 keeps the VIP (nothing is left running to remove it): lb1 and lb2 both own it - split "
       "brain until the fault is cleared"},
      {{C::kSplitBrainFrozen, {"lb1", "lb2"}},
       "lb1 keeps the VIP (it is frozen): lb1 and lb2 both own it - split brain until the fault is "
       "cleared"},
      {{C::kMasterYields, {"lb1", "lb2", 102, 101}},
       "lb1 hears lb2's higher-priority advert (102 > 101) and goes BACKUP, removing the VIP"},
      {{C::kMasterNotBelow, {"lb1", "lb2", 100, 101}},
       "lb1 hears lb2's adverts, but 100 is not above its own 101: lb1 stays MASTER and keeps the "
       "VIP - split brain"},
      {{C::kMasterDeaf, {"lb1", "lb2"}},
       "lb1 no longer hears lb2: it stays MASTER and keeps the VIP - split brain until the "
       "partition heals"},
      {{C::kKeepsAdvertising, {"lb1", 101}},
       "lb1 keeps advertising priority 101: the VIP stays on lb1"},
      {{C::kNobodyOwns, {}}, "no other node can take over: nobody owns the VIP"},
      {{C::kNobodyTakesOver, {"lb1"}}, "nobody takes over: the VIP stays on lb1"},
      {{C::kBackAfterRestart, {"lb2", "lb1"}},
       "lb2 hears lb1's higher-priority advert and goes BACKUP: the VIP is back on lb1"},
      {{C::kBackupDeaf, {"lb2", "lb1", Clause({C::kMasterDownInterval, {1.0, 609.375, 3609.375}})}},
       "lb2 no longer hears lb1's adverts: its down timer (Master_Down_Interval = 3 x 1 s + 609.4 "
       "ms = 3609.4 ms) runs out and it becomes MASTER, adding the VIP"},
      {{C::kMasterYieldsToBackup, {"lb1", "lb2", 102, 101}},
       "lb1 hears lb2's higher-priority advert (102 > 101) and goes BACKUP"},
      {{C::kMasterOutranksBackup, {"lb1", "lb2", 100, 101}},
       "lb1 hears lb2's lower-priority adverts (100 < 101) and stays MASTER: both own the VIP - "
       "split brain"},
      {{C::kBothDeaf, {"lb1", "lb2"}},
       "lb1 does not hear lb2 either: both are MASTER - split brain until the partition heals"},
      {{C::kBackupPriority, {"lb2", "lb1"}},
       "lb2 is a backup: a lower priority changes nothing while lb1 is master; the VIP stays on "
       "lb1"},
      {{C::kBackupReleases, {"lb2", "lb1"}},
       "lb2 is a backup: it goes FAULT/stops, lb1 keeps the VIP"},
      {{C::kBackupSilent, {"lb2", "lb1"}},
       "lb2 is a backup and backups send no adverts: lb1 keeps the VIP"},
      {{C::kVipStays, {"lb1"}}, "the VIP stays on lb1"},
      {{C::kRecovered,
        {Clause({C::kRecoverKeepalivedStarted, {}}), Clause({C::kSpanMs, {0.0, 1500.0}}),
         Clause({C::kWaitsForStop, {}})}},
       "keepalived is started again 0..1500 ms after the clear (it first waits for the stopped "
       "keepalived to exit, 1 s after SIGTERM)"},
      {{C::kWaitsForStop, {}},
       " (it first waits for the stopped keepalived to exit, 1 s after SIGTERM)"},
      {{C::kStaleVipRemoved, {"lb1", "lb2"}},
       "; keepalived on lb1 removes the VIP the crash left behind as it starts "
       "(vrrp_restore_interfaces_startup, keepalived 2.2.7 vrrp.c): lb2 alone owns it"},
      {{C::kRecoveredRejoin,
        {Clause({C::kRecovered,
                 {Clause({C::kRecoverKeepalivedStarted, {}}), Clause({C::kSpanMs, {0.0, 500.0}}),
                  None()}}),
         Clause({C::kStaleVipRemoved, {"lb1", "lb2"}}),
         Clause({C::kRejoinBelow, {"lb2", 100, "lb1", 101}})}},
       "keepalived is started again 0..500 ms after the clear; keepalived on lb1 removes the VIP "
       "the crash left behind as it starts (vrrp_restore_interfaces_startup, keepalived 2.2.7 "
       "vrrp.c): lb2 alone owns it; lb2 (100) is below lb1's 101: it stays BACKUP and lb1 keeps "
       "the VIP"},
      {{C::kThawResumes,
        {Clause({C::kRecovered,
                 {Clause({C::kRecoverKeepalivedStarted, {}}), Clause({C::kSpanMs, {0.0, 500.0}}),
                  None()}}),
         "lb1"}},
       "keepalived is started again 0..500 ms after the clear; lb1 resumes as MASTER with the VIP"},
      {{C::kThawTwoMasters,
        {Clause({C::kRecovered,
                 {Clause({C::kRecoverKeepalivedStarted, {}}), Clause({C::kSpanMs, {0.0, 500.0}}),
                  None()}}),
         "lb1", 101, "lb2", 100, Clause({C::kTrafficFlowsAgain, {}})}},
       "keepalived is started again 0..500 ms after the clear: lb1 resumes as MASTER (it never "
       "left that state) with its VIP, and traffic flows again: it advertises 101, while lb2 "
       "advertises 100; the lower one goes BACKUP within one advert"},
      {{C::kTrafficFlowsAgain, {}}, " with its VIP, and traffic flows again"},
      {{C::kKeepsVip, {"lb1", Clause({C::kNopreemptOnlyBackup, {}})}},
       "lb1 keeps the VIP (nopreempt does not matter: it only holds back a BACKUP)"},
      {{C::kNopreemptOnlyBackup, {}}, " (nopreempt does not matter: it only holds back a BACKUP)"},
      {{C::kReconnectKeeps,
        {Clause({C::kRecovered,
                 {Clause({C::kRecoverKeepalivedStarted, {}}), Clause({C::kSpanMs, {0.0, 500.0}}),
                  None()}}),
         "lb1+lb2"}},
       "keepalived is started again 0..500 ms after the clear; lb1+lb2 keeps the VIP"},
      {{C::kReconnectResolves,
        {Clause({C::kRecovered,
                 {Clause({C::kRecoverKeepalivedStarted, {}}), Clause({C::kSpanMs, {0.0, 500.0}}),
                  None()}}),
         "lb1", 101, "lb2", 100, "lb2", None()}},
       "keepalived is started again 0..500 ms after the clear: lb1 (101) and lb2 (100) hear each "
       "other again and lb2 goes BACKUP within one advert"},
      {{C::kRestartOver, {}}, "the restart is already over: clearing changes nothing"},
      {{C::kNothingToUndo, {}}, "nothing to undo for VRRP: the owner stays as it is"},
      {{C::kPriorityReturnsOnly,
        {Clause({C::kRecovered,
                 {Clause({C::kRecoverKeepalivedStarted, {}}), Clause({C::kSpanMs, {0.0, 500.0}}),
                  None()}}),
         "lb1", 103}},
       "keepalived is started again 0..500 ms after the clear; lb1's priority returns to 103 and "
       "nothing else changes"},
      {{C::kPriorityReturns,
        {Clause({C::kRecovered,
                 {Clause({C::kRecoverKeepalivedStarted, {}}), Clause({C::kSpanMs, {0.0, 500.0}}),
                  None()}}),
         "lb1", 103}},
       "keepalived is started again 0..500 ms after the clear: lb1's priority returns to 103"},
      {{C::kThawBackup,
        {Clause({C::kRecovered,
                 {Clause({C::kRecoverKeepalivedStarted, {}}), Clause({C::kSpanMs, {0.0, 500.0}}),
                  None()}})}},
       "keepalived is started again 0..500 ms after the clear; nothing else changes"},
      {{C::kNotPredictedSequence, {}},
       "a sequence (inject/clear steps) on a deployment with several instances, VIPs, "
       "segments or sync groups: the oracle predicts only a single fault there"},
      {{C::kNotPredictedSyncPriority, {"G1", "VI_1", "lb1"}},
       "sync group G1: the fault changes VI_1's priority on lb1 without a FAULT; in "
       "keepalived 2.2.7 a member whose down timer runs out goes MASTER only when every "
       "member wants MASTER (vrrp_sync.c, vrrp_sync_can_goto_master) while the other "
       "members still accept the master's adverts: whether and when the group moves is not "
       "modelled"},
      {{C::kNotPredictedSyncDiverge, {"G1", "VI_1", "lb2", "VI_2", "lb1+lb2"}},
       "sync group G1: taken one by one, VI_1 would end on lb2 and VI_2 on lb1+lb2; "
       "keepalived drags the members along (vrrp_sync.c, vrrp_sync_master and "
       "vrrp_sync_backup) in ways the oracle does not model"},
      {{C::kNotPredictedSyncInitial, {"G1"}},
       "sync group G1: its members would start with different owners, and with more than "
       "two nodes or a simultaneous start the group's first election is not modelled"},
      {{C::kNotPredictedUnknownInterface, {"lb1", "eth7"}}, "lb1 has no interface eth7"},
      {{C::kInstanceNotOnNode, {"VI_2", "lb3"}},
       "lb3 does not run VI_2: the fault does not touch it"},
      {{C::kInstanceOtherInterface, {"VI_2", "lb1", "eth1", "eth0"}},
       "VI_2 sends its adverts over eth0 and neither tracks eth1 nor has a VIP there: the "
       "fault on lb1's eth1 does not touch it"},
      {{C::kInstanceVipOnlyOnInterface, {"VI_1", "lb1", "eth1"}},
       "VI_1 has a VIP on eth1, but its adverts go over another interface and this fault "
       "leaves eth1 up: VRRP is unaffected (clients of that VIP on lb1 may lose traffic)"},
      {{C::kVipInterfaceDown, {"lb1", "eth1", "VI_1", "eth0"}},
       "eth1 goes down on lb1 and holds a VIP of VI_1: keepalived 2.2.7 tracks every VIP's "
       "interface with weight 0 (vrrp.c, vrrp_complete_instance: TRACK_ADDR; "
       "keepalived_netlink.c, process_if_status_change -> down_instance), so VI_1 goes "
       "FAULT, removes its VIPs and sends a priority-0 advert over eth0, which is still up"},
      {{C::kTrackInterfaceDown, {"lb1", "eth1", "VI_1", "eth0"}},
       "eth1 goes down on lb1: VI_1 tracks it with weight 0 (track_interface), so it goes "
       "FAULT (keepalived_netlink.c, process_if_status_change -> down_instance), removes "
       "its VIPs and sends a priority-0 advert over eth0, which is still up"},
      {{C::kTrackInterfaceWeight, {"lb1", "eth1", "VI_1", -20, 101, 81}},
       "eth1 goes down on lb1: VI_1 tracks it with weight -20, so keepalived takes |weight| "
       "off its total priority (keepalived_netlink.c, process_if_status_change) and its "
       "effective priority goes 101 → 81 (vrrp_track.c, vrrp_set_effective_priority: "
       "clamped to 1..254); it stays up and keeps advertising"},
      {{C::kTrackAddressOwner, {"lb1", "eth1", "VI_1"}},
       "eth1 goes down on lb1, but VI_1 has priority 255 there (address owner): keepalived "
       "drops its weighted track_interface (vrrp.c, vrrp_complete_instance), so nothing "
       "changes"},
      {{C::kSyncScriptWeightIgnored, {"G1", "VI_1", "lb1"}},
       "VI_1 is in sync group G1: keepalived 2.2.7 drops its weighted track_script (vrrp.c, "
       "vrrp_complete_instance: \"ignoring tracked script with weights due to SYNC "
       "group\"), so the service fault does not touch it on lb1"},
      {{C::kSyncTrackWeightKept, {"G1", "VI_1", "eth1"}},
       "VI_1 is in sync group G1: keepalived 2.2.7 says it ignores the weight of its "
       "track_interface eth1 (\"due to SYNC group\"), but vrrp_complete_instance (vrrp.c) "
       "clears it only after add_vrrp_to_interface has registered the weighted track, so the "
       "weight still applies"},
      {{C::kSyncFault, {"G1", "VI_2", "lb1", "VI_1", "eth0"}},
       "sync group G1: VI_2 goes FAULT on lb1, so VI_1 goes FAULT too (vrrp_sync.c, "
       "vrrp_sync_fault); as MASTER it sends a priority-0 advert over eth0, which is up, "
       "and removes its VIPs"},
      {{C::kSyncWaitsForAll, {"G1", "lb2", Clause({C::kSpanMs, {2607.4, 3719.4}})}},
       "the members of sync group G1 on lb2 become MASTER together once every member's own "
       "timer has run out (vrrp_sync.c: vrrp_sync_can_goto_master lets a member go MASTER "
       "only when all want it, vrrp_sync_master takes the others along): 2607.4..3719.4 ms "
       "after the fault"},
      {{C::kSyncInitialHeld, {"G1", "lb1"}},
       "sync group G1: lb1 starts first and is MASTER of every member; a later node's "
       "members go MASTER only when all of them would (vrrp_sync.c, "
       "vrrp_sync_can_goto_master), and they disagree, so lb1 keeps every member's VIPs"},
  };
  return cases;
}

TEST(ReasonEnglish, EveryCodeRendersTodaysSentence) {
  for (const EnglishCase& c : Cases()) {
    EXPECT_EQ(ToEnglish(c.reason), c.english) << "code " << static_cast<int>(c.reason.code);
  }
}

TEST(ReasonEnglish, TheTableCoversEveryCode) {
  std::set<ReasonCode> seen;
  for (const EnglishCase& c : Cases()) seen.insert(c.reason.code);
  EXPECT_EQ(seen.size(), static_cast<size_t>(C::kSyncInitialHeld) + 1);
}

TEST(ReasonEnglish, ListsRenderOneSentenceEach) {
  const std::vector<Reason> reasons = {{C::kKeepalivedStop, {"lb1"}}, {C::kVipStays, {"lb2"}}};
  EXPECT_EQ(ToEnglish(reasons),
            (std::vector<std::string>{"SIGTERM: keepalived on lb1 stops gracefully, sending a "
                                      "priority-0 advert and removing the VIP",
                                      "the VIP stays on lb2"}));
}

TEST(ReasonEnglish, NumbersStayWholeWhenWholeElseOneDecimal) {
  EXPECT_EQ(FormatNumber(3000), "3000");
  EXPECT_EQ(FormatNumber(609.375), "609.4");
  EXPECT_EQ(FormatNumber(2999.97), "3000");
  EXPECT_EQ(FormatNumber(0.5), "0.5");
}

TEST(ReasonEnglish, AnUnknownCodeIsAnError) {
  EXPECT_THROW(ToEnglish(Reason{static_cast<ReasonCode>(10000), {}}), std::logic_error);
}

TEST(ReasonData, TypedAccessToValuesAndClauses) {
  const Reason r = {C::kTakeoverSilent,
                    {"lb2", "lb1", Clause({C::kMasterDownInterval, {1.0, 609.375, 3609.375}})}};
  EXPECT_EQ(r.text(0), "lb2");
  EXPECT_EQ(r.clause(2).code, C::kMasterDownInterval);
  EXPECT_DOUBLE_EQ(r.clause(2).number(2), 3609.375);
  EXPECT_THROW(r.integer(0), std::bad_variant_access);
  EXPECT_THROW(r.text(3), std::out_of_range);
  const Reason drop = {C::kCheckPriorityDrops, {"lb1", 103, 101, Clause({C::kWeightAdded, {2}})}};
  EXPECT_EQ(drop.integer(1), 103);
}

TEST(ReasonData, OptionalHoldsAClauseOnlyWhenPresent) {
  EXPECT_TRUE(Optional(false, {C::kNopreemptOnlyBackup, {}}).empty());
  EXPECT_EQ(Optional(true, {C::kNopreemptOnlyBackup, {}}),
            (std::vector<Reason>{Reason{C::kNopreemptOnlyBackup, {}}}));
  const Reason absent = {C::kKeepsVip, {"lb1", None()}};
  EXPECT_THROW(absent.clause(1), std::out_of_range);
}

TEST(ReasonData, FindReasonLooksIntoClausesDepthFirst) {
  const std::vector<Reason> reasons = {{C::kVipStays, {"lb1"}},
                                       {C::kRecoveredRejoin,
                                        {Clause({C::kRecovered,
                                                 {Clause({C::kRecoverKeepalivedStarted, {}}),
                                                  Clause({C::kSpanMs, {0.0, 500.0}}), None()}}),
                                         Clause({C::kStaleVipRemoved, {"lb1", "lb2"}}),
                                         Clause({C::kRejoinBelow, {"lb1", 100, "lb2", 101}})}}};
  ASSERT_NE(FindReason(reasons, C::kStaleVipRemoved), nullptr);
  EXPECT_EQ(FindReason(reasons, C::kStaleVipRemoved)->text(1), "lb2");
  EXPECT_EQ(FindReason(reasons, C::kRecoverKeepalivedStarted)->values.size(), 0u);
  EXPECT_EQ(FindReason(reasons, C::kVipStays), &reasons[0]);
  EXPECT_EQ(FindReason(reasons, C::kBothDeaf), nullptr);
}

TEST(ReasonData, EqualityComparesCodeAndValues) {
  EXPECT_EQ((Reason{C::kVipStays, {"lb1"}}), (Reason{C::kVipStays, {"lb1"}}));
  EXPECT_NE((Reason{C::kVipStays, {"lb1"}}), (Reason{C::kVipStays, {"lb2"}}));
  EXPECT_NE((Reason{C::kVipStays, {"lb1"}}), (Reason{C::kNobodyTakesOver, {"lb1"}}));
}

}  // namespace
}  // namespace viplab
