#include "harness/observe/timeline.h"

#include "netns/error.h"

namespace viplab {

void Timeline::Add(TimelineEvent event) {
  {
    std::lock_guard lock(mutex_);
    Apply(event);
    events_.push_back(std::move(event));
  }
  changed_.notify_all();
}

void Timeline::Add(std::string node, std::string kind, std::string detail, TimePoint time) {
  Add(TimelineEvent{time, std::move(node), std::move(kind), std::move(detail), ""});
}

TimelineScope ScopeOf(const Scenario& scenario) {
  TimelineScope scope;
  for (const VipRef& ref : AllVips(scenario)) {
    scope.vips.push_back(ref.vip->address.address().ToString());
  }
  for (const InstanceSpec& instance : scenario.instances) scope.instances.push_back(instance.name);
  return scope;
}

void Timeline::SetScope(TimelineScope scope) {
  std::lock_guard lock(mutex_);
  if (!scope.vips.empty()) first_vip_ = scope.vips.front();
  if (!scope.instances.empty()) first_instance_ = scope.instances.front();
  for (const std::string& vip : scope.vips) {
    OwnershipOf(vip);
    state_.owners_by_vip.try_emplace(vip);
  }
}

const std::string& Timeline::VipKey(const std::string& vip) {
  if (!first_vip_) first_vip_ = vip;
  return vip.empty() ? *first_vip_ : vip;
}

const std::string& Timeline::InstanceKey(const std::string& instance) {
  if (!first_instance_) first_instance_ = instance;
  return instance.empty() ? *first_instance_ : instance;
}

Ownership& Timeline::OwnershipOf(const std::string& key) {
  // A VIP first seen now starts from every power event so far (who is off or paused).
  return ownership_.try_emplace(key, power_only_).first->second;
}

void Timeline::Publish(const std::string& key, TimePoint at) {
  const Ownership& ownership = ownership_.at(key);
  std::map<std::string, TimePoint>& since = state_.vip_owner_since[key];
  for (const std::string& owner : ownership.owners()) since.try_emplace(owner, at);
  std::erase_if(since, [&](const auto& entry) { return !ownership.owners().count(entry.first); });
  state_.owners_by_vip[key] = ownership.owners();
  if (!first_vip_ || key != *first_vip_) return;
  for (const std::string& owner : ownership.owners()) {
    if (!state_.vip_owners.count(owner)) state_.owner_since[owner] = at;
  }
  for (const std::string& owner : state_.vip_owners) {
    if (!ownership.owners().count(owner)) state_.owner_since.erase(owner);
  }
  state_.vip_owners = ownership.owners();
  state_.stale_vips = ownership.stale();
}

void Timeline::Apply(const TimelineEvent& e) {
  if (e.kind == event_kind::kPower) {
    // A machine's power applies to every VIP it may hold.
    power_only_.Apply(e.kind, e.node, e.detail);
    for (auto& [key, ownership] : ownership_) {
      if (ownership.Apply(e.kind, e.node, e.detail)) Publish(key, e.time);
    }
  } else if (e.kind == event_kind::kVipAdded || e.kind == event_kind::kVipRemoved) {
    const std::string key = VipKey(e.vip);
    if (OwnershipOf(key).Apply(e.kind, e.node, e.detail)) Publish(key, e.time);
  } else if (e.kind == event_kind::kState) {
    const std::string& instance = InstanceKey(e.instance);
    std::string& state = state_.instance_state[instance][e.node];
    if (state != e.detail) state_.instance_state_since[instance][e.node] = e.time;
    state = e.detail;
    if (instance != *first_instance_) return;
    if (state_.vrrp_state[e.node] != e.detail) state_.vrrp_state_since[e.node] = e.time;
    state_.vrrp_state[e.node] = e.detail;
  } else if (e.kind == event_kind::kClient) {
    // What the client sees of the first VIP (events without a vip field are about it).
    if (!e.vip.empty() && first_vip_ && e.vip != *first_vip_) return;
    static constexpr std::string_view kServed = "served by ";
    if (e.detail.rfind(kServed, 0) == 0) {
      std::string node = e.detail.substr(kServed.size());
      if (state_.client_served_by != node) state_.client_served_since = e.time;
      state_.client_served_by = std::move(node);
    } else {
      state_.client_served_by.reset();
      state_.client_served_since.reset();
    }
  }
}

bool Timeline::WaitUntil(const Condition& condition, TimePoint deadline, const Recheck& recheck) {
  std::unique_lock lock(mutex_);
  while (true) {
    if (state_.interrupted) throw Interrupted();
    if (!failure_.empty()) return false;
    const TimePoint now = Now();
    if (condition(state_, now)) return true;
    if (now >= deadline) return false;
    TimePoint wake = deadline;
    if (recheck) {
      if (auto at = recheck(state_); at && *at > now && *at < wake) wake = *at;
    }
    changed_.wait_until(lock, wake);
  }
}

void Timeline::Interrupt() {
  {
    std::lock_guard lock(mutex_);
    state_.interrupted = true;
  }
  changed_.notify_all();
}

void Timeline::Fail(std::string reason) {
  {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) return;
    failure_ = reason.empty() ? "a worker of the run failed" : std::move(reason);
  }
  changed_.notify_all();
}

std::string Timeline::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

LabState Timeline::State() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::vector<TimelineEvent> Timeline::Events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

}  // namespace viplab
