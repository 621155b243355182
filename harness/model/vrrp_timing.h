// VRRP timer arithmetic from RFC 3768 (v2) and RFC 5798 (v3), as keepalived 2.2.7 applies it (with
// the effective priority, weights included; docs/vrrp-timing.md), and the run lengths derived from
// it that both the oracle and the runner use. All results in milliseconds.
#pragma once

#include "harness/model/scenario.h"

namespace viplab {

// Skew_Time: v2 (256 - priority) / 256 s; v3 (256 - priority) * advert / 256.
double SkewMs(int priority, double advert_s, int version);
// Master_Down_Interval = down_adverts * advert + Skew_Time (keepalived's down_timer_adverts: 3).
double MasterDownMs(int priority, double advert_s, int version, int down_adverts = 3);

// keepalived's effective priority: base, plus a positive weight while the check succeeds, minus
// a negative weight while it fails; clamped to 1..254 unless the base is 255 (address owner).
int EffectivePriority(const NodeSpec& node, bool check_ok);

// Longest time from a service failure to the check noticing it: script interval * fall
// (keepalived runs the script every interval; `fall` failures in a row are needed);
// track_process: 0 (kernel process events); no check: never (returns 0, nothing to detect).
double CheckDetectionMaxMs(const CheckSpec& check);
// Shortest time from a service failure to the check noticing it, the script's run time aside:
// script (fall - 1) * interval (the first failing run can start right after the failure);
// track_process and no check: 0.
double CheckDetectionMinMs(const CheckSpec& check);

// The probe timeout viplab gives its HTTP check script: half the interval, within 50..500 ms, so
// a hung service fails the check well inside one interval (see keepalived_setup.cc).
double ScriptProbeTimeoutMs(const CheckSpec& check);

// nopreempt as keepalived 2.2.7 runs it: cleared with priority 255 and with `state MASTER`
// (vrrp.c, vrrp_complete_instance: "nopreempt will not work with initial state MASTER -
// clearing").
bool EffectiveNopreempt(const NodeSpec& node);
// preempt_delay in ms as keepalived 2.2.7 runs it: cleared with `state MASTER` and with nopreempt
// (vrrp.c, vrrp_complete_instance: "preempt delay will not work with initial state MASTER -
// clearing", "preempt_delay is incompatible with nopreempt mode - resetting"); 0 when unset.
double EffectivePreemptDelayMs(const NodeSpec& node);

// The longest advert interval of any node.
double MaxAdvertMs(const Scenario& scenario);
// The largest Master_Down_Interval of any node, at its failing (lowest) effective priority.
double LargestMasterDownMs(const Scenario& scenario);

// Observation window after the fault: the longest check detection (with the script probe's
// timeout) + the longest preempt_delay + 2 x the largest Master_Down_Interval + one advert + 1 s
// margin; at least the file's failover_ms.max + 1 s, and at least `predicted_max_ms` (the
// oracle's latest predicted failover or return) + one advert.
double ObservationWindowMs(const Scenario& scenario, double predicted_max_ms = 0);

// The least time a run of `scenario` can take with instant infrastructure: the first election
// (the first node's Master_Down_Interval), one or two adverts to settle, and the observation
// after the fault (`observed_ms`, itself set by detection, failover and hold times).
double ProtocolFloorMs(const Scenario& scenario, double observed_ms);

// How long backup `node` must have been BACKUP before the lab counts as settled while `owner`
// is MASTER: one (longest) advert, so it has heard the master; or, when it preempts and outranks
// the owner, its whole down timer plus its preempt_delay plus one advert, since a preempting
// backup takes over only when those run out.
double BackupSettleMs(const Scenario& scenario, const NodeSpec& node, const std::string& owner);

}  // namespace viplab
