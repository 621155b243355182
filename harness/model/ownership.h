// Who owns the VIP, and when two owners are split brain: the one definition that Measure, the
// Timeline's derived LabState (what `wait` steps and the runner see), the verdict and every report
// (JSON, JUnit, HTML, SVG) share.
//
// Ownership: a node owns the VIP while the address is configured on it and the node is running.
// Between a `power` event "off" or "paused" and the next "on" or "resumed" of that node (node
// crash: a powered-off machine; node freeze: a paused VM) it owns nothing, and a VIP still
// configured there is *stale*. After "on" a VIP left from before the power-off stays stale until
// it is removed or added again (a rebooted machine holds no VIP); after "resumed" it counts again.
// Nothing else changes ownership: an isolated or lossy node, or one whose keepalived crashed, is
// alive and still owns what it holds.
//
// Split brain: an *episode* (a stretch of time with two or more owners, however the owner set
// changes within it) longer than the handover tolerance. Shorter episodes are handover overlaps:
// a preempting handover (the new master adds the VIP before the old one has removed it) overlaps
// 1-40 ms in the lab, and any number of those is not split brain.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace viplab {

// The default handover tolerance (CLI --split-brain-tolerance, scenario field
// split_brain_tolerance_ms): well above the 1-40 ms a preempting handover overlaps, well below
// the shortest advert-driven split brain (a backup's down timer is at least 3 adverts).
inline constexpr double kDefaultSplitBrainToleranceMs = 150;

// Replays timeline events (vip_added, vip_removed, power; other kinds are ignored) into the set
// of owners and the set of nodes holding a stale VIP.
class Ownership {
 public:
  // Returns whether owners() or stale() changed.
  bool Apply(std::string_view kind, const std::string& node, std::string_view detail);

  const std::set<std::string>& owners() const { return owners_; }
  const std::set<std::string>& stale() const { return stale_; }  // VIP held while off or paused

 private:
  std::set<std::string> holders_;   // the address is configured there
  std::set<std::string> down_;      // powered off or paused
  std::set<std::string> leftover_;  // powered on again, the old VIP not yet removed or re-added
  std::set<std::string> owners_;
  std::set<std::string> stale_;
};

// An episode of `episode_ms` with two or more owners is split brain when it is longer than the
// tolerance (0 makes any overlap split brain).
bool IsSplitBrain(double episode_ms, double tolerance_ms);

// Cuts a run of owner counts into episodes of two or more owners. Times are ms on any clock,
// non-decreasing; episodes of zero length are dropped.
class EpisodeTracker {
 public:
  struct Episode {
    double start = 0;
    double end = 0;
    double ms() const { return end - start; }
  };
  // From `t` on there are `owners` owners.
  void Set(double t, size_t owners);
  // Closes an episode still open at `t` (the end of observation).
  void Finish(double t);
  const std::vector<Episode>& episodes() const { return episodes_; }

 private:
  bool open_ = false;
  double start_ = 0;
  std::vector<Episode> episodes_;
};

// The episodes summed by the rule above.
struct OverlapTotals {
  bool split_brain = false;        // at least one episode longer than the tolerance
  double split_brain_ms = 0;       // sum of those episodes
  double handover_overlap_ms = 0;  // sum of the shorter ones
  double dual_owner_ms = 0;        // sum of all: split_brain_ms + handover_overlap_ms
};
OverlapTotals SumEpisodes(const std::vector<EpisodeTracker::Episode>& episodes,
                          double tolerance_ms);

}  // namespace viplab
