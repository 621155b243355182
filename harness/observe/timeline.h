// Timeline: every observation of one scenario run, in order, on one CLOCK_MONOTONIC, plus the lab
// state derived from them (who owns the VIP, each node's VRRP state, what the client last saw).
//
// Observers (netlink monitor, notify fifos, pidfds, the client probe, fault injection) Add()
// events from their own threads; the runner waits for conditions on the derived state with
// WaitUntil(), which wakes on every new event or at a deadline — event-driven, never polling.
// Interrupt() (SIGINT/SIGTERM) makes every current and future wait throw Interrupted; Fail() (a
// dead observer) makes them return false at once.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "harness/model/event_kind.h"
#include "harness/model/ownership.h"
#include "harness/model/scenario.h"
#include "netns/clock.h"

namespace viplab {

// Event kinds written to reports; stable strings.
struct TimelineEvent {
  TimelineEvent() = default;
  TimelineEvent(TimePoint t, std::string n, std::string k, std::string d, std::string i = {})
      : time(t),
        node(std::move(n)),
        kind(std::move(k)),
        detail(std::move(d)),
        instance(std::move(i)) {}
  TimePoint time;
  std::string node;      // node name, "client" or "lab"
  std::string kind;      // one of event_kind
  std::string detail;    // vip_added/vip_removed: the address with its length, "10.77.0.200/24"
  std::string instance;  // state events: the VRRP instance ("VI_1"); empty otherwise
  std::string vip;       // vip_added/vip_removed and client events: the VIP, "10.77.0.200"
};

// State derived from the events so far. Ownership follows harness/model/ownership.h: a node that is
// powered off or paused owns nothing (its VIP is in stale_vips), so `wait: {owner: lb2}` sees lb2
// alone while lb1 is off with the address still configured.
struct LabState {
  // The first VIP's owners (AllVips order; the only VIP of a single_instance() scenario).
  std::set<std::string> vip_owners;
  // Every VIP's owners, by address without length ("10.77.0.200"), same rule.
  std::map<std::string, std::set<std::string>> owners_by_vip;
  // Every instance's VRRP state per node: instance -> node -> MASTER/BACKUP/FAULT/...
  // (vrrp_state below is the first instance's).
  std::map<std::string, std::map<std::string, std::string>> instance_state;
  // When each of a VIP's current owners became one: VIP -> node -> time (keys as owners_by_vip).
  std::map<std::string, std::map<std::string, TimePoint>> vip_owner_since;
  // When each node entered its current state of each instance: instance -> node -> time.
  std::map<std::string, std::map<std::string, TimePoint>> instance_state_since;
  std::map<std::string, TimePoint> owner_since;   // when each owner last became one
  std::set<std::string> stale_vips;               // nodes off or paused with the VIP configured
  std::map<std::string, std::string> vrrp_state;  // node -> MASTER/BACKUP/FAULT/...
  std::map<std::string, TimePoint> vrrp_state_since;
  std::optional<std::string> client_served_by;   // node of the last good answer, if the
  std::optional<TimePoint> client_served_since;  // last probe succeeded
  bool interrupted = false;
};

// The scenario's VIPs (addresses without length, AllVips order) and instance names (instance
// order). The first of each is what LabState::vip_owners and vrrp_state follow, and what an event
// without a vip or instance field counts for. Empty lists (tests, older callers): the first VIP or
// instance is the one the first such event names ("" when it names none).
struct TimelineScope {
  std::vector<std::string> vips;
  std::vector<std::string> instances;
};

// The scope of `scenario`: AllVips(scenario) and its instances' names.
TimelineScope ScopeOf(const Scenario& scenario);

class Timeline {
 public:
  // Call before the first Add(); every configured VIP gets an (empty) owners_by_vip entry.
  void SetScope(TimelineScope scope);
  void Add(TimelineEvent event);
  void Add(std::string node, std::string kind, std::string detail, TimePoint time = Now());

  // Waits until `condition(state, now)` holds or `deadline` passes; returns whether it held.
  // `recheck_at` (optional) lets a condition that depends on elapsed time ask to be re-evaluated
  // at a given moment (e.g. "master for one advert interval").
  using Condition = std::function<bool(const LabState&, TimePoint now)>;
  using Recheck = std::function<std::optional<TimePoint>(const LabState&)>;
  bool WaitUntil(const Condition& condition, TimePoint deadline, const Recheck& recheck = nullptr);

  void Interrupt();
  // A worker the run depends on died (the observer's event loop, the wire capture, a VRRP
  // delayer): the timeline no longer tells the truth. Every current and future WaitUntil returns
  // false at once; failure() says why (the first reason wins). The runner turns it into an error
  // result, never a verdict.
  void Fail(std::string reason);
  std::string failure() const;  // empty while every worker is alive
  LabState State() const;
  std::vector<TimelineEvent> Events() const;

 private:
  void Apply(const TimelineEvent& event);
  const std::string& VipKey(const std::string& vip);
  const std::string& InstanceKey(const std::string& instance);
  Ownership& OwnershipOf(const std::string& key);
  void Publish(const std::string& key, TimePoint at);  // owners_by_vip[key] (+ first VIP's view)
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<TimelineEvent> events_;
  LabState state_;
  std::optional<std::string> first_vip_;
  std::optional<std::string> first_instance_;
  Ownership power_only_;                        // every power event, no VIP: a new VIP's start
  std::map<std::string, Ownership> ownership_;  // by VIP
  std::string failure_;
};

}  // namespace viplab
