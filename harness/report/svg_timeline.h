// The per-scenario timeline of the HTML report: a model derived from one report scenario's
// `events` (BuildTimelineModel) and its rendering as an inline SVG (RenderTimelineSvg).
//
// Rows, top to bottom: one band per node coloured by VRRP state (INIT before its first `state`
// event; MASTER_RX_LOWER_PRI counts as MASTER; after "keepalived exited" without a STOP, EXITED),
// under it the adverts that node sent (`advert` events "prio 150 v3 int 50cs vrid 51", one tick
// each, labelled with the priority whenever it changes; adverts keepalived drops — " ttl N",
// " bad checksum" — in their own colour), advert lanes of senders that are not nodes (an IP),
// the VIP owner(s) (harness/model/ownership.h: a node powered off or paused owns nothing; two or
// more at once for longer than the scenario's split_brain_tolerance_ms, default 150 ms: split
// brain, shorter: a handover), and the client (served by a node / failed). Vertical markers: each
// `fault` (the first at t = 0) and `clear`; failed-client spans after the fault are shaded across
// all rows as outages; process exits, link changes, power events and gratuitous ARPs (`garp`) of a
// node are dots on its band. The time axis is in ms relative to the fault. A scenario with several
// VIPs or instances gets an owner (and client) lane per VIP and a state band per node and
// instance (see TimelineModel::vip_lanes and ::bands); a single-VIP one renders as before.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace viplab {

// A span of constant state on one row, [t0, t1) in ms from the fault.
struct TimelineSpan {
  double t0 = 0;
  double t1 = 0;
  // State ("MASTER"), "served"/"failed"; owner row: "split brain" or "handover" for two or more
  // owners, else "".
  std::string label;
  std::vector<std::string> owners;  // owner row: the VIP owners (sorted); client row: the node
  std::string detail;  // tooltip text beyond the label (client failure reasons, stale VIPs)
};

// A point event drawn as a marker: fault, clear, process_exit, link, garp, power.
struct TimelineMark {
  double t = 0;
  std::string node;
  std::string kind;
  std::string detail;
};

// Consecutive adverts of one sender with the same priority (-1: not parsed from the detail) and
// the same fate (`dropped`: the detail says " ttl N" or " bad checksum", which keepalived drops).
struct AdvertRun {
  int priority = -1;
  bool dropped = false;
  std::vector<double> times;
  std::string detail;  // the first advert's detail
};

struct AdvertLane {
  std::string sender;  // a node name, or an address when the sender is not a known node
  // Several instances: a lane per sender and VRID ("51", "" when the detail has no "vrid N");
  // else "" (one lane per sender).
  std::string vrid;
  std::vector<AdvertRun> runs;
};

// One VIP's rows in a scenario with several VIPs or several VRRP instances: its owners (same
// rule and labels as TimelineModel::owners) and the client probing it.
struct VipLane {
  std::string vip;       // "10.77.0.201"
  std::string instance;  // its VRRP instance ("VI_2"); "" when the report does not say
  std::vector<TimelineSpan> owners;
  std::vector<TimelineSpan> client;  // empty when no client event names this VIP
  bool split_brain = false;
};

// The VRRP state band of one instance on one node (scenarios with several instances).
struct StateBand {
  std::string node;
  std::string instance;
  std::vector<TimelineSpan> spans;  // covering the range, as TimelineModel::states
};

struct TimelineModel {
  double t_min = 0;  // the events' range (and the observation), ms from the fault
  double t_max = 0;
  // Where the drawing starts: with a fault at t = 0, at most max(1500 ms, 35 % of the time
  // after it) before it (lab start-up is context, the fault is the story); else t_min.
  double view_min = 0;
  std::vector<std::string> nodes;                           // naturally sorted (lb2 < lb10)
  std::map<std::string, std::vector<TimelineSpan>> states;  // node -> spans covering the range
  std::vector<TimelineSpan> owners;                         // covering the range
  bool split_brain = false;          // an owner episode longer than the tolerance (see `owners`)
  std::vector<TimelineSpan> client;  // from the first client event
  std::vector<TimelineMark> faults;
  std::vector<TimelineMark> clears;
  std::vector<TimelineMark> node_marks;  // process_exit, link, garp and power events of nodes
  std::vector<AdvertLane> adverts;       // lanes of known nodes first, in node order (then VRID)
  double outage_start = 0;               // failed-client spans are outages from here (t = 0)
  // Several VIPs (the scenario's `vips` list or the events' `vip`) or several instances (the
  // events' `instance`): one lane per VIP, drawn instead of `owners` and `client` (which then
  // hold the first VIP's). Events without `vip` belong to the first VIP. Empty otherwise.
  std::vector<VipLane> vip_lanes;
  // Several instances: one band per node and instance the node has state events of (at least
  // its first), drawn instead of `states` (which then holds the first instance's). Events
  // without `instance` belong to the first instance. Empty otherwise.
  std::vector<StateBand> bands;
};

// Builds the model from one report scenario (missing fields are tolerated).
TimelineModel BuildTimelineModel(const nlohmann::json& scenario);

// The model as a self-contained <svg> element (styled by the report's CSS classes: st-*, own-*,
// cl-*, mk-*). `id` is made unique per scenario by the caller and used as the svg's id.
std::string RenderTimelineSvg(const TimelineModel& model, const std::string& id);

// A compact SVG legend of the colours RenderTimelineSvg uses.
std::string RenderTimelineLegendSvg();

// Natural order: digit runs compare by value ("lb2" < "lb10").
bool NaturalLess(const std::string& a, const std::string& b);

// A "nice" axis step (1, 2, 2.5 or 5 x 10^k) close to `span / target_ticks`.
double NiceStep(double span, int target_ticks);

}  // namespace viplab
