// The kinds of timeline events (TimelineEvent::kind, the report's events[].kind): one vocabulary
// shared by the observers that record them, the ownership rule, the runner and the reports.
#pragma once

namespace viplab {

namespace event_kind {
inline constexpr const char* kVipAdded = "vip_added";
inline constexpr const char* kVipRemoved = "vip_removed";
inline constexpr const char* kState = "state";    // detail: MASTER, BACKUP, FAULT, STOP
inline constexpr const char* kFault = "fault";    // detail: what was injected
inline constexpr const char* kClient = "client";  // detail: "served by lb2" / "failed: ..."
inline constexpr const char* kProcessExit = "process_exit";
inline constexpr const char* kLink = "link";    // detail: "eth0 up" / "eth0 down"
inline constexpr const char* kClear = "clear";  // detail: what was cleared
inline constexpr const char* kNote = "note";
inline constexpr const char* kAdvert = "advert";  // detail: "prio 150 v3 int 50cs vrid 51"
inline constexpr const char* kGarp = "garp";      // detail: "10.77.0.200 is-at <mac> (request)"
// A node's machine: detail "off" (node crash: powered off), "on" (powered on again), "paused"
// (node freeze: a paused VM), "resumed". While off or paused a node owns nothing: a VIP still
// configured there is stale (Measurement::stale_vip_ms), not a second owner.
inline constexpr const char* kPower = "power";
}  // namespace event_kind

}  // namespace viplab
