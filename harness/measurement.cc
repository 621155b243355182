#include "harness/measurement.h"

#include <algorithm>
#include <set>

namespace viplab {

Measurement Measure(const std::vector<TimelineEvent>& unsorted,
                    const std::vector<ProbeSample>& samples, TimePoint t0, TimePoint end,
                    const std::string& owner_before) {
  Measurement m;
  m.owner_before = owner_before;
  m.observed_ms = MillisBetween(t0, end);

  std::vector<TimelineEvent> events = unsorted;
  std::stable_sort(events.begin(), events.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.time < b.time; });

  // Replay VIP ownership; accumulate dual- and no-owner time after the fault.
  std::set<std::string> owners;
  TimePoint cursor = t0;
  auto account = [&](TimePoint until) {
    if (until <= cursor) return;
    if (owners.empty()) m.no_owner_ms += MillisBetween(cursor, until);
    if (owners.size() >= 2) m.dual_owner_ms += MillisBetween(cursor, until);
    cursor = until;
  };
  for (const TimelineEvent& e : events) {
    if (e.time > end) break;
    const bool added = e.kind == event_kind::kVipAdded;
    const bool removed = e.kind == event_kind::kVipRemoved;
    if (!added && !removed) continue;
    if (e.time >= t0) account(e.time);
    if (added) owners.insert(e.node);
    if (removed) owners.erase(e.node);
    if (e.time < t0) continue;
    if (added && e.node != owner_before && !m.failover_ms) {
      m.failover_ms = MillisBetween(t0, e.time);
    }
    if (removed && e.node == owner_before && !m.release_ms) {
      m.release_ms = MillisBetween(t0, e.time);
    }
  }
  account(end);
  m.owners_after.assign(owners.begin(), owners.end());
  if (owners.size() == 1) m.owner_after = *owners.begin();
  m.vip_moved = m.owner_after.has_value() && *m.owner_after != owner_before;

  // Client outage: the longest run of failed probes after the fault, from the first failure's
  // start to the start of the next successful probe (or the end of observation).
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
      longest = std::max(longest, MillisBetween(*failing_since, s.start));
      failing_since.reset();
    }
  }
  if (failing_since) {
    const double open_run = MillisBetween(*failing_since, end);
    if (open_run >= longest) m.outage_ongoing = true;
    longest = std::max(longest, open_run);
  }
  if (any_probe) m.outage_ms = longest;
  return m;
}

}  // namespace viplab
