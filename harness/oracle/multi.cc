// The multi-instance oracle (instance_view.h): every instance predicted on its own view by the
// single-instance rules, then sync groups applied, then one entry per VIP. keepalived 2.2.7
// sources are cited by file and function (github.com/acassen/keepalived, tag v2.2.7).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "harness/oracle/instance_view.h"

namespace viplab {
namespace oracle_internal {
namespace {

// One instance through the fault: its view (which its Model refers to), its initial owner, what
// the fault does to it and the resulting prediction.
struct Run {
  const InstanceSpec* instance = nullptr;
  InitialOwner initial;
  InstanceFault decided;
  std::optional<Effect> effect;  // unset: PredictFault on the view decides (no owner, no target)
  Prediction prediction;
};

// Sync groups start together: a later node's members go MASTER only when all of them would
// (vrrp_sync.c, vrrp_sync_can_goto_master). With two nodes and staggered startup, members that
// disagree therefore all stay on the first node; otherwise not predicted.
void SyncInitialOwners(const Scenario& s, std::vector<Run>& runs, ScenarioPrediction& out) {
  for (const SyncGroupSpec& g : s.sync_groups) {
    std::set<std::string> owners;
    for (Run& r : runs) {
      if (GroupOf(s, r.instance->name) == &g) owners.insert(r.initial.owner);
    }
    if (owners.size() < 2) continue;
    if (s.startup != Startup::kStaggered || s.nodes.size() != 2) {
      out.not_predicted.push_back({ReasonCode::kNotPredictedSyncInitial, {g.name}});
      continue;
    }
    const std::string& first = s.nodes.front().name;
    for (Run& r : runs) {
      if (GroupOf(s, r.instance->name) != &g) continue;
      r.initial.owner = first;
      r.initial.confidence = std::min(r.initial.confidence, Confidence::kMedium);
      r.initial.reasons.push_back({ReasonCode::kSyncInitialHeld, {g.name, first}});
    }
  }
}

bool Releases(const Effect& e) {
  return e.vrrp == Vrrp::kRelease || e.vrrp == Vrrp::kSilent || e.vrrp == Vrrp::kRestart;
}

// One member going FAULT on `t` takes every other member there to FAULT (vrrp_track.c,
// down_instance -> vrrp_sync.c, vrrp_sync_fault). A member whose priority changes without a FAULT
// is not predicted.
void SyncFaults(const Scenario& s, const std::string& t, std::vector<Run>& runs,
                ScenarioPrediction& out) {
  for (const SyncGroupSpec& g : s.sync_groups) {
    const Run* cause = nullptr;
    for (const Run& r : runs) {
      if (GroupOf(s, r.instance->name) == &g && r.effect && r.effect->vrrp == Vrrp::kRelease &&
          r.instance->FindNode(t) != nullptr) {
        cause = &r;
        break;
      }
    }
    for (Run& r : runs) {
      if (GroupOf(s, r.instance->name) != &g || !r.effect || r.instance->FindNode(t) == nullptr) {
        continue;
      }
      if (cause != nullptr && !Releases(*r.effect)) {
        r.effect = FollowToFault(g.name, cause->instance->name, *r.instance, t, *cause->effect);
      } else if (cause == nullptr && r.effect->vrrp == Vrrp::kPriority) {
        out.not_predicted.push_back(
            {ReasonCode::kNotPredictedSyncPriority, {g.name, r.instance->name, t}});
      }
    }
  }
}

// The members of a sync group end on the same owners; a group that moves goes MASTER on the new
// node only when the last member's timer has run out (vrrp_sync.c, vrrp_sync_can_goto_master),
// so every moving member's failover is the latest of them.
void SyncOutcomes(const Scenario& s, std::vector<Run>& runs, ScenarioPrediction& out) {
  for (const SyncGroupSpec& g : s.sync_groups) {
    std::vector<Run*> members;
    for (Run& r : runs) {
      if (GroupOf(s, r.instance->name) == &g) members.push_back(&r);
    }
    if (members.size() < 2) continue;
    const Prediction& a = members.front()->prediction;
    std::vector<Run*> moving;
    for (Run* r : members) {
      const Prediction& b = r->prediction;
      if (b.owners_after != a.owners_after) {
        out.not_predicted.push_back({ReasonCode::kNotPredictedSyncDiverge,
                                     {g.name, members.front()->instance->name, a.owner_after,
                                      r->instance->name, b.owner_after}});
        return;
      }
      if (b.new_owner && b.failover_ms) moving.push_back(r);
    }
    if (moving.size() < 2) continue;
    Bound last = *moving.front()->prediction.failover_ms;
    Confidence confidence = Confidence::kHigh;
    for (const Run* r : moving) {
      last.min = std::max(*last.min, *r->prediction.failover_ms->min);
      last.max = std::max(*last.max, *r->prediction.failover_ms->max);
      confidence = std::min(confidence, r->prediction.confidence);
    }
    for (Run* r : moving) {
      Prediction& p = r->prediction;
      p.failover_ms = last;
      p.confidence = confidence;
      p.reasons.push_back({ReasonCode::kSyncWaitsForAll,
                           {g.name, *p.new_owner, SpanClause({*last.min, *last.max})}});
    }
  }
}

// The fault phase of one instance, its Effect decided.
void PlayRun(const Scenario& view, const FaultSpec& f, const std::string& t, Run& r) {
  const std::string& owner = r.initial.owner;
  if (!r.effect) {
    FaultSpec resolved = f;
    resolved.node = t;
    r.prediction = PredictFault(view, resolved, owner);
  } else {
    const Model m(view);
    Prediction& p = r.prediction;
    p.owner_before = owner;
    p.target = t;
    p.fault = fmt::format("{} on {}", DescribeFault(f), t);
    PlayFault(m, *r.effect, p);
  }
  Prediction& p = r.prediction;
  p.reasons.insert(p.reasons.begin(), r.decided.lead.begin(), r.decided.lead.end());
  p.confidence = std::min(p.confidence, r.initial.confidence);
}

// What the fault does to each instance, before sync groups: an Effect, or unset when the view's
// own PredictFault must answer (the target or the owner is not one of its nodes).
void DecideEffects(const Scenario& s, const std::vector<Scenario>& views, const std::string& t,
                   std::vector<Run>& runs, ScenarioPrediction& out) {
  for (size_t i = 0; i < runs.size(); ++i) {
    Run& r = runs[i];
    const Model m(views[i]);
    const bool on_master = t == r.initial.owner;
    r.decided = DecideInstanceFault(s, *r.instance, m, s.fault, t, on_master);
    switch (r.decided.kind) {
      case InstanceFault::Kind::kNotPredicted:
        out.not_predicted.insert(out.not_predicted.end(), r.decided.why.begin(),
                                 r.decided.why.end());
        break;
      case InstanceFault::Kind::kCustom:
        r.effect = r.decided.effect;
        break;
      case InstanceFault::Kind::kAsSingle:
        if (m.has(t) && m.has(r.initial.owner)) r.effect = Analyze(m, s.fault, t, on_master);
        break;
    }
  }
}

}  // namespace

ScenarioPrediction PredictDeployment(const Scenario& s) {
  ScenarioPrediction out;
  std::vector<Scenario> views;
  std::vector<Run> runs;
  for (const InstanceSpec& i : s.instances) {
    if (i.vips.empty() || i.nodes.empty()) continue;
    views.push_back(InstanceView(s, i));
    runs.push_back({});
    runs.back().instance = &i;
  }
  for (size_t i = 0; i < runs.size(); ++i) runs[i].initial = PredictInitialOwner(views[i]);
  SyncInitialOwners(s, runs, out);
  if (runs.empty()) return out;
  if (s.is_sequence()) out.not_predicted.push_back({ReasonCode::kNotPredictedSequence, {}});
  const std::string t = s.fault.node == "master" ? runs.front().initial.owner : s.fault.node;
  if (out.not_predicted.empty()) DecideEffects(s, views, t, runs, out);
  if (out.not_predicted.empty()) SyncFaults(s, t, runs, out);
  if (out.not_predicted.empty()) {
    for (size_t i = 0; i < runs.size(); ++i) PlayRun(views[i], s.fault, t, runs[i]);
    SyncOutcomes(s, runs, out);
  }
  const bool predicted = out.not_predicted.empty();
  for (const VipRef& v : AllVips(s)) {
    for (const Run& r : runs) {
      if (r.instance != v.instance) continue;
      ScenarioPrediction::PerVip pv;
      pv.vip = VipText(*v.vip);
      pv.instance = r.instance->name;
      pv.initial = r.initial;
      if (predicted) pv.faults.push_back(r.prediction);
      out.vips.push_back(std::move(pv));
    }
  }
  if (!out.vips.empty()) {
    out.initial = out.vips.front().initial;
    out.faults = out.vips.front().faults;
  }
  return out;
}

}  // namespace oracle_internal

namespace {

// Every VIP's expectation holds `field`, all equal: that value.
template <typename T, typename Get>
std::optional<T> Agreed(const std::vector<Expectation>& xs, Get get) {
  std::optional<T> value;
  for (const Expectation& x : xs) {
    const std::optional<T>& v = get(x);
    if (!v || (value && *value != *v)) return std::nullopt;
    value = v;
  }
  return value;
}

// The latest of the bounds some VIPs have (the group's time is its last VIP's); none if none.
std::optional<Bound> Last(const std::vector<std::optional<Bound>>& bounds) {
  std::optional<Bound> last;
  for (const std::optional<Bound>& b : bounds) {
    if (!b) continue;
    if (!last) {
      last = b;
      continue;
    }
    last->min = std::max(*last->min, *b->min);
    last->max = std::max(*last->max, *b->max);
  }
  return last;
}

}  // namespace

Expectation ScenarioExpectation(const ScenarioPrediction& sp) {
  if (!sp.not_predicted.empty() || sp.faults.empty()) return {};
  if (sp.vips.empty()) return ExpectationFromPrediction(sp.faults.front());
  Expectation x;
  std::vector<Expectation> each;
  std::vector<std::optional<Bound>> failovers;
  std::vector<std::optional<Bound>> releases;
  bool confident = true;  // every VIP at medium or high confidence
  for (const ScenarioPrediction::PerVip& v : sp.vips) {
    if (v.faults.empty()) return {};
    const Expectation e = ExpectationFromPrediction(v.faults.front());
    confident = confident && e.owner_after.has_value();
    VipExpectation ve;
    ve.vip = v.vip;
    ve.owner_before = e.owner_before;
    ve.owner_after = e.owner_after;
    ve.vip_moved = e.vip_moved;
    ve.failover_ms = e.failover_ms;
    ve.release_ms = e.release_ms;
    x.vips.push_back(std::move(ve));
    failovers.push_back(e.failover_ms);
    releases.push_back(e.release_ms);
    each.push_back(e);
  }
  x.owner_before = Agreed<std::string>(each, [](const Expectation& e) { return e.owner_before; });
  if (!confident) return x;
  x.owner_after = Agreed<std::string>(each, [](const Expectation& e) { return e.owner_after; });
  x.vip_moved = std::all_of(each.begin(), each.end(),
                            [](const Expectation& e) { return e.vip_moved.value_or(false); });
  x.failover_ms = Last(failovers);
  x.release_ms = Last(releases);
  const bool any_split = std::any_of(
      each.begin(), each.end(), [](const Expectation& e) { return e.split_brain.value_or(false); });
  const bool all_no_split = std::all_of(each.begin(), each.end(), [](const Expectation& e) {
    return e.split_brain.has_value() && !*e.split_brain;
  });
  if (any_split) x.split_brain = true;
  if (all_no_split) x.split_brain = false;
  return x;
}

}  // namespace viplab
