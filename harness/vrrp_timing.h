// VRRP timer arithmetic from RFC 3768 (v2) and RFC 5798 (v3), as keepalived applies it (with the
// effective priority, weights included). All results in milliseconds.
#pragma once

#include "harness/scenario.h"

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

}  // namespace viplab
