#include "harness/oracle/oracle.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "harness/model/vrrp_timing.h"
#include "harness/oracle/instance_view.h"
#include "harness/oracle/node_model.h"

namespace viplab {

using oracle_internal::Analyze;
using oracle_internal::ClearOf;
using oracle_internal::Effect;
using oracle_internal::Join;
using oracle_internal::Model;
using oracle_internal::PlayOnBackup;
using oracle_internal::PlayOnMaster;
using oracle_internal::Rejoin;
using oracle_internal::RejoinAsBackup;
using oracle_internal::Span;
using oracle_internal::SpanClause;
using oracle_internal::Taker;

namespace {

// Adds the "clients fail" note when the VIP stays on a node whose service the fault broke.
void NoteOutage(const Effect& e, Prediction& p) {
  if (e.service.empty() || p.target != p.owner_before) return;
  if (std::find(p.owners_after.begin(), p.owners_after.end(), p.target) == p.owners_after.end()) {
    return;
  }
  p.reasons.push_back({ReasonCode::kOutage, {p.target, e.service}});
}

bool HandoverRace(const Prediction& p) {
  if (p.return_ms) return true;
  if (!p.new_owner || !p.failover_ms) return false;
  return p.release_ms && *p.release_ms->min >= *p.failover_ms->min;
}

}  // namespace

double ProbabilityOfLossRun(double loss, int run, int trials) {
  if (run <= 0) return 1;
  if (trials < run || loss <= 0) return 0;
  if (loss >= 1) return 1;
  // state[k]: no run of `run` yet, and the last k adverts were lost.
  std::vector<double> state(run, 0.0);
  state[0] = 1;
  double hit = 0;
  for (int i = 0; i < trials; ++i) {
    std::vector<double> next(run, 0.0);
    for (int k = 0; k < run; ++k) {
      next[0] += state[k] * (1 - loss);
      if (k + 1 == run) {
        hit += state[k] * loss;
      } else {
        next[k + 1] += state[k] * loss;
      }
    }
    state = std::move(next);
  }
  return hit;
}

// All nodes start at once as BACKUP: the first down timer to run out wins, with the races
// keepalived leaves open.
void SimultaneousOwner(const Model& m, const Scenario& s, InitialOwner& io) {
  std::vector<std::string> order;
  for (const NodeSpec& n : s.nodes) order.push_back(n.name);
  std::sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
    return m.Beats(a, m.healthy(a), b, m.healthy(b));
  });
  const std::string& top = order[0];
  const std::string& second = order[1];
  io.owner = top;
  io.reasons.push_back(
      {ReasonCode::kInitialSimultaneous, {top, m.healthy(top), m.MdiClause(top, top)}});
  const double gap = m.mdi(second, second) - m.mdi(top, top);
  if (m.healthy(top) == m.healthy(second)) {
    // keepalived 2.2.7 vrrp.c, vrrp_backup: a BACKUP accepts adverts of equal priority; the
    // address tie-break (vrrp_state_master_rx) applies only when both are MASTER at once.
    io.confidence = Confidence::kLow;
    io.reasons.push_back({ReasonCode::kInitialEqualRace, {top, second, m.healthy(top)}});
  } else if (gap < 50) {
    if (m.nopreempt(top)) {
      io.confidence = Confidence::kLow;
      io.reasons.push_back({ReasonCode::kInitialCloseRaceNopreempt, {second, gap, top}});
    } else {
      io.confidence = std::min(io.confidence, Confidence::kMedium);
      io.reasons.push_back({ReasonCode::kInitialCloseRace, {second, gap, top}});
    }
  }
}

