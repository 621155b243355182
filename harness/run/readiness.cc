#include "harness/run/readiness.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "harness/model/vrrp_timing.h"
#include "harness/run/deployment_timing.h"

namespace viplab {
namespace {

using std::chrono::milliseconds;

milliseconds Ms(double ms) { return milliseconds(static_cast<long long>(ms)); }

// The node's advert interval in ms; 0 for a name the scenario does not have.
double AdvertMs(const Scenario& scenario, const std::string& node) {
  const NodeSpec* spec = scenario.FindNode(node);
  return spec ? spec->advert_int * 1000 : 0;
}

// `node`'s time in `table[key]`, if any.
std::optional<TimePoint> SinceOf(
    const std::map<std::string, std::map<std::string, TimePoint>>& table, const std::string& key,
    const std::string& node) {
  auto by_key = table.find(key);
  if (by_key == table.end()) return std::nullopt;
  auto it = by_key->second.find(node);
  if (it == by_key->second.end()) return std::nullopt;
  return it->second;
}

// `node`'s state of `instance`, "" when unknown.
std::string StateOf(const LabState& s, const std::string& instance, const std::string& node) {
  auto by_instance = s.instance_state.find(instance);
  if (by_instance == s.instance_state.end()) return "";
  auto it = by_instance->second.find(node);
  return it == by_instance->second.end() ? "" : it->second;
}

// The owners of `vip` ("10.77.0.200"); empty when the state does not know it.
std::set<std::string> OwnersOf(const LabState& s, const std::string& vip) {
  auto it = s.owners_by_vip.find(vip);
  return it == s.owners_by_vip.end() ? std::set<std::string>{} : it->second;
}

std::string VipKey(const VipSpec& vip) { return vip.address.address().ToString(); }

// The single node owning every VIP of `instance`; with no VIPs, its single MASTER; "" otherwise.
std::string InstanceOwner(const LabState& s, const InstanceSpec& instance) {
  std::set<std::string> owners;
  if (instance.vips.empty()) {
    for (const InstanceNodeSpec& n : instance.nodes) {
      if (StateOf(s, instance.name, n.node) == "MASTER") owners.insert(n.node);
    }
    return owners.size() == 1 ? *owners.begin() : "";
  }
  for (const VipSpec& vip : instance.vips) {
    const std::set<std::string> of = OwnersOf(s, VipKey(vip));
    if (of.size() != 1) return "";
    owners.insert(*of.begin());
  }
  return owners.size() == 1 ? *owners.begin() : "";
}

// Every node of `instance` settled: the owner MASTER for its advert, the others BACKUP for their
// BackupSettleMs of the instance's view.
bool InstanceSettled(const Scenario& scenario, const InstanceSpec& instance, const LabState& s,
                     TimePoint now) {
  const std::string owner = InstanceOwner(s, instance);
  if (owner.empty() || StateOf(s, instance.name, owner) != "MASTER") return false;
  const auto master_since = SinceOf(s.instance_state_since, instance.name, owner);
  if (!master_since || now - *master_since < Ms(InstanceAdvertMs(instance, owner))) return false;
  const Scenario view = InstanceTimingView(scenario, instance, Tracked::kAllUp);
  for (const NodeSpec& n : view.nodes) {
    if (n.name == owner) continue;
    const auto since = SinceOf(s.instance_state_since, instance.name, n.name);
    if (StateOf(s, instance.name, n.name) != "BACKUP" || !since) return false;
    if (now - *since < Ms(BackupSettleMs(view, n, owner))) return false;
  }
  return true;
}

bool ReadyForFaultMulti(const Scenario& scenario, const LabState& s, TimePoint now) {
  for (const InstanceSpec& instance : scenario.instances) {
    if (!InstanceSettled(scenario, instance, s, now)) return false;
  }
  const std::vector<VipRef> vips = AllVips(scenario);
  if (vips.empty()) return false;
  const std::set<std::string> first = OwnersOf(s, VipKey(*vips.front().vip));
  return first.size() == 1 && s.client_served_by == *first.begin();
}

std::optional<TimePoint> ReadyRecheckAtMulti(const Scenario& scenario, const LabState& s) {
  std::optional<TimePoint> latest;
  for (const InstanceSpec& instance : scenario.instances) {
    auto states = s.instance_state_since.find(instance.name);
    if (states == s.instance_state_since.end()) continue;
    const std::string owner = InstanceOwner(s, instance);
    const Scenario view = InstanceTimingView(scenario, instance, Tracked::kAllUp);
    for (const auto& [node, since] : states->second) {
      const NodeSpec* spec = view.FindNode(node);
      const double settle =
          spec && !owner.empty() && node != owner
              ? BackupSettleMs(view, *spec, owner)
              : std::max(InstanceAdvertMs(instance, node), InstanceMaxAdvertMs(instance));
      const TimePoint at = since + Ms(settle);
      if (!latest || at > *latest) latest = at;
    }
  }
  return latest;
}

// Whether `owners` satisfies a wait's owner: "none" for no owner, else exactly that node.
bool OwnerIs(const std::set<std::string>& owners, const std::string& want) {
  return want == "none" ? owners.empty() : (owners.size() == 1 && owners.count(want) > 0);
}

// Whether `first` is MASTER of every instance it runs (staggered start, several instances).
bool MasterOfAllItsInstances(const Scenario& scenario, const LabState& s,
                             const std::string& first) {
  for (const InstanceSpec& instance : scenario.instances) {
    if (instance.FindNode(first) && StateOf(s, instance.name, first) != "MASTER") return false;
  }
  return true;
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
  if (!scenario.single_instance()) return ReadyForFaultMulti(scenario, s, now);
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
  if (!scenario.single_instance()) return ReadyRecheckAtMulti(scenario, s);
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

std::map<std::string, std::string> OwnersBefore(const LabState& before) {
  std::map<std::string, std::string> out;
  for (const auto& [vip, owners] : before.owners_by_vip) {
    out[vip] = owners.size() == 1 ? *owners.begin() : "";
  }
  return out;
}

std::set<std::string> VipsExpectedToMove(const Expectation& e,
                                         const std::map<std::string, std::string>& owners_before) {
  std::set<std::string> out;
  for (const auto& [vip, before] : owners_before) {
    if ((e.vip_moved && *e.vip_moved) ||
        (!e.vip_moved && e.owner_after && *e.owner_after != before)) {
      out.insert(vip);
    }
  }
  for (const VipExpectation& v : e.vips) {
    auto before = owners_before.find(v.vip);
    const std::string owner_before = before == owners_before.end() ? "" : before->second;
    if (v.vip_moved ? *v.vip_moved : (v.owner_after && *v.owner_after != owner_before)) {
      out.insert(v.vip);
    }
  }
  return out;
}

bool VipsMovedAway(const Scenario& scenario, const LabState& s, TimePoint now,
                   const std::map<std::string, std::string>& owners_before,
                   const std::set<std::string>& must_move) {
  bool any_moved = false;
  const std::vector<VipRef> vips = AllVips(scenario);
  for (const VipRef& ref : vips) {
    const std::string vip = VipKey(*ref.vip);
    const std::set<std::string> owners = OwnersOf(s, vip);
    if (owners.size() != 1) return false;
    const std::string& owner = *owners.begin();
    const auto since = SinceOf(s.vip_owner_since, vip, owner);
    if (!since || now - *since < Ms(InstanceAdvertMs(*ref.instance, owner))) return false;
    auto before = owners_before.find(vip);
    const bool moved = before == owners_before.end() || before->second != owner;
    if (must_move.count(vip) && !moved) return false;
    any_moved = any_moved || moved;
    if (moved && &ref == &vips.front() && s.client_served_by != owner) return false;
  }
  return any_moved;
}

std::optional<TimePoint> VipsMovedRecheckAt(const Scenario& scenario, const LabState& s) {
  std::optional<TimePoint> latest;
  for (const VipRef& ref : AllVips(scenario)) {
    const std::string vip = VipKey(*ref.vip);
    const std::set<std::string> owners = OwnersOf(s, vip);
    if (owners.size() != 1) continue;
    const auto since = SinceOf(s.vip_owner_since, vip, *owners.begin());
    if (!since) continue;
    const TimePoint at = *since + Ms(InstanceAdvertMs(*ref.instance, *owners.begin()));
    if (!latest || at > *latest) latest = at;
  }
  return latest;
}

bool WaitHolds(const WaitCondition& wait, const LabState& s) {
  if (wait.owner) {
    if (!OwnerIs(s.vip_owners, *wait.owner)) return false;
    for (const auto& [vip, owners] : s.owners_by_vip) {
      if (!OwnerIs(owners, *wait.owner)) return false;
    }
  }
  for (const auto& [vip, owner] : wait.vip_owners) {
    if (!OwnerIs(OwnersOf(s, vip), owner)) return false;
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
      scenario.single_instance() ? LargestMasterDownMs(scenario) + 3 * MaxAdvertMs(scenario) + 10000
                                 : DeploymentConvergeTimeoutMs(scenario);
  const TimePoint deadline = lab_start + Ms(converge_timeout_ms);
  if (scenario.startup == Startup::kStaggered && scenario.nodes.size() > 1) {
    const std::string& first = scenario.nodes.front().name;
    start_keepalived({first});
    progress(fmt::format("keepalived started on {}; waiting for it to become MASTER", first));
    const bool single = scenario.single_instance();
    const bool first_is_master = timeline.WaitUntil(
        [&](const LabState& s, TimePoint) {
          return single ? IsMaster(s, first) : MasterOfAllItsInstances(scenario, s, first);
        },
        deadline);
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
  std::string text =
      fmt::format("VIP owners [{}], VRRP states [{}], client {}", fmt::join(s.vip_owners, ", "),
                  fmt::join(states, ", "),
                  s.client_served_by ? "served by " + *s.client_served_by : "not served");
  if (s.owners_by_vip.size() <= 1 && s.instance_state.size() <= 1) return text;
  // Several VIPs or instances: every one of them.
  std::vector<std::string> vips;
  for (const auto& [vip, owners] : s.owners_by_vip) {
    vips.push_back(fmt::format("{} [{}]", vip, fmt::join(owners, ", ")));
  }
  std::vector<std::string> instances;
  for (const auto& [instance, by_node] : s.instance_state) {
    std::vector<std::string> nodes;
    for (const auto& [node, state] : by_node) nodes.push_back(node + "=" + state);
    instances.push_back(fmt::format("{} [{}]", instance, fmt::join(nodes, ", ")));
  }
  return fmt::format("{}; owners by VIP: {}; states by instance: {}", text, fmt::join(vips, ", "),
                     fmt::join(instances, ", "));
}

}  // namespace viplab
