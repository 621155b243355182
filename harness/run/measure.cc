#include "harness/run/measure.h"

#include <algorithm>
#include <set>

namespace viplab {
namespace {

// Client outage: runs of failed probes after the fault, each from the first failure's start to
// the start of the next successful probe (or the end of observation).
void MeasureOutage(const std::vector<ProbeSample>& samples, TimePoint t0, TimePoint end,
                   Measurement& m) {
  bool any_probe = false;
  std::optional<TimePoint> failing_since;
  double longest = 0;
  for (const ProbeSample& s : samples) {
    if (s.start < t0 || s.start > end) continue;
    any_probe = true;
    ++m.probes;
    if (!s.ok) {
      ++m.probes_failed;
      if (!failing_since) failing_since = s.start;
    } else if (failing_since) {
      const double run = MillisBetween(*failing_since, s.start);
      longest = std::max(longest, run);
      m.outage_total_ms += run;
      failing_since.reset();
    }
  }
  if (failing_since) {
    const double open_run = MillisBetween(*failing_since, end);
    if (open_run >= longest) m.outage_ongoing = true;
    longest = std::max(longest, open_run);
    m.outage_total_ms += open_run;
  }
  if (any_probe) m.outage_ms = longest;
}

}  // namespace

Measurement Measure(const std::vector<TimelineEvent>& unsorted,
                    const std::vector<ProbeSample>& samples, TimePoint t0, TimePoint end,
                    const std::string& owner_before, double split_brain_tolerance_ms) {
  Measurement m;
  m.owner_before = owner_before;
  m.observed_ms = MillisBetween(t0, end);
  m.split_brain_tolerance_ms = split_brain_tolerance_ms;

  std::vector<TimelineEvent> events = unsorted;
  std::stable_sort(events.begin(), events.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.time < b.time; });

  // Replay VIP ownership; accumulate no-owner and stale time and the multi-owner episodes after
  // the fault.
  Ownership ownership;
  EpisodeTracker episodes;  // ms from the fault, cut at 0
  TimePoint cursor = t0;
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
  return m;
}

}  // namespace viplab
