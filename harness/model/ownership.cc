#include "harness/model/ownership.h"

#include "harness/model/event_kind.h"

namespace viplab {

bool Ownership::Apply(std::string_view kind, const std::string& node, std::string_view detail) {
  if (kind == event_kind::kVipAdded) {
    holders_.insert(node);
    leftover_.erase(node);
  } else if (kind == event_kind::kVipRemoved) {
    holders_.erase(node);
    leftover_.erase(node);
  } else if (kind == event_kind::kPower) {
    if (detail == "off" || detail == "paused") {
      down_.insert(node);
    } else if (detail == "resumed") {
      down_.erase(node);  // a paused VM wakes up holding what it held
    } else if (detail == "on") {
      // A powered-on machine holds no VIP: what the netlink monitor still sees is the leftover
      // that the power-on removes before the links come up (harness/faults/node_faults.cc).
      down_.erase(node);
      if (holders_.count(node)) leftover_.insert(node);
    } else {
      return false;
    }
  } else {
    return false;
  }
  std::set<std::string> owners, stale;
  for (const std::string& holder : holders_) {
    (down_.count(holder) || leftover_.count(holder) ? stale : owners).insert(holder);
  }
  const bool changed = owners != owners_ || stale != stale_;
  owners_ = std::move(owners);
  stale_ = std::move(stale);
  return changed;
}

bool IsSplitBrain(double episode_ms, double tolerance_ms) { return episode_ms > tolerance_ms; }

void EpisodeTracker::Set(double t, size_t owners) {
  if (owners >= 2 && !open_) {
    open_ = true;
    start_ = t;
  } else if (owners < 2 && open_) {
    Finish(t);
  }
}

void EpisodeTracker::Finish(double t) {
  if (!open_) return;
  open_ = false;
  if (t > start_) episodes_.push_back({start_, t});
}

OverlapTotals SumEpisodes(const std::vector<EpisodeTracker::Episode>& episodes,
                          double tolerance_ms) {
  OverlapTotals totals;
  for (const EpisodeTracker::Episode& e : episodes) {
    totals.dual_owner_ms += e.ms();
    if (IsSplitBrain(e.ms(), tolerance_ms)) {
      totals.split_brain = true;
      totals.split_brain_ms += e.ms();
    } else {
      totals.handover_overlap_ms += e.ms();
    }
  }
  return totals;
}

}  // namespace viplab