InitialOwner PredictInitialOwner(const Scenario& s) {
  const Model m(s);
  InitialOwner io;
  if (s.vrrp_version == 2) {
    for (const NodeSpec& n : s.nodes) {
      if (n.advert_int != s.nodes.front().advert_int) {
        io.confidence = Confidence::kLow;
        io.reasons.push_back({ReasonCode::kInitialV2AdvertMismatch, {}});
        break;
      }
    }
  }
  const std::string& first = s.nodes.front().name;
  if (s.nodes.size() == 1) {
    io.owner = first;
    io.reasons.push_back({ReasonCode::kInitialOnlyNode, {first}});
    return io;
  }
  if (s.startup == Startup::kSimultaneous) {
    SimultaneousOwner(m, s, io);
    return io;
  }
  io.reasons.push_back({ReasonCode::kInitialListedFirst, {first, m.healthy(first)}});
  std::vector<Taker> takers;
  for (size_t i = 1; i < s.nodes.size(); ++i) {
    const std::string& n = s.nodes[i].name;
    const Rejoin r = RejoinAsBackup(m, n, first, Span{}, true, true);
    io.reasons.push_back({ReasonCode::kInitialStartsLater, {n, first, Clause(r.reason)}});
    if (r.takes_over) takers.push_back({n, r.when});
  }
  if (takers.empty()) {
    io.owner = first;
    return io;
  }
  // The highest-priority taker ends up MASTER: any lower one that fired first is preempted by it.
  const Taker best =
      *std::max_element(takers.begin(), takers.end(), [&](const Taker& a, const Taker& b) {
        if (m.healthy(a.node) != m.healthy(b.node)) return m.healthy(a.node) < m.healthy(b.node);
        if (a.when.hi != b.when.hi) return a.when.hi > b.when.hi;
        return m.index(a.node) < m.index(b.node);
      });
  io.owner = best.node;
  io.confidence = std::min(io.confidence, Confidence::kMedium);
  io.reasons.push_back({ReasonCode::kInitialTakesOver, {best.node, first, SpanClause(best.when)}});
  return io;
}

Prediction PredictFault(const Scenario& s, const FaultSpec& fault,
                        const std::string& owner_before) {
  const Model m(s);
  Prediction p;
  p.owner_before = owner_before;
  p.target = fault.node == "master" ? owner_before : fault.node;
  p.fault = fmt::format("{} on {}", DescribeFault(fault), p.target);
  if (!m.has(owner_before) || !m.has(p.target)) {
    // Nobody owns the VIP (an earlier fault released it): there is no master to hit.
    p.confidence = Confidence::kLow;
    p.owner_after = "none";
    p.reasons.push_back({ReasonCode::kNoOwnerAtFault, {}});
    return p;
  }
  const Effect e = Analyze(m, fault, p.target, p.target == owner_before);
  oracle_internal::PlayFault(m, e, p);
  return p;
}

void oracle_internal::PlayFault(const Model& m, const Effect& e, Prediction& p) {
  const Scenario& s = m.scenario();
  const std::string& owner_before = p.owner_before;
  const bool on_master = p.target == owner_before;
  p.reasons.insert(p.reasons.end(), e.reasons.begin(), e.reasons.end());
  p.confidence = e.confidence;
  if (on_master) {
    PlayOnMaster(m, e, p);
  } else {
    PlayOnBackup(m, e, p);
  }
  std::sort(p.owners_after.begin(), p.owners_after.end());
  p.owner_after = Join(p.owners_after);
  p.vip_moves = p.owners_after.size() == 1 && p.owners_after.front() != owner_before;
  NoteOutage(e, p);
  const double window = ObservationWindowMs(s);
  if (p.return_ms && *p.return_ms->max > window) {
    p.confidence = Confidence::kLow;
    p.reasons.push_back({ReasonCode::kReturnAfterWindow, {}});
  }
  if (p.failover_ms && *p.failover_ms->max > window) {
    p.confidence = Confidence::kLow;
    p.reasons.push_back({ReasonCode::kMoveAfterWindow, {}});
  }
  p.failback = ClearOf(m, e, p, 0);
}

namespace {

// The fail-back of `p` (fault `fault`) when the clear comes at least `since_ms` after it.
Failback FailbackAfter(const Scenario& s, const FaultSpec& fault, const Prediction& p,
                       double since_ms) {
  const Model m(s);
  const Effect e = Analyze(m, fault, p.target, p.target == p.owner_before);
  return ClearOf(m, e, p, since_ms);
}

}  // namespace

