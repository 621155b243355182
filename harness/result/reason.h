// The oracle's reasoning as data: each step is a Reason, a code and the values it speaks of (node
// names, priorities, times, nested clauses). ToEnglish renders it into the sentence that `viplab
// explain`, the JSON report, JUnit and HTML print; every English sentence lives in reason.cc, so
// tests of the oracle assert codes and values, not prose. Depends on the standard library and fmt
// only. A new code needs its row in reason.cc's kEnglish (same order; a static_assert checks) and
// in tests/harness/reason_test.cc.
#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

namespace viplab {

// What a reason says. The comment after each code lists its values in order: a name is a
// std::string, a priority or count an int, a time or rate a double, [x] a nested clause (a
// std::vector<Reason> of one), [x?] an optional clause (zero or one), [x...] a list of clauses.
enum class ReasonCode {
  // Clauses of timing.
  kSpanMs,              // lo, hi (ms): "609.4 ms" or "600..1759 ms"
  kSkewTimeV2,          // priority, skew ms
  kSkewTimeV3,          // priority, advert s, skew ms
  kMasterDownInterval,  // advert s, skew ms, MDI ms
  kPreemptDelay,        // preempt_delay s
  // Rejoining as BACKUP (RejoinAsBackup).
  kRejoinAddressOwner,   // node
  kRejoinNoOwner,        // node, [MDI]
  kRejoinBelow,          // node, its priority, owner, owner's priority
  kRejoinEqual,          // node, owner, the priority
  kRejoinNopreempt,      // node, its priority, owner, owner's priority
  kRejoinFreshPreempts,  // node, [MDI], owner, owner's priority, its priority, [preempt delay?]
  kRejoinPreempts,       // node, its priority, owner, owner's priority, [delay?], [MDI]
  // The initial owner.
  kInitialV2AdvertMismatch,    // -
  kInitialOnlyNode,            // node
  kInitialSimultaneous,        // top node, its priority, [MDI]
  kInitialEqualRace,           // top node, second node, the priority
  kInitialCloseRaceNopreempt,  // second node, gap ms, top node
  kInitialCloseRace,           // second node, gap ms, top node
  kInitialListedFirst,         // first node, its priority
  kInitialStartsLater,         // node, first node, [rejoin]
  kInitialTakesOver,           // winner, first node, [span]
  // The prediction as a whole.
  kNoOwnerAtFault,     // -
  kReturnAfterWindow,  // -
  kMoveAfterWindow,    // -
  kStackedFault,       // -
  kOutage,             // node, service state ("dead", "hung", "degraded")
  // Service faults and checks.
  kServiceKilled,        // node, signal ("KILL")
  kServiceHangs,         // node
  kServiceAnswers503,    // node
  kServiceRefuses,       // node
  kServiceUnwatched,     // [service]
  kServiceProcessAlive,  // [service]
  kServiceProcessExit,   // [service], process event ms
  kServiceScriptFails,   // [service], interval s, fall, rise, weight, [span], [probe]
  kProbeTimeout,         // timeout ms
  kProbeFastFail,        // ms
  kCheckWeightZero,      // node
  kCheckAddressOwner,    // node
  kCheckPriorityDrops,   // node, priority before, after, [weight]
  kWeightAdded,          // weight
  kWeightSubtracted,     // weight
  // keepalived, node and link faults.
  kKeepalivedStop,     // node
  kKeepalivedCrash,    // node
  kKeepalivedFreeze,   // node
  kKeepalivedRestart,  // node, [span]
  kNodeFreeze,         // node
  kNodeCrash,          // node
  kLinkDownSwitch,     // node
  kLinkDownInterface,  // node
  // Network faults.
  kLoss,                   // percent, node, direction ("egress"/"ingress"), traffic ("all"/"vrrp")
  kLossNothing,            // [loss]
  kLossBackupEgress,       // [loss]
  kLossMasterIngress,      // [loss]
  kLossAllEgress,          // [loss]
  kLossAllIngress,         // [loss]
  kLossClientsToo,         // node
  kPartitionOneWayMaster,  // node
  kPartitionOneWayBackup,  // node
  kPartitionIsolate,       // node
  kPartitionNodes,         // node
  kDelayMaster,            // node, delay ms
  kDelayBackup,            // node, delay ms
  // How a clear brings the target back (Effect::recover_why).
  kRecoverServiceRestarted,   // [recheck]
  kRecoverServiceResumes,     // [recheck]
  kRecheckScript,             // rise
  kRecheckProcess,            // -
  kRecoverKeepalivedStarted,  // -
  kRecoverKeepalivedResumed,  // -
  kRecoverNodeThawed,         // -
  kRecoverNodePoweredOn,      // -
  kRecoverLinkUp,             // -
  kRecoverLossStops,          // -
  kRecoverPartitionHeals,     // -
  kRecoverDelayEnds,          // -
  // The fault phase on the master.
  kWinsOverRivals,         // winner, its priority, [rival...]
  kRival,                  // node, its priority
  kLossRunChance,          // taker, adverts, window s, probability %
  kLossLikelyStays,        // master
  kLossFlaps,              // taker, master, master's priority, taker's priority
  kLossTakerWins,          // taker, master
  kNoOtherNode,            // -
  kDelayGap,               // gap ms
  kDelayShort,             // closest backup, [MDI], master
  kDelayTakeover,          // taker, [MDI]
  kHearsHigherGoesBackup,  // node that yields, node it hears
  kDelayedMasterReturns,   // master, its priority, taker's, taker, [span]
  kStillBelow,             // backup, its priority, master, master's priority
  kEqualNoTakeover,        // backup, its priority, master, master's priority
  kNopreemptNoTakeover,    // backup, its priority, master, master's priority
  kTakeoverGraceful,       // taker, [skew], master, [nopreempt note?]
  kNopreemptMasterGaveUp,  // -
  kTakeoverSilent,         // taker, master, [MDI]
  kTakeoverPreempt,        // taker, its priority, master's priority, master, [delay?], [MDI]
  kSplitBrainDead,         // master, taker
  kSplitBrainFrozen,       // master, taker
  kMasterYields,           // master, taker, taker's priority, master's priority
  kMasterNotBelow,         // master, taker, taker's priority, master's priority
  kMasterDeaf,             // master, taker
  kKeepsAdvertising,       // master, its priority
  kNobodyOwns,             // -
  kNobodyTakesOver,        // master
  kBackAfterRestart,       // taker, master
  // The fault phase on a backup.
  kBackupDeaf,            // backup, master, [MDI]
  kMasterYieldsToBackup,  // master, backup, backup's priority, master's priority
  kMasterOutranksBackup,  // master, backup, backup's priority, master's priority
  kBothDeaf,              // master, backup
  kBackupPriority,        // backup, master
  kBackupReleases,        // backup, master
  kBackupSilent,          // backup, master
  kVipStays,              // master
  // Fail-back.
  kRecovered,            // [recover_why], [span], [waits for stop?]
  kWaitsForStop,         // -
  kStaleVipRemoved,      // node, owners ("lb2", "lb1+lb2")
  kRecoveredRejoin,      // [recovered], [stale VIP removed?], [rejoin]
  kThawResumes,          // [recovered], master
  kThawTwoMasters,       // [recovered], master, its priority, other, its priority, [traffic?]
  kTrafficFlowsAgain,    // -
  kKeepsVip,             // winner, [nopreempt note?]
  kNopreemptOnlyBackup,  // -
  kReconnectKeeps,       // [recovered], owners
  kReconnectResolves,    // [recovered], a, a's priority, b, b's priority, loser, [note?]
  kRestartOver,          // -
  kNothingToUndo,        // -
  kPriorityReturnsOnly,  // [recovered], node, priority
  kPriorityReturns,      // [recovered], node, priority
  kThawBackup,           // [recovered]
  // Deployments with several instances, VIPs, segments or sync groups (issue 9).
  kNotPredictedSequence,          // -
  kNotPredictedSyncPriority,      // group, instance, node
  kNotPredictedSyncDiverge,       // group, instance, its owners, other instance, its owners
  kNotPredictedSyncInitial,       // group
  kNotPredictedUnknownInterface,  // node, interface
  kInstanceNotOnNode,             // instance, node
  kInstanceOtherInterface,        // instance, node, interface, its own interface
  kInstanceVipOnlyOnInterface,    // instance, node, interface
  kVipInterfaceDown,              // node, interface, instance, its own interface
  kTrackInterfaceDown,            // node, interface, instance, its own interface
  kTrackInterfaceWeight,          // node, interface, instance, weight, priority before, after
  kTrackAddressOwner,             // node, interface, instance
  kSyncScriptWeightIgnored,       // group, instance, node
  kSyncTrackWeightKept,           // group, instance, interface
  kSyncFault,                     // group, instance that goes FAULT, node, follower, its interface
  kSyncWaitsForAll,               // group, node, [span]
  kSyncInitialHeld,               // group, node
};

struct Reason;
// One value of a reason (see ReasonCode for which one each code holds).
using ReasonValue = std::variant<std::string, int, double, std::vector<Reason>>;

// One step of the oracle's reasoning: what it says (code) and about what (values).
struct Reason {
  ReasonCode code{};
  std::vector<ReasonValue> values;

  // Typed access to values[i]; throws std::bad_variant_access or std::out_of_range on a mismatch.
  const std::string& text(size_t i) const;
  int integer(size_t i) const;
  double number(size_t i) const;
  const std::vector<Reason>& clauses(size_t i) const;
  // The single clause values[i] holds; throws std::out_of_range when it holds none.
  const Reason& clause(size_t i) const;

  bool operator==(const Reason& other) const;
};

// A value holding `r` as a nested clause, or (Optional) no clause when `present` is false.
std::vector<Reason> Clause(Reason r);
std::vector<Reason> Optional(bool present, Reason r);

// The first reason with `code` in `reasons` or, depth first, in their clauses; nullptr if none.
const Reason* FindReason(const std::vector<Reason>& reasons, ReasonCode code);

// The English sentence (or, for a clause, the phrase) for `reason`. Numbers print as the oracle
// always printed them: whole numbers whole, others with one decimal (609.375 -> "609.4").
std::string ToEnglish(const Reason& reason);
std::vector<std::string> ToEnglish(const std::vector<Reason>& reasons);

// 609.375 -> "609.4", 3000 -> "3000": whole numbers stay whole.
std::string FormatNumber(double v);

}  // namespace viplab
