#include "harness/run/measure.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace viplab {
namespace {

// Client outage: runs of failed probes after the fault, each from the first failure's start to
// the start of the next successful probe (or the end of observation).
void MeasureOutage(const std::vector<ProbeSample>& samples, TimePoint t0, TimePoint end,
                   Measurement& m) {
  bool any_probe = false;
  bool failing = false;  // (a plain flag: GCC 12 misreads an optional here as uninitialized)
  TimePoint failing_since{};
  double longest = 0;
  for (const ProbeSample& s : samples) {
    if (s.start < t0 || s.start > end) continue;
    any_probe = true;
    ++m.probes;
    if (!s.ok) {
      ++m.probes_failed;
      if (!failing) failing_since = s.start;
      failing = true;
    } else if (failing) {
      const double run = MillisBetween(failing_since, s.start);
      longest = std::max(longest, run);
      m.outage_total_ms += run;
      failing = false;
    }
  }
  if (failing) {
    const double open_run = MillisBetween(failing_since, end);
    if (open_run >= longest) m.outage_ongoing = true;
    longest = std::max(longest, open_run);
    m.outage_total_ms += open_run;
  }
  if (any_probe) m.outage_ms = longest;
}

// One VIP's Measurement (the fields as documented for a single VIP) and when its final single
// owner became that for good (settled_ms).
struct OneVip {
  Measurement m;
  std::optional<double> settled_ms;
};

// `events` sorted by time and only this VIP's (plus power events).
OneVip MeasureOne(const std::vector<TimelineEvent>& events, const std::vector<ProbeSample>& samples,
                  TimePoint t0, TimePoint end, const std::string& owner_before,
                  double split_brain_tolerance_ms) {
  Measurement m;
  m.owner_before = owner_before;
  m.observed_ms = MillisBetween(t0, end);
  m.split_brain_tolerance_ms = split_brain_tolerance_ms;

  // Replay VIP ownership; accumulate no-owner and stale time and the multi-owner episodes after
  // the fault.
  Ownership ownership;
  EpisodeTracker episodes;  // ms from the fault, cut at 0
  TimePoint cursor = t0;
  std::optional<TimePoint> last_change;  // the owner set last changed
  auto account = [&](TimePoint until) {
    if (until <= cursor) return;
    if (ownership.owners().empty()) m.no_owner_ms += MillisBetween(cursor, until);
    if (!ownership.stale().empty()) m.stale_vip_ms += MillisBetween(cursor, until);
    cursor = until;
  };
  for (const TimelineEvent& e : events) {
    if (e.time > end) break;
    if (e.time >= t0) account(e.time);
    const std::set<std::string> was = ownership.owners();
    if (!ownership.Apply(e.kind, e.node, e.detail)) continue;
    const std::set<std::string>& now = ownership.owners();
    if (now != was) last_change = e.time;
    episodes.Set(std::max(0.0, MillisBetween(t0, e.time)), now.size());
    if (e.time < t0) continue;
    for (const std::string& owner : now) {
      if (!was.count(owner) && owner != owner_before && !m.failover_ms) {
        m.failover_ms = MillisBetween(t0, e.time);
      }
    }
    if (was.count(owner_before) && !now.count(owner_before) && !m.release_ms) {
      m.release_ms = MillisBetween(t0, e.time);
    }
  }
  account(end);
  episodes.Finish(m.observed_ms);
  const OverlapTotals overlap = SumEpisodes(episodes.episodes(), split_brain_tolerance_ms);
  m.dual_owner_ms = overlap.dual_owner_ms;
  m.split_brain = overlap.split_brain;
  m.split_brain_ms = overlap.split_brain_ms;
  m.handover_overlap_ms = overlap.handover_overlap_ms;

  const std::set<std::string>& owners = ownership.owners();
  m.owners_after.assign(owners.begin(), owners.end());
  if (owners.size() == 1) m.owner_after = *owners.begin();
  m.vip_moved = m.owner_after.has_value() && *m.owner_after != owner_before;
  MeasureOutage(samples, t0, end, m);

  OneVip one{std::move(m), std::nullopt};
  if (one.m.owner_after) {
    one.settled_ms = last_change ? std::max(0.0, MillisBetween(t0, *last_change)) : 0.0;
  }
  return one;
}

bool IsOwnershipEvent(const TimelineEvent& e) {
  return e.kind == event_kind::kVipAdded || e.kind == event_kind::kVipRemoved;
}

// Whether something tagged `tag` (an event's or sample's vip) is about VIP `index` of `vips`.
bool IsAbout(const std::string& tag, size_t index, const std::vector<MeasuredVip>& vips) {
  const std::string& vip = vips[index].vip;
  return vip.empty() || tag == vip || (tag.empty() && index == 0);
}

// The VIP's owners just before the fault by the events: "lb1", "lb1+lb2" or "".
std::string OwnersBefore(const std::vector<TimelineEvent>& events, TimePoint t0) {
  Ownership ownership;
  for (const TimelineEvent& e : events) {
    if (e.time >= t0) break;
    ownership.Apply(e.kind, e.node, e.detail);
  }
  return fmt::format("{}", fmt::join(ownership.owners(), "+"));
}

VipMeasurement ToVip(const MeasuredVip& vip, const OneVip& one) {
  const Measurement& m = one.m;
  VipMeasurement v;
  v.vip = vip.vip;
  v.instance = vip.instance;
  v.owner_before = m.owner_before;
  v.owners_after = m.owners_after;
  v.owner_after = m.owner_after;
  v.vip_moved = m.vip_moved;
  v.failover_ms = m.failover_ms;
  v.settled_ms = one.settled_ms;
  v.release_ms = m.release_ms;
  v.split_brain = m.split_brain;
  v.split_brain_ms = m.split_brain_ms;
  v.no_owner_ms = m.no_owner_ms;
  v.outage_ms = m.outage_ms;
  v.outage_ongoing = m.outage_ongoing;
  v.probes = m.probes;
  v.probes_failed = m.probes_failed;
  return v;
}

std::optional<double> Latest(std::optional<double> a, std::optional<double> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

// The group's top-level fields from each VIP's (see measure.h); `ones` has two or more.
Measurement Group(const std::vector<OneVip>& ones) {
  Measurement g = ones.front().m;  // owner_*, observed_ms, tolerance: the first VIP's
  g.vip_moved = false;
  g.failover_ms.reset();
  g.release_ms.reset();
  g.outage_ms.reset();
  g.outage_ongoing = false;
  g.split_brain = false;
  g.no_owner_ms = g.stale_vip_ms = g.dual_owner_ms = g.split_brain_ms = 0;
  g.handover_overlap_ms = g.outage_total_ms = 0;
  g.probes = g.probes_failed = 0;
  bool any_owned = false, all_moved = true;
  std::optional<double> settled, takeover;
  for (const OneVip& one : ones) {
    const Measurement& m = one.m;
    if (!m.owner_before.empty()) {
      any_owned = true;
      all_moved = all_moved && m.vip_moved;
    }
    if (m.vip_moved) settled = Latest(settled, one.settled_ms);
    takeover = Latest(takeover, m.failover_ms);
    g.release_ms = Latest(g.release_ms, m.release_ms);
    if (m.outage_ms && (!g.outage_ms || *m.outage_ms > *g.outage_ms)) {
      g.outage_ms = m.outage_ms;
      g.outage_ongoing = m.outage_ongoing;
    }
    g.split_brain = g.split_brain || m.split_brain;
    g.no_owner_ms = std::max(g.no_owner_ms, m.no_owner_ms);
    g.stale_vip_ms = std::max(g.stale_vip_ms, m.stale_vip_ms);
    g.dual_owner_ms += m.dual_owner_ms;
    g.split_brain_ms += m.split_brain_ms;
    g.handover_overlap_ms += m.handover_overlap_ms;
    g.outage_total_ms += m.outage_total_ms;
    g.probes += m.probes;
    g.probes_failed += m.probes_failed;
  }
  g.vip_moved = any_owned && all_moved;
  g.failover_ms = settled ? settled : takeover;
  return g;
}

}  // namespace

std::vector<MeasuredVip> MeasuredVips(const Scenario& scenario) {
  std::vector<MeasuredVip> vips;
  for (const VipRef& ref : AllVips(scenario)) {
    const std::string address = ref.vip->address.address().ToString();
    const auto same = [&](const MeasuredVip& v) { return v.vip == address; };
    if (std::none_of(vips.begin(), vips.end(), same)) vips.push_back({address, ref.instance->name});
  }
  return vips;
}

Measurement Measure(const std::vector<TimelineEvent>& unsorted,
                    const std::vector<ProbeSample>& samples, TimePoint t0, TimePoint end,
                    const std::string& owner_before, double split_brain_tolerance_ms,
                    const std::vector<MeasuredVip>& requested) {
  const std::vector<MeasuredVip> vips =
      requested.empty() ? std::vector<MeasuredVip>{{"", ""}} : requested;
  std::vector<TimelineEvent> sorted = unsorted;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.time < b.time; });
  std::vector<OneVip> ones;
  for (size_t i = 0; i < vips.size(); ++i) {
    std::vector<TimelineEvent> events;
    for (const TimelineEvent& e : sorted) {
      if (!IsOwnershipEvent(e) || IsAbout(e.vip, i, vips)) events.push_back(e);
    }
    std::vector<ProbeSample> probes;
    for (const ProbeSample& s : samples) {
      if (IsAbout(s.vip, i, vips)) probes.push_back(s);
    }
    const std::string before = i == 0 ? owner_before : OwnersBefore(events, t0);
    ones.push_back(MeasureOne(events, probes, t0, end, before, split_brain_tolerance_ms));
  }
  Measurement m = ones.size() == 1 ? ones.front().m : Group(ones);
  for (size_t i = 0; i < vips.size(); ++i) m.vips.push_back(ToVip(vips[i], ones[i]));
  return m;
}

Measurement Measure(const std::vector<TimelineEvent>& events,
                    const std::vector<ProbeSample>& samples, TimePoint t0, TimePoint end,
                    const std::string& owner_before, double split_brain_tolerance_ms) {
  return Measure(events, samples, t0, end, owner_before, split_brain_tolerance_ms, {});
}

}  // namespace viplab