ScenarioPrediction PredictScenario(const Scenario& s) {
  if (!s.single_instance()) return oracle_internal::PredictDeployment(s);
  ScenarioPrediction out;
  out.initial = PredictInitialOwner(s);
  if (!s.is_sequence()) {
    Prediction p = PredictFault(s, s.fault, out.initial.owner);
    p.confidence = std::min(p.confidence, out.initial.confidence);
    out.faults.push_back(std::move(p));
    return out;
  }
  std::string owner = out.initial.owner;
  Confidence carried = out.initial.confidence;
  bool active = false;      // an injected fault has not been cleared yet
  double since_inject = 0;  // the least time since the last inject (its holds)
  const FaultSpec* injected = nullptr;
  for (const Step& step : s.steps) {
    if (step.kind == Step::Kind::kHold) since_inject += step.hold_ms;
    if (step.kind == Step::Kind::kInject) {
      since_inject = 0;
      injected = &step.fault;
      Prediction p = PredictFault(s, step.fault, owner);
      if (active) {
        p.confidence = Confidence::kLow;
        p.reasons.insert(p.reasons.begin(), Reason{ReasonCode::kStackedFault, {}});
      }
      p.confidence = std::min(p.confidence, carried);
      // With split brain the old master is still MASTER; the next "master" fault hits it.
      owner = p.owners_after.size() == 1 ? p.owners_after.front()
              : p.owners_after.empty()   ? std::string("none")
                                         : p.owner_before;
      carried = std::min(carried, p.confidence);
      active = true;
      out.faults.push_back(std::move(p));
    } else if (step.kind == Step::Kind::kClear && active && !out.faults.empty()) {
      Prediction& last = out.faults.back();
      last.cleared = true;
      // The clear's timing matters when keepalived must first finish a graceful stop.
      if (last.failback && injected)
        last.failback = FailbackAfter(s, *injected, last, since_inject);
      if (last.failback) {
        const Failback& fb = *last.failback;
        owner = fb.owner.find('+') == std::string::npos ? fb.owner : last.owner_before;
        carried = std::min(carried, fb.confidence);
      }
      active = false;
    }
  }
  return out;
}

double LatestPredictedMs(const ScenarioPrediction& sp) {
  double latest = 0;
  auto add = [&](const std::vector<Prediction>& faults) {
    for (const Prediction& p : faults) {
      if (p.failover_ms && p.failover_ms->max) latest = std::max(latest, *p.failover_ms->max);
      if (p.return_ms && p.return_ms->max) latest = std::max(latest, *p.return_ms->max);
    }
  };
  add(sp.faults);
  for (const ScenarioPrediction::PerVip& v : sp.vips) add(v.faults);
  return latest;
}

Expectation ExpectationFromPrediction(const Prediction& p) {
  Expectation x;
  x.owner_before = p.owner_before;
  if (p.confidence == Confidence::kLow) return x;
  x.owner_after = p.owner_after;
  x.vip_moved = p.vip_moves;
  if (p.new_owner && p.failover_ms) x.failover_ms = p.failover_ms;
  if (p.release_ms) x.release_ms = p.release_ms;
  if (p.confidence == Confidence::kHigh) {
    if (p.split_brain) {
      x.split_brain = true;
    } else if (!HandoverRace(p)) {
      x.split_brain = false;
    }
  }
  return x;
}

Expectation FailbackExpectation(const Prediction& p) {
  Expectation x;
  if (!p.failback) return x;
  const Failback& fb = *p.failback;
  if (p.owners_after.size() == 1) x.owner_before = p.owners_after.front();
  if (fb.confidence == Confidence::kLow) return x;
  x.owner_after = fb.owner;
  if (x.owner_before)
    x.vip_moved = fb.owner != *x.owner_before && fb.owner.find('+') == std::string::npos &&
                  fb.owner != "none";
  const bool target_lost_vip =
      std::find(p.owners_after.begin(), p.owners_after.end(), p.target) == p.owners_after.end();
  if (fb.returns && target_lost_vip && fb.window_ms) x.failover_ms = fb.window_ms;
  return x;
}

}  // namespace viplab
