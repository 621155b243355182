#include "harness/run/readiness.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "harness/model/vrrp_timing.h"

namespace viplab {
namespace {

using std::chrono::milliseconds;

milliseconds Ms(double ms) { return milliseconds(static_cast<long long>(ms)); }

// The node's advert interval in ms; 0 for a name the scenario does not have.
double AdvertMs(const Scenario& scenario, const std::string& node) {
  const NodeSpec* spec = scenario.FindNode(node);
  return spec ? spec->advert_int * 1000 : 0;
}

}  // namespace

Outcome ExpectedOutcome(const Expectation& e, const std::string& owner_before) {
  if (e.vip_moved) return *e.vip_moved ? Outcome::kMoves : Outcome::kStays;
  if (e.owner_after) return *e.owner_after == owner_before ? Outcome::kStays : Outcome::kMoves;
  return Outcome::kUnknown;
}

bool IsMaster(const LabState& s, const std::string& node) {
  auto it = s.vrrp_state.find(node);
  return it != s.vrrp_state.end() && it->second == "MASTER";
}

bool ReadyForFault(const Scenario& scenario, const LabState& s, TimePoint now) {
  if (s.vip_owners.size() != 1) return false;
  const std::string& owner = *s.vip_owners.begin();
  auto state = s.vrrp_state.find(owner);
  if (state == s.vrrp_state.end() || state->second != "MASTER") return false;
  if (now - s.vrrp_state_since.at(owner) < Ms(AdvertMs(scenario, owner))) return false;
  for (const NodeSpec& n : scenario.nodes) {
    if (n.name == owner) continue;
    auto it = s.vrrp_state.find(n.name);
    if (it == s.vrrp_state.end() || it->second != "BACKUP") return false;
    if (now - s.vrrp_state_since.at(n.name) < Ms(BackupSettleMs(scenario, n, owner))) return false;
  }
  return s.client_served_by == owner;
}

std::optional<TimePoint> ReadyRecheckAt(const Scenario& scenario, const LabState& s) {
  const double max_advert_ms = MaxAdvertMs(scenario);
  std::optional<TimePoint> latest;
  const std::string owner = s.vip_owners.size() == 1 ? *s.vip_owners.begin() : "";
  for (const auto& [node, since] : s.vrrp_state_since) {
    const NodeSpec* spec = scenario.FindNode(node);
    const double settle = spec && !owner.empty() && node != owner
                              ? BackupSettleMs(scenario, *spec, owner)
                              : std::max(AdvertMs(scenario, node), max_advert_ms);
    const TimePoint at = since + Ms(settle);
    if (!latest || at > *latest) latest = at;
  }
  return latest;
}

bool MovedAway(const Scenario& scenario, const LabState& s, TimePoint now,
               const std::string& owner_before) {
  if (s.vip_owners.size() != 1 || s.vip_owners.count(owner_before) > 0) return false;
  const std::string& owner = *s.vip_owners.begin();
  return now - s.owner_since.at(owner) >= Ms(AdvertMs(scenario, owner)) &&
         s.client_served_by == owner;
}

std::optional<TimePoint> MovedRecheckAt(const Scenario& scenario, const LabState& s) {
  if (s.vip_owners.size() != 1) return std::nullopt;
  const std::string& owner = *s.vip_owners.begin();
  return s.owner_since.at(owner) + Ms(AdvertMs(scenario, owner));
}

bool WaitHolds(const WaitCondition& wait, const LabState& s) {
  if (wait.owner) {
    if (*wait.owner == "none" ? !s.vip_owners.empty()
                              : (s.vip_owners.size() != 1 || !s.vip_owners.count(*wait.owner))) {
      return false;
    }
  }
  for (const auto& [node, state] : wait.states) {
    auto it = s.vrrp_state.find(node);
    if (it == s.vrrp_state.end() || it->second != state) return false;
  }
  return true;
}

Convergence Converge(const Scenario& scenario, Timeline& timeline,
                     const StartKeepalivedFn& start_keepalived, TimePoint lab_start,
                     const std::function<void(const std::string&)>& progress) {
  Convergence out;
  const double converge_timeout_ms =
      LargestMasterDownMs(scenario) + 3 * MaxAdvertMs(scenario) + 10000;
  const TimePoint deadline = lab_start + Ms(converge_timeout_ms);
  if (scenario.startup == Startup::kStaggered && scenario.nodes.size() > 1) {
    const std::string& first = scenario.nodes.front().name;
    start_keepalived({first});
    progress(fmt::format("keepalived started on {}; waiting for it to become MASTER", first));
    const bool first_is_master = timeline.WaitUntil(
        [&](const LabState& s, TimePoint) { return IsMaster(s, first); }, deadline);
    if (!first_is_master) {
      out.error = fmt::format("{} (started first) did not become MASTER within {:.0f} ms: {}",
                              first, converge_timeout_ms, DescribeState(timeline.State()));
    }
  }
  out.t0 = Now();
  if (!out.error.empty()) return out;
  start_keepalived({});
  progress("services and keepalived started; waiting for one master");
  auto ready = [&](const LabState& s, TimePoint now) { return ReadyForFault(scenario, s, now); };
  auto recheck = [&](const LabState& s) { return ReadyRecheckAt(scenario, s); };
  if (!timeline.WaitUntil(ready, deadline, recheck)) {
    out.error = fmt::format("the lab did not converge within {:.0f} ms: {}", converge_timeout_ms,
                            DescribeState(timeline.State()));
  } else {
    out.before = timeline.State();
  }
  return out;
}

std::string DescribeState(const LabState& s) {
  std::vector<std::string> states;
  for (const auto& [node, state] : s.vrrp_state) states.push_back(node + "=" + state);
  return fmt::format("VIP owners [{}], VRRP states [{}], client {}", fmt::join(s.vip_owners, ", "),
                     fmt::join(states, ", "),
                     s.client_served_by ? "served by " + *s.client_served_by : "not served");
}

}  // namespace viplab
